/**
 * Under load and races (issue #7): two agents calling each other at the same instant, answer
 * racing release, sign-out while a poll is held, many polls for one agent at once (documented:
 * the newest wins, older ones are answered empty, each event goes to exactly one response), and a
 * graceful shutdown under load that answers every held poll and journals every answered request.
 * No sleeping: requests are in flight together (Promise.all), time is a ManualClock, and held
 * polls are awaited by checking the simulator on each macrotask.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { Agent, request } from 'node:http'
import t from 'tap'
import { startServer } from '../../src/server.js'
import { build, GW, holding, type PolledEvent, tick, until } from '../helper.js'

/** Sign in with the default credentials plus `body`'s fields. */
async function login (app: FastifyInstance, id: string, body: object = {}): Promise<string> {
  const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${id}`, payload: { password: '', phonenum: `7${id}`, ...body } })
  if (res.json().retcode !== '0') throw new Error(res.body)
  return String(res.headers['set-guid']).replace('JSESSIONID=', '')
}

type Tap = Pick<typeof t, 'equal'>

const A = '1001'
const B = '1002'
const EMPTY = '{"message":"","retcode":"0"}'

function gw (app: FastifyInstance, guid: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, payload?: object): Promise<LightMyRequestResponse> {
  return app.inject({ method, url: `${GW}${path}`, headers: { guid }, ...(payload === undefined ? {} : { payload }) })
}

/** Poll until empty (pollWaitMs 0). */
async function drain (app: FastifyInstance, id: string, guid: string): Promise<PolledEvent[]> {
  const out: PolledEvent[] = []
  for (;;) {
    const body = (await gw(app, guid, 'GET', `/agentevent/${id}`)).json()
    if (body.retcode !== '0') throw new Error(JSON.stringify(body))
    if (body.event === undefined) return out
    out.push(body.event)
  }
}
const types = (es: PolledEvent[]): string[] => es.map(e => e.eventType)

async function agentView (app: FastifyInstance, id: string): Promise<{ status: string, agentState: number, calls: string[] }> {
  return (await app.inject({ method: 'GET', url: `/__mock/agents/${id}` })).json()
}

// ---- calls racing calls ----------------------------------------------------------------------

for (const autoanswer of [true, false]) {
  t.test(`two agents call each other at the same instant (autoanswer ${autoanswer})`, async (t) => {
    const { app } = await build(t)
    const ga = await login(app, A, { autoanswer })
    const gb = await login(app, B, { autoanswer })
    await drain(app, A, ga)
    await drain(app, B, gb)
    const [ra, rb] = await Promise.all([
      gw(app, ga, 'PUT', `/voicecall/${A}/callinner`, { called: B }),
      gw(app, gb, 'PUT', `/voicecall/${B}/callinner`, { called: A })
    ])
    const codes = [ra.json().retcode, rb.json().retcode].sort()
    t.strictSame(codes, ['0', '200-018'], 'one call is placed; the other agent is already in it (200-018)')
    const [caller, callee, gc, gd] = ra.json().retcode === '0' ? [A, B, ga, gb] : [B, A, gb, ga]
    const callid = (caller === A ? ra : rb).json().result as string
    const calls = (await app.inject({ method: 'GET', url: '/__mock/calls' })).json().calls
    t.equal(calls.length, 1, 'one call exists')
    t.strictSame(calls[0].legs.map((l: { agentId: string, role: string }) => [l.agentId, l.role]), [[caller, 'caller'], [callee, 'called']])
    t.equal(calls[0].state, autoanswer ? 'talking' : 'alerting')
    for (const id of [A, B]) t.strictSame((await agentView(app, id)).calls, [callid], `${id} is in that call only`)
    const callerEvents = await drain(app, caller, gc)
    const calleeEvents = await drain(app, callee, gd)
    t.strictSame(types(callerEvents), ['AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentState_Busy', 'AgentEvent_Customer_Alerting', ...(autoanswer ? ['AgentEvent_Talking'] : [])])
    t.strictSame(types(calleeEvents), ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', autoanswer ? 'AgentEvent_Auto_Answer' : 'AgentEvent_Ringing', ...(autoanswer ? ['AgentEvent_Talking'] : [])])
    t.ok([...callerEvents, ...calleeEvents].every(e => typeof e.content !== 'object' || e.content === null || (e.content as { callid?: string }).callid === undefined || (e.content as { callid?: string }).callid === callid), 'every event names that call')
    t.equal((await gw(app, gc, 'DELETE', `/voicecall/${caller}/release`)).json().retcode, '0')
    for (const id of [A, B]) {
      const v = await agentView(app, id)
      t.equal(v.agentState, 4, `${id} idle again`)
      t.strictSame(v.calls, [])
    }
  })
}

t.test('answer racing release: whichever lands first, the other is consistent and nobody stays busy', async (t) => {
  const outcomes = new Set<string>()
  for (const [racer, releaser] of [[B, A], [B, B], [A, B]] as const) {
    for (let round = 0; round < 4; round++) {
      const { app } = await build(t)
      const ga = await login(app, A)
      const gb = await login(app, B, { autoanswer: false })
      const guid = { [A]: ga, [B]: gb }
      const callid = (await gw(app, ga, 'PUT', `/voicecall/${A}/callinner`, { called: B })).json().result as string
      await drain(app, A, ga)
      await drain(app, B, gb)
      // Alternate which request is sent first; both are in flight together.
      const answer = (): Promise<LightMyRequestResponse> => gw(app, guid[racer], 'PUT', `/voicecall/${racer}/answer`)
      const release = (): Promise<LightMyRequestResponse> => gw(app, guid[releaser], 'DELETE', `/voicecall/${releaser}/release`)
      const [ans, rel] = round % 2 === 0
        ? await Promise.all([answer(), release()])
        : (await Promise.all([release(), answer()])).reverse() as [LightMyRequestResponse, LightMyRequestResponse]
      const a = ans.json().retcode as string
      const r = rel.json().retcode as string
      const call = (await app.inject({ method: 'GET', url: `/__mock/calls/${callid}` })).json()
      t.equal(call.state, 'released', 'the call is over either way')
      t.equal(r, '0', 'release succeeds either way')
      const aEvents = types(await drain(app, A, ga))
      const bEvents = types(await drain(app, B, gb))
      const connected = call.answerTime !== null
      if (racer === A) t.equal(a, '200-002', 'the caller has nothing to answer')
      else t.equal(a, connected ? '0' : '200-002', 'answer succeeds only if it came first')
      outcomes.add(`${racer} answers / ${releaser} releases: ${connected ? 'answered, then released' : 'released before the answer'}`)
      if (connected) {
        t.equal(aEvents[0], 'AgentEvent_Talking')
        t.equal(bEvents[0], 'AgentEvent_Talking')
        t.ok(aEvents.includes(releaser === A ? 'AgentEvent_Call_Release' : 'AgentEvent_Customer_Release'))
        t.ok(bEvents.includes(releaser === B ? 'AgentEvent_Call_Release' : 'AgentEvent_Customer_Release'))
      } else if (releaser === A) {
        t.strictSame(aEvents, ['AgentEvent_Call_Out_Fail', 'AgentEvent_Connect_Fail', 'AgentOther_PhoneRelease', 'AgentState_Ready'], 'caller cancelled')
        t.strictSame(bEvents, ['AgentEvent_Customer_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
      } else {
        t.strictSame(bEvents, ['AgentEvent_Call_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'], 'the called agent rejected')
        t.strictSame(aEvents, ['AgentEvent_Inside_Call_Fail', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
      }
      for (const id of [A, B]) t.equal((await agentView(app, id)).agentState, 4, `${id} idle`)
    }
  }
  t.comment([...outcomes].sort().join('; '))
  t.ok(outcomes.size >= 3, 'more than one interleaving was seen')
})

// ---- sign-out during a held poll -------------------------------------------------------------

type Ending = (t: Tap, app: FastifyInstance, guid: string) => Promise<void>
const endings: Array<{ name: string, end: Ending, event: string | undefined, inCall: boolean }> = [
  // logout is refused in a call (100-010): that one runs without a call.
  { name: 'logout', inCall: false, event: 'AgentOther_ShutdownService', end: async (t, app, g) => { t.equal((await gw(app, g, 'DELETE', `/onlineagent/${A}/logout`)).json().retcode, '0') } },
  { name: 'forcelogout', inCall: true, event: 'AgentOther_ShutdownService', end: async (t, app, g) => { t.equal((await gw(app, g, 'DELETE', `/onlineagent/${A}/forcelogout`)).json().retcode, '0') } },
  { name: 'forced sign-in elsewhere', inCall: true, event: 'AgentOther_ShutdownService', end: async (t, app) => { t.equal((await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}/forcelogin`, payload: { password: '', phonenum: '1' } })).json().retcode, '0') } },
  { name: 'control API state signedOut', inCall: true, event: 'AgentOther_ShutdownService', end: async (t, app) => { t.equal((await app.inject({ method: 'PUT', url: `/__mock/agents/${A}/state`, payload: { state: 'signedOut' } })).statusCode, 200) } },
  { name: 'control API reset (silent)', inCall: true, event: undefined, end: async (t, app) => { t.equal((await app.inject({ method: 'POST', url: `/__mock/agents/${A}/reset` })).statusCode, 200) } }
]

for (const { name, end, event, inCall } of endings) {
  t.test(`sign-out during a held poll (${name}${inCall ? ', in a call' : ''}): the poll is answered at once`, async (t) => {
    const { app } = await build(t, { pollWaitMs: 10000 })
    const guid = await login(app, A)
    const events = []
    for (let i = 0; i < 2; i++) events.push((await gw(app, guid, 'GET', `/agentevent/${A}`)).json().event.eventType)
    t.strictSame(events, ['AgentOther_InService', 'AgentState_Ready'])
    if (inCall) {
      // A call ringing out, so that sign-out has a call to release while the poll is held.
      t.equal((await gw(app, guid, 'PUT', `/voicecall/${A}/callout`, { called: '5550102' })).json().retcode, '0')
      for (let i = 0; i < 4; i++) await gw(app, guid, 'GET', `/agentevent/${A}`)
    }
    const held = gw(app, guid, 'GET', `/agentevent/${A}`)
    await until(() => holding(app, A), 'the poll is held')
    await end(t, app, guid)
    const res = await held
    t.equal(res.statusCode, 200)
    const body = res.json()
    if (event === undefined) t.equal(res.body, EMPTY, 'answered empty')
    else {
      t.equal(body.event.eventType, event, 'answered with the sign-out')
      t.match(body.event.content, { loginTime: /^\d+$/ })
    }
    t.equal((await app.inject({ method: 'GET', url: '/__mock/calls' })).json().calls.length, 0, 'no call left')
    t.equal((await gw(app, guid, 'GET', `/agentevent/${A}`)).json().retcode, name === 'forced sign-in elsewhere' ? '000-003' : '100-006', 'the old session is over')
  })
}

// ---- many polls at once ----------------------------------------------------------------------

t.test('many polls for one agent at once: the newest wins, older ones answer empty, each event goes to exactly one response', async (t) => {
  const { app, clock } = await build(t, { pollWaitMs: 10000 })
  const guid = await login(app, A)
  const poll = (): Promise<LightMyRequestResponse> => gw(app, guid, 'GET', `/agentevent/${A}`)
  const delivered: PolledEvent[] = []
  const take = (r: LightMyRequestResponse): void => { const e = r.json().event; if (e !== undefined) delivered.push(e) }

  // 1. Two events queued, ten polls at once: two get the events in order, seven answer empty, one holds.
  const first = Array.from({ length: 10 }, poll)
  const done = first.map(() => false)
  first.forEach((p, i) => { p.then(() => { done[i] = true }, () => undefined) })
  await until(() => holding(app, A) && done.filter(d => d).length === 9, 'nine answered, one held')
  for (let i = 0; i < 20; i++) await tick()
  t.strictSame(done, [...Array(9).fill(true), false], 'nine polls answered at once, the newest one held')
  const settled = await Promise.all(first.slice(0, 9))
  settled.forEach(take)
  t.strictSame(types(delivered), ['AgentOther_InService', 'AgentState_Ready'], 'the two queued events, in order')
  t.equal(settled.filter(r => r.body === EMPTY).length, 7, 'the other seven answered empty')

  // 2. An event arrives: the held (newest) poll gets it.
  t.equal((await gw(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '0')
  take(await first[9]!)
  t.equal(delivered.at(-1)?.eventType, 'AgentState_SetNotReady_Success')

  // 3. Waves of concurrent polls while events are produced between them: nothing lost or repeated.
  for (let wave = 0; wave < 5; wave++) {
    const polls = Array.from({ length: 6 }, poll)
    await until(() => holding(app, A), `wave ${wave}: a poll holds`)
    t.equal((await gw(app, guid, 'POST', `/onlineagent/${A}/cancelbusy`)).json().retcode, '0')
    t.equal((await gw(app, guid, 'POST', `/onlineagent/${A}/saybusy?reason=${201 + wave}`)).json().retcode, '0')
    const more = Array.from({ length: 3 }, poll)
    await until(() => holding(app, A), `wave ${wave}: the newest poll holds`)
    clock.advance(10000) // the held one times out empty
    ;(await Promise.all([...polls, ...more])).forEach(take)
  }
  const history = (await app.inject({ method: 'GET', url: `/__mock/agents/${A}/history` })).json().events as PolledEvent[]
  t.strictSame(delivered.map(e => [e.eventType, e.content]), history.map(e => [e.eventType, e.content]), 'every produced event delivered exactly once, in order')
  t.equal((await app.inject({ method: 'GET', url: `/__mock/agents/${A}/events` })).json().events.length, 0, 'nothing left behind')
})

// ---- graceful shutdown under load ------------------------------------------------------------

interface Answer { status: number, body: string, marker: string }

const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 })

function send (base: string, method: string, path: string, headers: Record<string, string>, body?: string, agent: Agent | false = keepAlive): Promise<Answer | Error> {
  const marker = new URL(`${base}${path}`).searchParams.get('n') ?? ''
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, agent }, (res) => {
      let data = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { data += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, marker }))
      res.on('error', (err) => resolve(err))
    })
    req.on('error', (err) => resolve(err))
    if (body !== undefined) req.write(body)
    req.end()
  })
}

t.test('graceful shutdown under load: every held poll is answered, every answered request is journalled', async (t) => {
  t.teardown(() => keepAlive.destroy())
  const s = await startServer({ port: 0, logLevel: 'silent', pollWaitMs: 60000, journalSize: 100000 })
  t.teardown(() => s.close())
  const base = s.url
  const AGENTS = Array.from({ length: 25 }, (_, i) => String(3001 + i))
  const guids = new Map<string, string>()
  for (const id of AGENTS) {
    const res = await fetch(`${base}${GW}/onlineagent/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"password":"","phonenum":"1"}' })
    guids.set(id, (res.headers.get('set-guid') ?? '').replace('JSESSIONID=', ''))
    // Drain InService and Ready so the next poll holds.
    for (let i = 0; i < 2; i++) await fetch(`${base}${GW}/agentevent/${id}?n=drain-${id}-${i}`, { headers: { guid: guids.get(id)! } })
  }
  // Some requests are mid-handler when the close comes: a 20 ms delay fault on agentstatus.
  await fetch(`${base}/__mock/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ match: { operation: 'getAgentStatus' }, action: { delayMs: 20 } }) })
  let n = 0
  const held = AGENTS.slice(0, 15).map(id => send(base, 'GET', `${GW}/agentevent/${id}?n=${n++}`, { guid: guids.get(id)! }, undefined, false))
  await until(() => AGENTS.slice(0, 15).every(id => holding(s.app, id)), 'held polls')

  // Load: one loop per agent (the last ten), requests back to back on keep-alive sockets, until the server is gone.
  const answers: Answer[] = []
  let cut = 0
  const loop = async (id: string): Promise<void> => {
    const g = { guid: guids.get(id)! }
    const ops: Array<[string, string, string | undefined]> = [
      ['GET', `/onlineagent/${id}/agentstatus`, undefined],
      ['POST', `/onlineagent/${id}/saybusy`, undefined],
      ['POST', `/onlineagent/${id}/cancelbusy`, undefined],
      ['PUT', `/voicecall/${id}/callinner`, '{"called":"9002"}'],
      ['GET', `/agentevent/${id}`, undefined],
      ['DELETE', `/voicecall/${id}/release`, undefined]
    ]
    for (let i = 0; ; i++) {
      const [method, path, body] = ops[i % ops.length]!
      const a = await send(base, method, `${GW}${path}?n=${n++}`, g, body)
      if (a instanceof Error) { cut++; return }
      answers.push(a)
    }
  }
  const loops = AGENTS.slice(15).map(loop)
  await until(() => answers.length >= 300, 'load running')
  const closing = s.close()
  const heldAnswers = await Promise.all(held)
  await Promise.all(loops)
  await closing

  for (const [i, a] of heldAnswers.entries()) {
    t.ok(!(a instanceof Error), `held poll of ${AGENTS[i]!} answered${a instanceof Error ? `: ${a.message}` : ''}`)
    if (a instanceof Error) continue
    t.equal(a.status, 200)
    t.equal(a.body, EMPTY, 'answered empty before the port closed')
  }
  const answered = [...heldAnswers.filter((a): a is Answer => !(a instanceof Error)), ...answers]
  t.comment(`${answered.length} requests answered (${heldAnswers.length} held polls), ${cut} load requests cut off by the close`)
  const bad = answered.filter(a => a.status !== 200 || typeof JSON.parse(a.body).retcode !== 'string')
  t.strictSame(bad, [], 'every answer is an HTTP 200 envelope')
  const journalled = new Set(s.app.journal.all().map(e => e.query.n))
  const missing = answered.filter(a => !journalled.has(a.marker)).map(a => a.marker)
  t.strictSame(missing, [], 'every answered request is in the journal')
})
