/**
 * The shipped scenario library (issue #4): every file in scenarios/ loads and validates, and each
 * scenario is run once to check what a client sees over the gateway routes, as its file's comment
 * promises. Time is driven by a ManualClock; the transport faults are checked on a real socket.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { ManualClock } from '../../src/domain/clock.js'
import { loadScenarioFile, loadScenarios } from '../../src/world/load-world.js'
import { call, dial, drain, drainTypes, GW, type Outcome, type PolledEvent, send, settle, signIn, until } from '../helper.js'

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url))
const DOCS = fileURLToPath(new URL('../../docs/scenarios.md', import.meta.url))
const A = '1001'

interface Teardown { teardown(fn: () => unknown): void }
interface Ctx { app: FastifyInstance, clock: ManualClock }

/** An app running one shipped scenario on a ManualClock; polls answer at once unless asked. */
async function running (t: Teardown, name: string, config: Partial<Config> = {}): Promise<Ctx> {
  const clock = new ManualClock()
  const app = await buildApp({ pollWaitMs: 0, ...config }, { clock, logger: false, scenarios: [loadScenarioFile(join(SCENARIOS, `${name}.yaml`))] })
  t.teardown(() => app.close())
  return { app, clock }
}

/** A signed-in agent with its sign-in events already polled. */
async function ready (app: FastifyInstance, id = A): Promise<string> {
  const guid = await signIn(app, id)
  await drain(app, id, guid)
  return guid
}

const ev = (eventType: string, content: unknown = null): PolledEvent => ({ eventType, workNo: A, content })
const DIAL = ['AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentState_Busy']

async function listen (app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return (app.server.address() as { port: number }).port
}

t.test('every file in scenarios/ loads and validates', async (t) => {
  const files = readdirSync(SCENARIOS).filter(f => /\.(ya?ml|json)$/.test(f))
  const loaded = loadScenarios([SCENARIOS])
  t.equal(loaded.length, files.length)
  t.equal(loaded[0]?.name, 'default', 'in a folder, default comes first (it is the one activated)')
  t.same(loaded.map(s => s.name).sort(), files.map(f => basename(f, '.yaml')).sort(), 'each scenario is named after its file')
  for (const s of loaded) {
    t.not(s.description, '', `${s.name} has a description`)
    t.match(readFileSync(s.source, 'utf8'), /^# /, `${s.name} starts with a comment that documents it`)
  }
  const required = ['default', 'callee-busy', 'callee-no-answer', 'callee-rejects', 'far-end-hangs-up', 'gateway-flaky', 'slow-gateway',
    'guid-expires', 'guid-rotation', 'forced-sign-out-while-talking', 'already-signed-in', 'poll-connection-resets', 'inactivity-sign-out']
  for (const name of required) t.ok(loaded.some(s => s.name === name), `${name} is shipped`)
})

t.test('every shipped scenario is documented in docs/scenarios.md', async (t) => {
  if (!existsSync(DOCS)) { t.fail('docs/scenarios.md exists'); return }
  const text = readFileSync(DOCS, 'utf8')
  for (const s of loadScenarios([SCENARIOS])) t.match(text, s.name, `${s.name} is described`)
})

t.test('default: simulated colleagues answer, magic numbers behave as documented', async (t) => {
  const { app, clock } = await running(t, 'default')
  const scenarios = (await app.inject({ method: 'GET', url: '/__mock/scenarios' })).json().scenarios
  t.same(scenarios.map((s: { name: string, active: boolean }) => [s.name, s.active]), [['default', true]])
  const guid = await ready(app)
  const callid = await dial(app, guid, A, '9001')
  t.same(await drainTypes(app, A, guid), [...DIAL, 'AgentEvent_Customer_Alerting'])
  clock.advance(999)
  t.same(await drainTypes(app, A, guid), [], '9001 answers after 1 s, not before')
  clock.advance(1)
  t.same(await drain(app, A, guid), [ev('AgentEvent_Talking', { caller: A, callid, called: '9001', feature: '6', type: 'main', mediaAbility: '1' })])
  t.equal((await call(app, guid, 'DELETE', `/voicecall/${A}/release`)).json().retcode, '0')
  t.same(await drainTypes(app, A, guid), ['AgentEvent_Call_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  const invalid = (await call(app, guid, 'PUT', `/voicecall/${A}/callout`, { called: '5550199' })).json()
  t.equal(invalid.retcode, '200-001', '5550199 cannot be dialled')
  await dial(app, guid, A, '5550101', 'callout')
  t.same(await drainTypes(app, A, guid), [...DIAL, 'AgentOther_PhoneRelease', 'AgentEvent_Call_Out_Fail', 'AgentEvent_Connect_Fail', 'AgentState_Ready'], '5550101 is busy')
})

t.test('callee-busy: an internal call fails at once, a call-out fails with PhoneRelease, Call_Out_Fail, Connect_Fail', async (t) => {
  const { app } = await running(t, 'callee-busy')
  const guid = await ready(app)
  const inner = await dial(app, guid, A, '9001')
  t.same(await drain(app, A, guid), [...DIAL.map(e => ev(e, e === 'AgentOther_PhoneOffhook' ? { type: 'main' } : null)),
    ev('AgentEvent_Inside_Call_Fail', inner), ev('AgentOther_PhoneRelease', { phoneState: 3 }), ev('AgentState_Ready')])
  const out = await dial(app, guid, A, '4006001234', 'callout')
  const events = await drain(app, A, guid)
  t.same(events.map(e => e.eventType), [...DIAL, 'AgentOther_PhoneRelease', 'AgentEvent_Call_Out_Fail', 'AgentEvent_Connect_Fail', 'AgentState_Ready'])
  t.equal(events[4]?.content, out)
  t.equal(events[5]?.content, out)
})

t.test('callee-no-answer: the call rings for 15 s, then fails', async (t) => {
  const { app, clock } = await running(t, 'callee-no-answer')
  const guid = await ready(app)
  const inner = await dial(app, guid, A, '9001')
  t.same(await drainTypes(app, A, guid), [...DIAL, 'AgentEvent_Customer_Alerting'])
  clock.advance(14999)
  t.same(await drainTypes(app, A, guid), [], 'still ringing just before 15 s')
  clock.advance(1)
  t.same(await drain(app, A, guid), [ev('AgentEvent_Inside_Call_Fail', inner), ev('AgentOther_PhoneRelease', { phoneState: 3 }), ev('AgentState_Ready')])
  await dial(app, guid, A, '5550100', 'callout')
  t.same(await drainTypes(app, A, guid), [...DIAL, 'AgentEvent_Customer_Alerting'])
  clock.advance(15000)
  t.same(await drainTypes(app, A, guid), ['AgentOther_PhoneRelease', 'AgentEvent_Call_Out_Fail', 'AgentEvent_Connect_Fail', 'AgentState_Ready'])
})

t.test('callee-rejects: the called party rejects after ringing for 1.5 s', async (t) => {
  const { app, clock } = await running(t, 'callee-rejects')
  const guid = await ready(app)
  const inner = await dial(app, guid, A, '9002')
  t.same(await drainTypes(app, A, guid), [...DIAL, 'AgentEvent_Customer_Alerting'])
  clock.advance(1499)
  t.same(await drainTypes(app, A, guid), [])
  clock.advance(1)
  t.same(await drain(app, A, guid), [ev('AgentEvent_Inside_Call_Fail', inner), ev('AgentOther_PhoneRelease', { phoneState: 3 }), ev('AgentState_Ready')])
  await dial(app, guid, A, '5550100', 'callout')
  await drain(app, A, guid)
  clock.advance(1500)
  t.same(await drainTypes(app, A, guid), ['AgentOther_PhoneRelease', 'AgentEvent_Call_Out_Fail', 'AgentEvent_Connect_Fail', 'AgentState_Ready'])
})

t.test('far-end-hangs-up: Customer_Release 5 s after Talking, on every call', async (t) => {
  const { app, clock } = await running(t, 'far-end-hangs-up')
  const guid = await ready(app)
  const callid = await dial(app, guid, A, '9001')
  clock.advance(1000)
  t.same((await drainTypes(app, A, guid)).at(-1), 'AgentEvent_Talking')
  clock.advance(4999)
  t.same(await drainTypes(app, A, guid), [], 'still talking at 4.999 s')
  clock.advance(1)
  t.same(await drain(app, A, guid), [
    ev('AgentEvent_Customer_Release', { callid, number: '9001' }),
    ev('AgentOther_PhoneRelease', { phoneState: 3 }),
    ev('AgentState_Ready')
  ])
  // A second call, with autoenteridle off: the step repeats and the agent lands in wrap-up.
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/autoenteridle/false`)).json().retcode, '0')
  const second = await dial(app, guid, A, '5550100', 'callout')
  clock.advance(1000)
  await drain(app, A, guid)
  clock.advance(5000)
  t.same(await drain(app, A, guid), [
    ev('AgentEvent_Customer_Release', { callid: second, number: '5550100' }),
    ev('AgentOther_PhoneRelease', { phoneState: 3 }),
    ev('AgentState_Work')
  ])
})

/** Sign in (retrying a scripted failure), then 200 status queries: the retcode of every answer. */
async function flakyRun (app: FastifyInstance): Promise<string[]> {
  const seen: string[] = []
  let guid = ''
  for (let i = 0; i < 20 && guid === ''; i++) {
    const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}`, payload: { password: '', phonenum: '71001' } })
    seen.push(res.json().retcode)
    if (res.json().retcode === '0') guid = String(res.headers['set-guid']).replace('JSESSIONID=', '')
  }
  if (guid === '') throw new Error('never signed in')
  seen.push('|')
  for (let i = 0; i < 200; i++) {
    const res = await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)
    const body = res.json()
    if (body.retcode === '100-007') if (body.message !== 'exception while executing the agent operation') throw new Error(res.body)
    seen.push(body.retcode)
  }
  return seen
}

t.test('gateway-flaky: the same requests fail with 100-007 in two runs (seed 42), about one in five', async (t) => {
  const first = await running(t, 'gateway-flaky')
  const second = await running(t, 'gateway-flaky')
  const a = await flakyRun(first.app)
  const b = await flakyRun(second.app)
  t.same(a, b, 'two separate app instances fail exactly the same requests')
  const status = a.slice(a.indexOf('|') + 1)
  t.equal(status.length, 200)
  t.same([...new Set(status)].sort(), ['0', '100-007'], 'only successes and 100-007')
  const failed = status.filter(r => r === '100-007').length
  t.ok(failed >= 25 && failed <= 55, `about 20 % fail (${failed} of 200)`)
  const journal = (await first.app.inject({ method: 'GET', url: '/__mock/journal?retcode=100-007' })).json()
  t.ok(journal.entries.length >= failed)
  t.ok(journal.entries.every((e: { rule: string }) => e.rule === 'flaky'), 'the journal names the rule')
})

/** Start a request and step the clock 1 ms at a time: the ms at which it is answered. */
async function answeredAfter (clock: ManualClock, start: () => Promise<LightMyRequestResponse>, limit: number): Promise<{ ms: number, res: LightMyRequestResponse }> {
  const timersBefore = clock.pending()
  let res: LightMyRequestResponse | undefined
  start().then(r => { res = r }, () => undefined)
  await until(() => clock.pending() > timersBefore || res !== undefined, 'the request to reach the gateway')
  await settle()
  if (res !== undefined) return { ms: 0, res }
  for (let ms = 1; ms <= limit; ms++) {
    clock.advance(1)
    await settle()
    if (res !== undefined) return { ms, res }
  }
  throw new Error(`not answered within ${limit} ms of clock`)
}

t.test('slow-gateway: every request stays pending until the clock moves by its delay (200-800 ms, seeded)', async (t) => {
  const runOnce = async (): Promise<number[]> => {
    const { app, clock } = await running(t, 'slow-gateway')
    const login = await answeredAfter(clock, () => app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}`, payload: { password: '', phonenum: '1' } }), 1000)
    t.equal(login.res.json().retcode, '0')
    const guid = String(login.res.headers['set-guid']).replace('JSESSIONID=', '')
    const status = await answeredAfter(clock, () => call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`), 1000)
    t.same(status.res.json().result, { agentState: 4, isWorking: false })
    const poll = await answeredAfter(clock, () => call(app, guid, 'GET', `/agentevent/${A}`), 1000)
    t.equal(poll.res.json().event.eventType, 'AgentOther_InService')
    return [login.ms, status.ms, poll.ms]
  }
  const delays = await runOnce()
  for (const ms of delays) t.ok(ms >= 200 && ms <= 800, `answered after ${ms} ms of clock, within 200-800`)
  t.same(await runOnce(), delays, 'the same delays with the scenario\'s seed')
})

t.test('guid-expires: the 6th poll gets 000-003, login 100-002, forcelogin gives a GUID that works', async (t) => {
  const { app } = await running(t, 'guid-expires')
  const guid = await signIn(app, A)
  const polls: string[] = []
  for (let i = 0; i < 5; i++) polls.push((await call(app, guid, 'GET', `/agentevent/${A}`)).json().retcode)
  t.same(polls, ['0', '0', '0', '0', '0'], 'five good polls')
  const sixth = (await call(app, guid, 'GET', `/agentevent/${A}`)).json()
  t.equal(sixth.retcode, '000-003', 'the 6th poll: the GUID has expired')
  t.equal((await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)).json().retcode, '000-003', 'every later request with the old GUID too')
  t.equal((await app.inject({ method: 'GET', url: `/__mock/agents/${A}` })).statusCode, 200, 'the agent is still signed in')
  const login = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}`, payload: { password: '', phonenum: '71001' } })
  t.equal(login.json().retcode, '100-002')
  const force = await signIn(app, A, { path: '/forcelogin' })
  t.not(force, guid)
  t.same((await call(app, force, 'GET', `/onlineagent/${A}/agentstatus`)).json().result, { agentState: 4, isWorking: false })
  t.same(await drainTypes(app, A, force), ['AgentOther_InService', 'AgentState_Ready'], 'polls work again (the fault fired once)')
})

t.test('guid-rotation: every poll and handshake answer carries a new Set-GUID', async (t) => {
  const { app, clock } = await running(t, 'guid-rotation')
  const first = await signIn(app, A)
  const seen = [first]
  let guid = first
  for (let i = 0; i < 3; i++) {
    const res = await call(app, guid, 'GET', `/agentevent/${A}`)
    t.equal(res.json().retcode, '0')
    t.match(res.headers['set-guid'], /^JSESSIONID=[0-9a-f-]{36}\.AgentGateway0$/, `poll ${i + 1} carries Set-GUID`)
    guid = String(res.headers['set-guid']).replace('JSESSIONID=', '')
    seen.push(guid)
  }
  const shake = await call(app, guid, 'POST', `/onlineagent/${A}/handshake`)
  t.equal(shake.json().retcode, '0')
  const previous = guid
  guid = String(shake.headers['set-guid']).replace('JSESSIONID=', '')
  seen.push(guid)
  t.equal(new Set(seen).size, seen.length, 'every GUID is new')
  t.equal((await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)).json().retcode, '0', 'the newest GUID works')
  t.equal((await call(app, previous, 'GET', `/onlineagent/${A}/agentstatus`)).json().retcode, '0', 'the previous one still works for a while')
  t.equal((await call(app, first, 'GET', `/onlineagent/${A}/agentstatus`)).json().retcode, '0', 'older ones too: each rotated-out GUID keeps its own grace (issue #16 finding 9)')
  clock.advance(30001)
  t.equal((await call(app, first, 'GET', `/onlineagent/${A}/agentstatus`)).json().retcode, '000-003', 'not past the grace period')
  clock.advance(30001)
  t.equal((await call(app, previous, 'GET', `/onlineagent/${A}/agentstatus`)).json().retcode, '000-003', 'the previous one expires after the 30 s grace')
})

t.test('forced-sign-out-while-talking: 3 s into the call a held poll gets AgentOther_ShutdownService, then 100-006', async (t) => {
  const { app, clock } = await running(t, 'forced-sign-out-while-talking', { pollWaitMs: 10000 })
  const login = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}`, payload: { password: '', phonenum: '71001' } })
  const loginTime = login.json().result.loginTime
  const guid = String(login.headers['set-guid']).replace('JSESSIONID=', '')
  const agent = app.simulator.agents.get(A)!
  const pollQueued = async (): Promise<string[]> => {
    const out: string[] = []
    while (agent.queue.length > 0) out.push((await call(app, guid, 'GET', `/agentevent/${A}`)).json().event.eventType)
    return out
  }
  await pollQueued()
  const callid = await dial(app, guid, A, '9001')
  clock.advance(1000)
  t.equal((await pollQueued()).at(-1), 'AgentEvent_Talking')
  const held = call(app, guid, 'GET', `/agentevent/${A}`)
  await until(() => agent.queue.holding, 'the poll to be held')
  clock.advance(2999)
  await settle()
  t.equal(app.simulator.agents.get(A), agent, 'still signed in at 2.999 s')
  clock.advance(1)
  const res = (await held).json()
  t.same(res.event, ev('AgentOther_ShutdownService', { loginTime }), 'the held poll gets AgentOther_ShutdownService')
  t.equal((await call(app, guid, 'GET', `/agentevent/${A}`)).json().retcode, '100-006')
  t.equal((await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)).json().retcode, '100-006')
  const c = (await app.inject({ method: 'GET', url: `/__mock/calls/${callid}` })).json()
  t.equal(c.state, 'released', 'the call is released')
})

t.test('already-signed-in: the first login answers 100-002, forcelogin then works', async (t) => {
  const { app } = await running(t, 'already-signed-in')
  const login = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}`, payload: { password: '', phonenum: '71001' } })
  t.same(login.json(), { message: 'the agent has already signed in', retcode: '100-002' })
  t.notOk(login.headers['set-guid'], 'no GUID handed out')
  const guid = await signIn(app, A, { path: '/forcelogin' })
  t.same(await drainTypes(app, A, guid), ['AgentOther_InService', 'AgentState_Ready'])
  t.same((await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)).json().result, { agentState: 4, isWorking: false })
  t.ok(await signIn(app, '1002'), 'the fault fires once: a later login works')
})

t.test('poll-connection-resets: the 3rd and 4th polls lose their connection, the 5th delivers every queued event', async (t) => {
  const { app } = await running(t, 'poll-connection-resets')
  const port = await listen(app)
  const guid = await signIn(app, A)
  const poll = (): Promise<Outcome> => send(port, 'GET', `${GW}/agentevent/${A}`, { guid })
  const eventOf = (o: Outcome): string | undefined => JSON.parse(o.body).event?.eventType
  t.equal(eventOf(await poll()), 'AgentOther_InService')
  t.equal(eventOf(await poll()), 'AgentState_Ready')
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '0')
  await app.inject({ method: 'POST', url: `/__mock/agents/${A}/events`, payload: { eventType: 'Custom_Marker' } })
  for (const n of [3, 4]) {
    const o = await poll()
    t.equal(o.status, undefined, `poll ${n}: no HTTP answer`)
    t.ok(o.error?.code === 'ECONNRESET' || o.error?.message === 'socket hang up', `poll ${n}: the socket is reset (${o.error?.code} ${o.error?.message})`)
  }
  const fifth = await poll()
  t.equal(fifth.status, 200)
  t.equal(eventOf(fifth), 'AgentState_SetNotReady_Success', 'the 5th poll delivers the first queued event')
  t.equal(eventOf(await poll()), 'Custom_Marker', 'and none is lost')
  t.equal(JSON.parse((await poll()).body).event, undefined)
})

t.test('inactivity-sign-out: the 4th poll hangs; after 15 s without a poll the agent is signed out, then 100-006', async (t) => {
  const { app, clock } = await running(t, 'inactivity-sign-out')
  const port = await listen(app)
  const guid = await signIn(app, A)
  for (let i = 0; i < 3; i++) t.equal((await send(port, 'GET', `${GW}/agentevent/${A}`, { guid })).status, 200, `poll ${i + 1} answers`)
  const abort = new AbortController()
  let answered: Outcome | undefined
  const hung = send(port, 'GET', `${GW}/agentevent/${A}`, { guid }, abort.signal).then(o => { answered = o; return o })
  const rule = (): { fired: number } => app.simulator.faults.list()[0]!
  await until(() => rule().fired === 1, 'the 4th poll to reach the gateway')
  clock.advance(14999)
  await settle()
  t.equal((await app.inject({ method: 'GET', url: `/__mock/agents/${A}` })).statusCode, 200, 'still signed in at 14.999 s')
  clock.advance(1)
  await settle()
  t.equal(answered, undefined, 'the 4th poll got no answer while the clock moved 15 s')
  t.equal((await app.inject({ method: 'GET', url: `/__mock/agents/${A}` })).statusCode, 404, 'signed out for inactivity')
  abort.abort()
  t.ok((await hung).error, 'the client gives up on the hung poll')
  const next = await send(port, 'GET', `${GW}/agentevent/${A}`, { guid })
  t.same(JSON.parse(next.body), { message: 'the agent has not signed in', retcode: '100-006' })
  const history = (await app.inject({ method: 'GET', url: `/__mock/agents/${A}/history` })).json().events
  t.equal(history.at(-1).eventType, 'AgentOther_ShutdownService')
})
