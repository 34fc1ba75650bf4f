/**
 * Fault rules (issue #4) through the control API: one test per way a rule matches (operation,
 * agent, call, request fields), per way it fires (always, times, after, after+times, seeded
 * probability) and per action (retcode, delays, transport faults on a real socket, GUID expiry,
 * forced sign-out, event faults), plus the journal's record of fired rules and the rule list.
 */
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'
import { loadScenarioFile } from '../../src/world/load-world.js'
import { build, call, drain, drainTypes, GW, type Outcome, type PolledEvent, send, settle, signIn, until } from '../helper.js'

const A = '1001'
const B = '1002'

async function arm (app: FastifyInstance, rule: Record<string, unknown>): Promise<{ id: string }> {
  const res = await app.inject({ method: 'POST', url: '/__mock/faults', payload: rule })
  if (res.statusCode !== 201) throw new Error(`arming failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

async function rules (app: FastifyInstance): Promise<Array<{ id: string, name?: string, matched: number, fired: number, source: string }>> {
  return (await app.inject({ method: 'GET', url: '/__mock/faults' })).json().rules
}

/** An agent signed in with its sign-in events polled. */
async function ready (app: FastifyInstance, id = A): Promise<string> {
  const guid = await signIn(app, id)
  await drain(app, id, guid)
  return guid
}

const statusCode = async (app: FastifyInstance, guid: string, id = A): Promise<string> =>
  (await call(app, guid, 'GET', `/onlineagent/${id}/agentstatus`)).json().retcode

/** Start a request held by a delay fault: resolves `pending()` false once it is answered. */
async function started (clock: ManualClock, send: () => Promise<LightMyRequestResponse>): Promise<{ answered: () => LightMyRequestResponse | undefined, done: Promise<LightMyRequestResponse> }> {
  const before = clock.pending()
  let res: LightMyRequestResponse | undefined
  const done = send().then(r => { res = r; return r })
  await until(() => clock.pending() > before || res !== undefined, 'the request to reach the fault')
  await settle()
  return { answered: () => res, done }
}

/** A listening app with agent 1001 signed in and a rule armed on its agentstatus. */
async function onSocket (t: Parameters<typeof build>[0], action: Record<string, unknown>): Promise<{ app: FastifyInstance, clock: ManualClock, port: number, guid: string, status: () => Promise<Outcome> }> {
  const { app, clock } = await build(t)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const guid = await ready(app)
  await arm(app, { name: 'transport', match: { operation: 'getAgentStatus' }, fire: { times: 1 }, action })
  return { app, clock, port, guid, status: () => send(port, 'GET', `${GW}/onlineagent/${A}/agentstatus`, { guid }) }
}

const notJson = (text: string): boolean => { try { JSON.parse(text); return false } catch { return true } }

// ---- matching ----------------------------------------------------------------------------------

t.test('a rule matches an operation by its vendor name, in any letter case', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app)
  await arm(app, { match: { operation: 'GETAGENTSTATUS' }, action: { retcode: '100-007' } })
  t.equal(await statusCode(app, guid), '100-007')
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '0', 'other operations are untouched')
})

t.test('a rule matches any operation in a list', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app)
  await arm(app, { match: { operation: ['sayBusy', 'cancelbusy'] }, action: { retcode: '100-009' } })
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '100-009')
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/cancelbusy`)).json().retcode, '100-009')
  t.equal(await statusCode(app, guid), '0')
})

t.test('a rule with an agent fires only for that agent', async (t) => {
  const { app } = await build(t)
  const ga = await ready(app, A)
  const gb = await ready(app, B)
  await arm(app, { match: { operation: 'getAgentStatus', agent: 1002 }, action: { retcode: '100-007' } })
  t.equal(await statusCode(app, ga, A), '0')
  t.equal(await statusCode(app, gb, B), '100-007')
})

t.test('a rule with a callid fires only for requests about that call', async (t) => {
  const { app } = await build(t)
  const ga = await signIn(app, A, { body: { password: '', phonenum: '71001', autoanswer: false } })
  await drain(app, A, ga)
  const gb = await ready(app, B)
  const callid = (await call(app, gb, 'PUT', `/voicecall/${B}/callinner`, { called: A })).json().result
  t.match(callid, /^\d+-\d+$/)
  await arm(app, { name: 'this call', match: { callid }, action: { retcode: '200-002' } })
  t.equal((await call(app, ga, 'PUT', `/voicecall/${A}/answer?callid=${callid}`)).json().retcode, '200-002', 'answer naming the call')
  t.equal((await call(app, ga, 'GET', `/calldata/${A}/callinfobycallid/${callid}`)).json().retcode, '200-002', 'a path naming the call')
  t.equal((await call(app, ga, 'GET', `/calldata/${A}/callinfobycallid/1-1`)).json().retcode, '400-001', 'another call id is not matched')
  t.equal((await call(app, ga, 'PUT', `/voicecall/${A}/answer`)).json().retcode, '0', 'a request without the call id is not matched')
  t.equal((await drainTypes(app, A, ga)).at(-1), 'AgentEvent_Talking')
})

t.test('a rule matches a request body field (callinner to one number)', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app)
  await arm(app, { match: { operation: 'callInner', fields: { called: '9001' } }, action: { retcode: '100-007' } })
  t.equal((await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9001' })).json().retcode, '100-007')
  t.equal((await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9002' })).json().retcode, '0', 'another number goes through')
})

t.test('a rule matches a query field, numbers compared as strings', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app)
  await arm(app, { match: { operation: 'sayBusy', fields: { reason: 201 } }, action: { retcode: '100-009' } })
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy?reason=201`)).json().retcode, '100-009')
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy?reason=202`)).json().retcode, '0')
})

// ---- firing ------------------------------------------------------------------------------------

async function fiveStatuses (t: Parameters<typeof build>[0], fire: Record<string, unknown>): Promise<{ codes: string[], counters: { matched: number, fired: number } }> {
  const { app } = await build(t)
  const guid = await ready(app)
  await arm(app, { name: 'counted', match: { operation: 'getAgentStatus' }, fire, action: { retcode: '100-007' } })
  const codes: string[] = []
  for (let i = 0; i < 5; i++) codes.push(await statusCode(app, guid))
  const r = (await rules(app))[0]!
  return { codes, counters: { matched: r.matched, fired: r.fired } }
}

t.test('a rule without fire settings fires on every match', async (t) => {
  const r = await fiveStatuses(t, {})
  t.same(r.codes, ['100-007', '100-007', '100-007', '100-007', '100-007'])
  t.same(r.counters, { matched: 5, fired: 5 })
})

t.test('fire.times N fires on the first N matches only', async (t) => {
  const r = await fiveStatuses(t, { times: 2 })
  t.same(r.codes, ['100-007', '100-007', '0', '0', '0'])
  t.same(r.counters, { matched: 5, fired: 2 })
})

t.test('fire.after N lets N matches pass, then fires on every later one', async (t) => {
  const r = await fiveStatuses(t, { after: 2 })
  t.same(r.codes, ['0', '0', '100-007', '100-007', '100-007'])
  t.same(r.counters, { matched: 5, fired: 3 })
})

t.test('fire.after with fire.times fires N times once the first matches have passed', async (t) => {
  const r = await fiveStatuses(t, { after: 1, times: 2 })
  t.same(r.codes, ['0', '100-007', '100-007', '0', '0'])
  t.same(r.counters, { matched: 5, fired: 2 })
})

t.test('fire.probability draws from the seeded random source: the same seed fires on the same requests', async (t) => {
  const run = async (seed: number, probability: number): Promise<string[]> => {
    const { app } = await build(t, { seed })
    const guid = await ready(app)
    await arm(app, { match: { operation: 'getAgentStatus' }, fire: { probability }, action: { retcode: '100-007' } })
    const codes: string[] = []
    for (let i = 0; i < 40; i++) codes.push(await statusCode(app, guid))
    return codes
  }
  const a = await run(99, 0.5)
  t.same(await run(99, 0.5), a, 'same seed, same requests fail')
  const failed = a.filter(c => c === '100-007').length
  t.ok(failed >= 8 && failed <= 32, `about half fail (${failed} of 40)`)
  t.not((await run(100, 0.5)).join(), a.join(), 'another seed, another pattern')
  t.notOk((await run(99, 0)).includes('100-007'), 'probability 0 never fires')
  t.notOk((await run(99, 1)).includes('0'), 'probability 1 always fires')
})

// ---- answering actions -------------------------------------------------------------------------

t.test('action retcode answers the gateway envelope with that code and message', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app)
  await arm(app, { match: { operation: 'getAgentStatus' }, fire: { times: 1 }, action: { retcode: '100-007', message: 'scripted failure' } })
  await arm(app, { match: { operation: 'sayBusy' }, action: { retcode: '000-004' } })
  const res = await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json;charset=UTF-8')
  t.same(res.json(), { message: 'scripted failure', retcode: '100-007' })
  t.same((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json(), { message: 'fault injected by cc-gateway-mock', retcode: '000-004' }, 'a default message without one')
  t.same(await drainTypes(app, A, guid), [], 'the faulted request did nothing')
})

t.test('action delayMs holds the answer until the clock has moved by exactly that much', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await arm(app, { match: { operation: 'getAgentStatus' }, action: { delayMs: 500 } })
  const req = await started(clock, () => call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`))
  t.equal(req.answered(), undefined, 'pending before the clock moves')
  clock.advance(499)
  await settle()
  t.equal(req.answered(), undefined, 'pending at 499 ms')
  clock.advance(1)
  t.same((await req.done).json().result, { agentState: 4, isWorking: false }, 'then served normally')
})

t.test('action delayMs with a range waits a seeded time within it', async (t) => {
  const waited = async (): Promise<number> => {
    const { app, clock } = await build(t, { seed: 5 })
    const guid = await ready(app)
    await arm(app, { match: { operation: 'getAgentStatus' }, action: { delayMs: [100, 300] } })
    const req = await started(clock, () => call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`))
    for (let ms = 0; ms <= 300; ms++) {
      if (req.answered() !== undefined) return ms
      clock.advance(1)
      await settle()
    }
    throw new Error('not answered within 300 ms of clock')
  }
  const ms = await waited()
  t.ok(ms >= 100 && ms <= 300, `waited ${ms} ms, within 100-300`)
  t.equal(await waited(), ms, 'the same wait with the same seed')
})

// ---- transport actions (real socket) -----------------------------------------------------------

t.test('transport reset: the client sees its connection reset, no HTTP answer', async (t) => {
  const s = await onSocket(t, { transport: 'reset' })
  const o = await s.status()
  t.equal(o.status, undefined)
  t.ok(o.error?.code === 'ECONNRESET' || o.error?.message === 'socket hang up', `socket error (${o.error?.code} ${o.error?.message})`)
  t.equal(JSON.parse((await s.status()).body).retcode, '0', 'the next request is served')
})

t.test('transport hang: no answer however long the clock moves, until the client gives up', async (t) => {
  const s = await onSocket(t, { transport: 'hang' })
  const abort = new AbortController()
  let answered: Outcome | undefined
  const hung = send(s.port, 'GET', `${GW}/onlineagent/${A}/agentstatus`, { guid: s.guid }, abort.signal).then(o => { answered = o; return o })
  await until(() => s.app.simulator.faults.list()[0]!.fired === 1, 'the request to reach the fault')
  s.clock.advance(60000)
  await settle()
  t.equal(answered, undefined, 'no answer')
  abort.abort()
  t.equal((await hung).error?.name, 'AbortError')
  t.equal(JSON.parse((await s.status()).body).retcode, '0', 'the next request is served')
})

t.test('transport truncated: the body ends before its Content-Length and does not parse', async (t) => {
  const s = await onSocket(t, { transport: 'truncated' })
  const o = await s.status()
  t.equal(o.status, 200)
  t.equal(o.headers?.['content-type'], 'application/json;charset=UTF-8')
  const length = Number(o.headers?.['content-length'])
  t.ok(o.body.length > 0 && o.body.length < length, `got ${o.body.length} of ${length} bytes`)
  t.ok(o.error, 'the connection ends early')
  t.ok(notJson(o.body), 'the body is not valid JSON')
})

t.test('transport malformed: HTTP 200 with a JSON content type and a body that is not JSON', async (t) => {
  const s = await onSocket(t, { transport: 'malformed' })
  const o = await s.status()
  t.equal(o.error, undefined)
  t.equal(o.status, 200)
  t.equal(o.headers?.['content-type'], 'application/json;charset=UTF-8')
  t.ok(o.body.length > 0)
  t.ok(notJson(o.body), 'the body is not valid JSON')
})

t.test('transport http5xx: HTTP 500 by default, or the status the rule gives', async (t) => {
  const s = await onSocket(t, { transport: 'http5xx' })
  const o = await s.status()
  t.equal(o.status, 500)
  t.match(o.headers?.['content-type'], /^text\/html/)
  t.ok(notJson(o.body))
  await arm(s.app, { match: { operation: 'getAgentStatus' }, fire: { times: 1 }, action: { transport: 'http5xx', status: 503 } })
  t.equal((await s.status()).status, 503)
  t.equal(JSON.parse((await s.status()).body).retcode, '0', 'then served normally')
})

// ---- session and event actions -----------------------------------------------------------------

t.test('action expireGuid: the GUID stops working, the agent stays signed in until forcelogin', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app)
  await arm(app, { match: { operation: 'getAgentStatus', agent: A }, fire: { times: 1 }, action: { expireGuid: true } })
  t.equal(await statusCode(app, guid), '000-003', 'the request that triggered it already fails')
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '000-003')
  t.equal((await app.inject({ method: 'GET', url: `/__mock/agents/${A}` })).statusCode, 200, 'still signed in')
  const login = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}`, payload: { password: '', phonenum: '71001' } })
  t.equal(login.json().retcode, '100-002')
  const fresh = await signIn(app, A, { path: '/forcelogin' })
  t.equal(await statusCode(app, fresh), '0')
})

t.test('action forceSignOut: a held poll gets AgentOther_ShutdownService and the agent is out', async (t) => {
  const { app } = await build(t, { pollWaitMs: 10000 })
  const login = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${A}`, payload: { password: '', phonenum: '71001' } })
  const guid = String(login.headers['set-guid']).replace('JSESSIONID=', '')
  const agent = app.simulator.agents.get(A)!
  while (agent.queue.length > 0) await call(app, guid, 'GET', `/agentevent/${A}`)
  const held = call(app, guid, 'GET', `/agentevent/${A}`)
  await until(() => agent.queue.holding, 'the poll to be held')
  await arm(app, { name: 'kick', match: { operation: 'getAgentStatus' }, action: { forceSignOut: true } })
  t.equal(await statusCode(app, guid), '100-006', 'the triggering request finds the agent signed out')
  const event: PolledEvent = (await held).json().event
  t.same(event, { eventType: 'AgentOther_ShutdownService', workNo: A, content: { loginTime: login.json().result.loginTime } })
  t.equal((await call(app, guid, 'GET', `/agentevent/${A}`)).json().retcode, '100-006')
})

t.test('action dropNextEvent: the next event is never delivered, later ones are', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app)
  await arm(app, { match: { operation: 'sayBusy' }, fire: { times: 1 }, action: { dropNextEvent: true } })
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '0', 'the request itself succeeds')
  t.same(await drainTypes(app, A, guid), [], 'its event is dropped')
  t.equal(await statusCode(app, guid), '0')
  t.equal((await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)).json().result.agentState, 3, 'the state did change')
  await call(app, guid, 'POST', `/onlineagent/${A}/cancelbusy`)
  t.same(await drainTypes(app, A, guid), ['AgentState_CancelNotReady_Success'])
})

t.test('action duplicateNextEvent: the next event is delivered twice, later ones once', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app)
  await arm(app, { match: { operation: 'sayBusy' }, fire: { times: 1 }, action: { duplicateNextEvent: true } })
  await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)
  const twice = await drain(app, A, guid)
  t.same(twice.map(e => e.eventType), ['AgentState_SetNotReady_Success', 'AgentState_SetNotReady_Success'])
  t.same(twice[0], twice[1])
  await call(app, guid, 'POST', `/onlineagent/${A}/cancelbusy`)
  t.same(await drainTypes(app, A, guid), ['AgentState_CancelNotReady_Success'])
})

t.test('action delayEventsMs: events are held until the clock moves that far, in their order', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await arm(app, { match: { operation: 'sayBusy' }, fire: { times: 1 }, action: { delayEventsMs: 2000 } })
  await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)
  await call(app, guid, 'POST', `/onlineagent/${A}/cancelbusy`)
  await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)
  t.same(await drainTypes(app, A, guid), [], 'nothing yet')
  clock.advance(1999)
  t.same(await drainTypes(app, A, guid), [], 'nothing at 1.999 s')
  clock.advance(1)
  t.same(await drainTypes(app, A, guid), ['AgentState_SetNotReady_Success', 'AgentState_CancelNotReady_Success', 'AgentState_SetNotReady_Success'], 'all of them, in order')
  await call(app, guid, 'POST', `/onlineagent/${A}/cancelbusy`)
  t.same(await drainTypes(app, A, guid), ['AgentState_CancelNotReady_Success'], 'later events are not delayed')
})

// ---- journal and the rule list -----------------------------------------------------------------

t.test('the journal records each faulted request once, with the name of the rule that fired', async (t) => {
  const s = await onSocket(t, { transport: 'reset' })
  const { app } = s
  await app.inject({ method: 'DELETE', url: '/__mock/journal' })
  const cases: Array<[string, Record<string, unknown>]> = [
    ['scripted', { retcode: '100-007' }],
    ['broken body', { transport: 'malformed' }],
    ['tomcat', { transport: 'http5xx' }],
    ['cut', { transport: 'reset' }],
    ['short', { transport: 'truncated' }]
  ]
  for (const [name, action] of cases) {
    await app.inject({ method: 'DELETE', url: '/__mock/faults' })
    await arm(app, { name, match: { operation: 'sayBusy' }, fire: { times: 1 }, action })
    await send(s.port, 'POST', `${GW}/onlineagent/${A}/saybusy`, { guid: s.guid })
  }
  const entries: Array<{ rule?: string, status: number, retcode?: string }> = (await app.inject({ method: 'GET', url: '/__mock/journal?operation=sayBusy&order=oldest' })).json().entries
  t.same(entries.map(e => e.rule), ['scripted', 'broken body', 'tomcat', 'cut', 'short'], 'one entry per request, naming its rule')
  t.equal(entries[0]?.retcode, '100-007')
  t.equal(entries.find(e => e.rule === 'tomcat')?.status, 500)
  t.equal(entries.find(e => e.rule === 'cut')?.retcode, 'transport:reset')
  const normal = await call(app, s.guid, 'GET', `/onlineagent/${A}/agentstatus`)
  t.equal(normal.json().retcode, '0')
  const plain = (await app.inject({ method: 'GET', url: '/__mock/journal?operation=getAgentStatus' })).json().entries
  t.equal(plain.at(-1).rule, undefined, 'no rule on a request no rule touched')
})

t.test('GET /__mock/faults lists rules with counters; DELETE clears the API rules and keeps the scenario\'s', async (t) => {
  const app = await buildApp({ pollWaitMs: 0 }, {
    clock: new ManualClock(),
    logger: false,
    scenarios: [loadScenarioFile(fileURLToPath(new URL('../../scenarios/guid-expires.yaml', import.meta.url)))]
  })
  t.teardown(() => app.close())
  const guid = await signIn(app, A)
  const mine = await arm(app, { id: 'mine', name: 'status fails', match: { operation: 'getAgentStatus' }, action: { retcode: '100-007' } })
  t.equal(mine.id, 'mine')
  await arm(app, { match: { operation: 'sayBusy' }, action: { retcode: '100-009' } })
  await statusCode(app, guid)
  await call(app, guid, 'GET', `/agentevent/${A}`)
  const listed = await rules(app)
  t.same(listed.map(r => [r.name, r.source, r.matched, r.fired]), [
    ['guid expiry', 'scenario', 1, 0],
    ['status fails', 'api', 1, 1],
    [undefined, 'api', 0, 0]
  ])
  const one = await app.inject({ method: 'DELETE', url: '/__mock/faults/mine' })
  t.equal(one.statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: '/__mock/faults/mine' })).statusCode, 404, 'an unknown rule id is 404')
  t.equal((await app.inject({ method: 'DELETE', url: '/__mock/faults' })).statusCode, 200)
  t.same((await rules(app)).map(r => r.source), ['scenario'], 'only the scenario\'s rule is left')
  t.equal(await statusCode(app, guid), '0')
})

t.test('a rule that does not validate is refused with 400 and nothing is armed', async (t) => {
  const { app } = await build(t)
  for (const rule of [
    { match: { operation: 'login' }, fire: { probability: 2 }, action: { retcode: '100-007' } },
    { match: { operation: 'login' }, action: { retcode: '1-2' } },
    { match: { operation: 'login' }, action: { explode: true } },
    { match: { operation: 'login' }, action: { transport: 'http5xx', status: 404 } }
  ]) {
    const res = await app.inject({ method: 'POST', url: '/__mock/faults', payload: rule })
    t.equal(res.statusCode, 400, JSON.stringify(rule))
    t.equal(res.json().retcode, '000-002')
  }
  t.same(await rules(app), [])
})

t.test('a fault rule for an agent matches the agent in the path, not a body field named agentid', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001')
  const armed = await app.inject({ method: 'POST', url: '/__mock/faults', payload: { match: { operation: 'callInner', agent: '1002' }, action: { retcode: '100-007' } } })
  t.equal(armed.statusCode, 201)
  const res = await call(app, guid, 'PUT', '/voicecall/1001/callinner', { called: '9002', agentid: '1002' })
  t.equal(res.json().retcode, '0', 'agent 1001 calling is not agent 1002')
})
