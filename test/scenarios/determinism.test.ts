/**
 * Reproducible runs (issue #4): two apps with the same --seed and the same clock start, given the
 * same requests, answer byte for byte the same (bodies, Set-GUID headers, events, random faults);
 * another seed gives other GUIDs. And `--clock virtual`: time stands still until
 * /__mock/clock/advance moves it, and the timers follow it; with the real clock advance is 409.
 */
import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { parseConfig, type Config } from '../../src/config.js'
import { GW, build } from '../helper.js'
import type { ManualClock } from '../../src/domain/clock.js'

const A = '1001'
const B = '1002'

/** A scripted client session; every answer is recorded as status, Set-GUID and the exact body. */
async function session (app: FastifyInstance, clock: ManualClock): Promise<string[]> {
  const lines: string[] = []
  const guids = new Map<string, string>()
  const record = (label: string, id: string, res: LightMyRequestResponse): LightMyRequestResponse => {
    const setGuid = res.headers['set-guid']
    lines.push(`${label} ${res.statusCode} ${String(setGuid ?? '-')} ${res.body}`)
    if (typeof setGuid === 'string') guids.set(id, setGuid.replace('JSESSIONID=', ''))
    return res
  }
  const req = async (id: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, payload?: object): Promise<LightMyRequestResponse> =>
    record(`${method} ${path}`, id, await app.inject({ method, url: `${GW}${path}`, headers: { guid: guids.get(id) ?? '' }, ...(payload === undefined ? {} : { payload }) }))
  const pollAll = async (id: string): Promise<void> => {
    for (let i = 0; i < 50; i++) {
      const res = await req(id, 'GET', `/agentevent/${id}`)
      if (res.json().event === undefined) return
    }
  }

  for (const id of [A, B]) record(`login ${id}`, id, await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${id}`, payload: { password: '', phonenum: `7${id}` } }))
  await pollAll(A)
  await pollAll(B)

  await req(A, 'PUT', `/voicecall/${A}/callinner`, { called: '9001' })
  await pollAll(A)
  clock.advance(1000)
  await pollAll(A)
  await req(A, 'GET', `/calldata/${A}/callinfo`)
  await req(A, 'DELETE', `/voicecall/${A}/release`)
  await pollAll(A)

  await req(B, 'PUT', `/voicecall/${B}/callout`, { called: '5550100', callappdata: 'order 42' })
  clock.advance(1000)
  await pollAll(B)
  await req(B, 'DELETE', `/voicecall/${B}/release`)
  await pollAll(B)

  await req(A, 'PUT', `/voicecall/${A}/callinner`, { called: B })
  await pollAll(A)
  await pollAll(B)
  await req(B, 'DELETE', `/voicecall/${B}/release`)
  await pollAll(A)
  await pollAll(B)

  await req(B, 'POST', `/onlineagent/${B}/saybusy?reason=201`)
  await req(B, 'POST', `/onlineagent/${B}/cancelbusy`)
  await req(A, 'POST', `/onlineagent/${A}/rest/60/1`)
  clock.advance(60000)
  await req(A, 'POST', `/onlineagent/${A}/cancelrest`)
  await req(A, 'POST', `/onlineagent/${A}/handshake`)
  await pollAll(A)
  await pollAll(B)

  // A probabilistic fault: the same requests fail in both runs.
  await app.inject({ method: 'POST', url: '/__mock/faults', payload: { match: { operation: 'getAgentStatus' }, fire: { probability: 0.5 }, action: { retcode: '100-007' } } })
  for (let i = 0; i < 12; i++) await req(A, 'GET', `/onlineagent/${A}/agentstatus`)
  for (const id of [A, B]) lines.push(`history ${id} ${(await app.inject({ method: 'GET', url: `/__mock/agents/${id}/history` })).body}`)
  return lines
}

t.test('the same seed and the same requests give byte-identical answers, GUIDs and events', async (t) => {
  const config: Partial<Config> = { seed: 2026, guidRotation: 'dynamic' }
  const first = await build(t, config)
  const second = await build(t, config)
  const a = await session(first.app, first.clock)
  const b = await session(second.app, second.clock)
  t.ok(a.length > 60, `a real session (${a.length} answers)`)
  t.ok(a.filter(l => / JSESSIONID=/.test(l)).length > 20, 'with many Set-GUID headers (dynamic rotation)')
  t.ok(a.some(l => l.includes('"100-007"')) && a.some(l => l.includes('"agentState"')), 'the probabilistic fault fires on some requests only')
  t.same(b, a)
  t.equal(b.join('\n'), a.join('\n'), 'byte for byte')
})

t.test('another seed gives other GUIDs', async (t) => {
  const one = await build(t, { seed: 2026 })
  const other = await build(t, { seed: 2027 })
  const login = async (app: FastifyInstance): Promise<string> =>
    String((await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}`, payload: { password: '', phonenum: '1' } })).headers['set-guid'])
  const g1 = await login(one.app)
  const g2 = await login(other.app)
  t.match(g1, /^JSESSIONID=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.AgentGateway0$/)
  t.not(g1, g2)
  const again = await build(t, { seed: 2026 })
  t.equal(await login(again.app), g1, 'and the first seed gives the first GUID again')
})

async function virtualApp (t: { teardown(fn: () => unknown): void }, extra: string[] = []): Promise<FastifyInstance> {
  const parsed = parseConfig(['--clock', 'virtual', '--poll-wait-ms', '0', '--log-level', 'silent', ...extra], {})
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
  const app = await buildApp(parsed.config, { logger: false })
  t.teardown(() => app.close())
  return app
}

const clockOf = async (app: FastifyInstance): Promise<{ mode: string, now: number, iso: string }> =>
  (await app.inject({ method: 'GET', url: '/__mock/clock' })).json()

async function events (app: FastifyInstance, id: string, guid: string): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < 50; i++) {
    const body = (await app.inject({ method: 'GET', url: `${GW}/agentevent/${id}`, headers: { guid } })).json()
    if (body.event === undefined) return out
    out.push(body.event.eventType)
  }
  return out
}

t.test('--clock virtual: time stands still until /__mock/clock/advance moves it', async (t) => {
  const app = await virtualApp(t)
  const start = await clockOf(app)
  t.equal(start.mode, 'virtual')
  t.equal(start.iso, new Date(start.now).toISOString())
  await new Promise(resolve => setImmediate(resolve))
  t.equal((await clockOf(app)).now, start.now, 'frozen')
  const moved = await app.inject({ method: 'POST', url: '/__mock/clock/advance', payload: { ms: 1500 } })
  t.equal(moved.statusCode, 200)
  t.same(moved.json(), { mode: 'virtual', now: start.now + 1500, iso: new Date(start.now + 1500).toISOString() })
  t.equal((await clockOf(app)).now, start.now + 1500)
  t.equal((await app.inject({ method: 'POST', url: '/__mock/clock/advance', payload: { ms: -1 } })).statusCode, 400, 'time does not go back')
})

t.test('--clock virtual: advancing fires ring timeouts and ends long-poll holds', async (t) => {
  const app = await virtualApp(t)
  const login = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}`, payload: { password: '', phonenum: '1' } })
  const guid = String(login.headers['set-guid']).replace('JSESSIONID=', '')
  await events(app, A, guid)
  await app.inject({ method: 'PUT', url: `${GW}/voicecall/${A}/callinner`, headers: { guid }, payload: { called: '9004' } })
  t.equal((await events(app, A, guid)).at(-1), 'AgentEvent_Customer_Alerting')
  const advance = (ms: number): Promise<LightMyRequestResponse> => app.inject({ method: 'POST', url: '/__mock/clock/advance', payload: { ms } })
  await advance(29999)
  t.same(await events(app, A, guid), [], 'still ringing just before the 30 s ring timeout')
  await advance(1)
  t.same(await events(app, A, guid), ['AgentEvent_Inside_Call_Fail', 'AgentOther_PhoneRelease', 'AgentState_Ready'])

  app.simulator.settings.pollWaitMs = 10000
  let answered: LightMyRequestResponse | undefined
  const held = app.inject({ method: 'GET', url: `${GW}/agentevent/${A}`, headers: { guid } }).then(r => { answered = r; return r })
  const agent = app.simulator.agents.get(A)!
  for (let i = 0; i < 1000 && !agent.queue.holding; i++) await new Promise(resolve => setImmediate(resolve))
  t.ok(agent.queue.holding, 'the poll is held')
  await advance(9999)
  t.equal(answered, undefined, 'held while less than 10 s of clock passed')
  await advance(1)
  t.equal((await held).body, '{"message":"","retcode":"0"}', 'answered empty when the hold ends')
})

t.test('--clock virtual: rest reminders and the inactivity rule follow the clock too', async (t) => {
  const app = await virtualApp(t, ['--inactivity-timeout-ms', '120000'])
  const advance = (ms: number): Promise<LightMyRequestResponse> => app.inject({ method: 'POST', url: '/__mock/clock/advance', payload: { ms } })
  const login = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}`, payload: { password: '', phonenum: '1' } })
  const guid = String(login.headers['set-guid']).replace('JSESSIONID=', '')
  await events(app, A, guid)
  await app.inject({ method: 'POST', url: `${GW}/onlineagent/${A}/rest/60/1`, headers: { guid } })
  t.same(await events(app, A, guid), ['AgentState_SetRest_Success'])
  await advance(59999)
  t.same(await events(app, A, guid), [])
  await advance(1)
  t.same(await events(app, A, guid), ['AgentState_Rest_Timeout'], 'the rest reminder at 60 s of clock')
  await advance(119999)
  t.equal((await app.inject({ method: 'GET', url: `/__mock/agents/${A}` })).statusCode, 200, 'signed in 1 ms before the 2-minute rule')
  await advance(1)
  t.equal((await app.inject({ method: 'GET', url: `/__mock/agents/${A}` })).statusCode, 404, 'signed out for inactivity after 2 minutes of clock')
})

t.test('with the real clock, GET /__mock/clock says so and advance answers 409', async (t) => {
  const app = await buildApp({ pollWaitMs: 0 }, { logger: false })
  t.teardown(() => app.close())
  const before = Date.now()
  const c = await clockOf(app)
  t.equal(c.mode, 'real')
  t.ok(c.now >= before && c.now <= Date.now(), 'wall-clock time')
  const res = await app.inject({ method: 'POST', url: '/__mock/clock/advance', payload: { ms: 1000 } })
  t.equal(res.statusCode, 409)
  t.match(res.json().message, /--clock virtual/)
})
