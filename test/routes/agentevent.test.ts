/**
 * `agentevent/...` (spec §4, Part B §11–§14, Part C §0 and §5.1): one event per poll in order, the
 * exact empty body, the long-poll hold on the ManualClock, supersession, disconnects, the queue
 * cap, the 2-minute rule and dynamic GUID rotation.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { request, type ClientRequest } from 'node:http'
import t from 'tap'
import fc from 'fast-check'
import { pollAnswerJson } from '../../src/domain/event-json.js'
import { renderEvent } from '../../src/routes/agentgateway/agentevent.js'
import { build, call, drain, GW, holding, type PolledEvent, signIn, tick, until } from '../helper.js'

const EMPTY = '{"message":"","retcode":"0"}'

const ev = (eventType: string, workNo: string, content: unknown = null): PolledEvent => ({ eventType, workNo, content })
const eventBody = (event: PolledEvent): string => JSON.stringify({ message: '', retcode: '0', event })

interface Pending { done: boolean, promise: Promise<LightMyRequestResponse> }

/** Start a poll without waiting for it; `done` tells whether it has been answered. */
function startPoll (app: FastifyInstance, id: string, guid: string): Pending {
  const p: Pending = { done: false, promise: undefined as unknown as Promise<LightMyRequestResponse> }
  p.promise = call(app, guid, 'GET', `/agentevent/${id}`).then((res) => { p.done = true; return res })
  return p
}

/** One poll that must answer at once with an event. */
async function pollOne (app: FastifyInstance, id: string, guid: string): Promise<PolledEvent> {
  const res = await call(app, guid, 'GET', `/agentevent/${id}`)
  const body = res.json()
  if (body.event === undefined) throw new Error(`no event: ${res.body}`)
  return body.event
}

// ---- one event per poll ----------------------------------------------------------------------

t.test('events come out one per poll, in order, with workNo as a string', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001')
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=200')
  await call(app, guid, 'POST', '/onlineagent/1001/cancelbusy')
  const bodies: string[] = []
  for (let i = 0; i < 5; i++) bodies.push((await call(app, guid, 'GET', '/agentevent/1001')).body)
  t.strictSame(bodies, [
    eventBody(ev('AgentOther_InService', '1001')),
    eventBody(ev('AgentState_Ready', '1001')),
    eventBody(ev('AgentState_SetNotReady_Success', '1001', { reason: '200' })),
    eventBody(ev('AgentState_CancelNotReady_Success', '1001')),
    EMPTY
  ])
})

t.test('each agent polls only its own events', async (t) => {
  const { app } = await build(t)
  const a = await signIn(app, '1001')
  const b = await signIn(app, '1002')
  await call(app, b, 'POST', '/onlineagent/1002/saybusy')
  t.strictSame(await drain(app, '1001', a), [ev('AgentOther_InService', '1001'), ev('AgentState_Ready', '1001')])
  t.strictSame(await drain(app, '1002', b), [
    ev('AgentOther_InService', '1002'),
    ev('AgentState_Ready', '1002'),
    ev('AgentState_SetNotReady_Success', '1002', { reason: '0' })
  ])
})

t.test('an empty poll is exactly {"message":"","retcode":"0"}', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001')
  await drain(app, '1001', guid)
  const res = await call(app, guid, 'GET', '/agentevent/1001?calldata=XXX')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json;charset=UTF-8')
  t.equal(res.body, EMPTY)
})

t.test('with emptyPoll null an empty poll is exactly {"message":"","retcode":"0","event":null}', async (t) => {
  const { app } = await build(t, { emptyPoll: 'null' })
  const guid = await signIn(app, '1001')
  t.equal((await call(app, guid, 'GET', '/agentevent/1001')).body, eventBody(ev('AgentOther_InService', '1001')))
  t.equal((await call(app, guid, 'GET', '/agentevent/1001')).body, eventBody(ev('AgentState_Ready', '1001')))
  const res = await call(app, guid, 'GET', '/agentevent/1001')
  t.equal(res.body, '{"message":"","retcode":"0","event":null}')
})

t.test('with eventGenTime on, each event carries its epoch-ms time between eventType and workNo', async (t) => {
  const { app, clock } = await build(t, { eventGenTime: true })
  const loginAt = clock.now()
  const guid = await signIn(app, '1001')
  clock.advance(1500)
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=201')
  const first = await call(app, guid, 'GET', '/agentevent/1001')
  t.equal(first.body, `{"message":"","retcode":"0","event":{"eventType":"AgentOther_InService","eventGenTime":${loginAt},"workNo":"1001","content":null}}`)
  t.same(Object.keys(first.json().event), ['eventType', 'eventGenTime', 'workNo', 'content'])
  t.strictSame((await call(app, guid, 'GET', '/agentevent/1001')).json(), {
    message: '',
    retcode: '0',
    event: { eventType: 'AgentState_Ready', eventGenTime: loginAt, workNo: '1001', content: null }
  })
  const busy = (await call(app, guid, 'GET', '/agentevent/1001')).json()
  t.strictSame(busy.event, { eventType: 'AgentState_SetNotReady_Success', eventGenTime: loginAt + 1500, workNo: '1001', content: { reason: '201' } })
  t.same(Object.keys(busy.event), ['eventType', 'eventGenTime', 'workNo', 'content'])
  t.equal((await call(app, guid, 'GET', '/agentevent/1001')).body, EMPTY, 'the empty body does not change')
})

t.test('without eventGenTime events have exactly eventType, workNo and content', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001')
  const res = await call(app, guid, 'GET', '/agentevent/1001')
  t.same(Object.keys(res.json()), ['message', 'retcode', 'event'])
  t.same(Object.keys(res.json().event), ['eventType', 'workNo', 'content'])
})

// ---- long poll -------------------------------------------------------------------------------

t.test('a poll with nothing waiting is held, answers at once when an event arrives, and answers empty after 10 s', async (t) => {
  const { app, clock } = await build(t, { pollWaitMs: 10000 })
  const guid = await signIn(app, '1001')
  t.equal((await pollOne(app, '1001', guid)).eventType, 'AgentOther_InService', 'a waiting event answers at once')
  t.equal((await pollOne(app, '1001', guid)).eventType, 'AgentState_Ready')

  const held = startPoll(app, '1001', guid)
  await until(() => holding(app, '1001'), 'the poll is held')
  clock.advance(9999)
  for (let i = 0; i < 20; i++) await tick()
  t.equal(held.done, false, 'still pending after 9999 ms')

  const busy = await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=203')
  t.equal(busy.json().retcode, '0')
  const answered = await held.promise
  t.equal(answered.body, eventBody(ev('AgentState_SetNotReady_Success', '1001', { reason: '203' })), 'the held poll gets the event')
})

t.test('a held poll answers exactly the empty body after 10000 ms', async (t) => {
  const { app, clock } = await build(t, { pollWaitMs: 10000 })
  const guid = await signIn(app, '1001')
  await pollOne(app, '1001', guid)
  await pollOne(app, '1001', guid)
  const held = startPoll(app, '1001', guid)
  await until(() => holding(app, '1001'), 'the poll is held')
  clock.advance(9999)
  for (let i = 0; i < 20; i++) await tick()
  t.equal(held.done, false, 'not yet')
  clock.advance(1)
  const res = await held.promise
  t.equal(res.statusCode, 200)
  t.equal(res.body, EMPTY)
  t.equal(holding(app, '1001'), false, 'the hold is over')
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy')
  t.strictSame(await pollOne(app, '1001', guid), ev('AgentState_SetNotReady_Success', '1001', { reason: '0' }), 'a later event is queued, not lost')
})

t.test('a second poll while one is held supersedes it: the first answers empty, the second gets the next event', async (t) => {
  const { app, clock } = await build(t, { pollWaitMs: 10000 })
  const guid = await signIn(app, '1001')
  await pollOne(app, '1001', guid)
  await pollOne(app, '1001', guid)
  const first = startPoll(app, '1001', guid)
  await until(() => holding(app, '1001'), 'the first poll is held')
  const second = startPoll(app, '1001', guid)
  const firstRes = await first.promise
  t.equal(firstRes.body, EMPTY, 'the superseded poll answers empty')
  await until(() => holding(app, '1001'), 'the second poll is held')
  t.equal(second.done, false)
  await call(app, guid, 'POST', '/onlineagent/1001/work')
  t.equal((await second.promise).body, eventBody(ev('AgentState_SetWork_Success', '1001')))
  clock.advance(20000)
  await call(app, guid, 'POST', '/onlineagent/1001/cancelwork')
  t.strictSame(await pollOne(app, '1001', guid), ev('AgentState_CancelWork_Success', '1001'), 'nothing was delivered twice or lost')
})

t.test('a held poll gets AgentOther_ShutdownService with the loginTime when the agent is signed out', async (t) => {
  const { app, clock } = await build(t, { pollWaitMs: 10000 })
  const loginTime = String(clock.now())
  const guid = await signIn(app, '1001')
  await pollOne(app, '1001', guid)
  await pollOne(app, '1001', guid)
  const held = startPoll(app, '1001', guid)
  await until(() => holding(app, '1001'), 'the poll is held')
  t.equal((await call(app, guid, 'DELETE', '/onlineagent/1001/logout')).json().retcode, '0')
  t.equal((await held.promise).body, eventBody(ev('AgentOther_ShutdownService', '1001', { loginTime })))
  t.equal((await call(app, guid, 'GET', '/agentevent/1001')).json().retcode, '100-006')
})

t.test('a client that disconnects while its poll is held loses no event', async (t) => {
  const { app } = await build(t, { pollWaitMs: 10000 })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const guid = await signIn(app, '1001')
  await pollOne(app, '1001', guid)
  await pollOne(app, '1001', guid)

  let gotResponse = false
  const req: ClientRequest = request({ host: '127.0.0.1', port, method: 'GET', path: '/agentgateway/resource/agentevent/1001', headers: { Guid: guid } },
    () => { gotResponse = true })
  req.on('error', () => { /* destroyed on purpose */ })
  req.end()
  await until(() => holding(app, '1001'), 'the socket poll is held')
  req.destroy()
  await until(() => !holding(app, '1001'), 'the server noticed the disconnect')
  t.equal(gotResponse, false)

  await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=210')
  const body = await new Promise<string>((resolve, reject) => {
    const again = request({ host: '127.0.0.1', port, method: 'GET', path: '/agentgateway/resource/agentevent/1001', headers: { Guid: guid } }, (res) => {
      let data = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { data += c })
      res.on('end', () => resolve(data))
    })
    again.on('error', reject)
    again.end()
  })
  t.equal(body, eventBody(ev('AgentState_SetNotReady_Success', '1001', { reason: '210' })), 'the next poll gets the event')
})

// ---- errors and allagentevent ----------------------------------------------------------------

t.test('polling for an agent not signed in answers 100-006 and with a bad GUID 000-003', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001')
  t.strictSame((await call(app, guid, 'GET', '/agentevent/1002')).json(), { message: 'the agent has not signed in', retcode: '100-006' })
  t.strictSame((await call(app, 'not-a-guid', 'GET', '/agentevent/1001')).json(), { message: 'no right to invite resouce', retcode: '000-003' })
  t.strictSame((await call(app, `${guid}x`, 'GET', '/agentevent/1001')).json(), { message: 'no right to invite resouce', retcode: '000-003' })
  t.equal((await call(app, guid, 'GET', '/agentevent/100')).json().retcode, '000-002', 'an agent id out of range')
  t.equal((await call(app, guid, 'GET', '/agentevent/1001')).body, eventBody(ev('AgentOther_InService', '1001')), 'the refused polls took nothing')
})

t.test('GET agentevent/allagentevent returns every waiting event as an array under event', async (t) => {
  const { app } = await build(t)
  const a = await signIn(app, '1001')
  await signIn(app, '1002')
  await call(app, a, 'GET', '/agentevent/1001')
  const res = await call(app, a, 'GET', '/agentevent/allagentevent')
  t.strictSame(res.json(), {
    message: '',
    retcode: '0',
    event: [ev('AgentState_Ready', '1001'), ev('AgentOther_InService', '1002'), ev('AgentState_Ready', '1002')]
  })
  t.strictSame((await call(app, a, 'GET', '/agentevent/allagentevent')).json(), { message: '', retcode: '0', event: [] }, 'drained')
  t.equal((await call(app, a, 'GET', '/agentevent/1001')).body, EMPTY)
  t.equal((await call(app, 'nonsense', 'GET', '/agentevent/allagentevent')).json().retcode, '000-003')
})

// ---- queue cap -------------------------------------------------------------------------------

t.test('with queueCap 3 the oldest events are dropped and the newest 3 remain in order', async (t) => {
  const { app } = await build(t, { queueCap: 3 })
  const guid = await signIn(app, '1001') // InService, Ready
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=201')
  await call(app, guid, 'POST', '/onlineagent/1001/cancelbusy')
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=202')
  t.strictSame(await drain(app, '1001', guid), [
    ev('AgentState_SetNotReady_Success', '1001', { reason: '201' }),
    ev('AgentState_CancelNotReady_Success', '1001'),
    ev('AgentState_SetNotReady_Success', '1001', { reason: '202' })
  ])
})

// ---- the 2-minute rule -----------------------------------------------------------------------

t.test('an agent that does not poll is signed out after 120 s', async (t) => {
  const { app, clock } = await build(t)
  const guid = await signIn(app, '1001')
  clock.advance(119999)
  t.equal((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '0', 'still signed in at 119.999 s')
  clock.advance(1)
  t.strictSame((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json(), { message: 'the agent has not signed in', retcode: '100-006' })
  t.equal((await call(app, guid, 'GET', '/agentevent/1001')).json().retcode, '100-006')
  t.equal((await signIn(app, '1001')).length > 0, true, 'the agent may sign in again')
})

t.test('an agent that polls every 60 s stays signed in', async (t) => {
  const { app, clock } = await build(t)
  const guid = await signIn(app, '1001')
  for (let i = 0; i < 6; i++) {
    clock.advance(60000)
    t.equal((await call(app, guid, 'GET', '/agentevent/1001')).json().retcode, '0', `poll at ${(i + 1) * 60} s`)
  }
  clock.advance(119999)
  t.equal((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '0')
  clock.advance(1)
  t.equal((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '100-006', '120 s after the last poll')
})

t.test('handshake also keeps an agent signed in', async (t) => {
  const { app, clock } = await build(t)
  const guid = await signIn(app, '1001')
  for (let i = 0; i < 6; i++) {
    clock.advance(60000)
    t.equal((await call(app, guid, 'POST', '/onlineagent/1001/handshake')).body, '{"message":"success","retcode":"0"}', `handshake at ${(i + 1) * 60} s`)
  }
  t.strictSame((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json(), { message: '', retcode: '0', result: { agentState: 4, isWorking: false } })
})

t.test('other calls do not count as activity for the 2-minute rule', async (t) => {
  const { app, clock } = await build(t)
  const guid = await signIn(app, '1001')
  for (let i = 0; i < 3; i++) {
    clock.advance(50000)
    await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')
  }
  t.equal((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '100-006')
})

t.test('a held long poll keeps the agent signed in', async (t) => {
  const { app, clock } = await build(t, { pollWaitMs: 10000 })
  const guid = await signIn(app, '1001')
  await pollOne(app, '1001', guid)
  await pollOne(app, '1001', guid)
  for (let i = 0; i < 15; i++) {
    const held = startPoll(app, '1001', guid)
    await until(() => holding(app, '1001'), 'held')
    clock.advance(10000)
    t.equal((await held.promise).body, EMPTY)
  }
  t.equal((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '0', 'still signed in after 150 s of polling')
})

// ---- GUID rotation ---------------------------------------------------------------------------

t.test('with dynamic rotation each poll and handshake carries a new GUID; the previous one works for the grace period', async (t) => {
  const { app, clock } = await build(t, { guidRotation: 'dynamic' })
  const g0 = await signIn(app, '1001')
  const p1 = await call(app, g0, 'GET', '/agentevent/1001')
  t.equal(p1.body, eventBody(ev('AgentOther_InService', '1001')))
  const g1 = String(p1.headers['set-guid']).replace('JSESSIONID=', '')
  t.match(g1, /^[0-9a-f-]{36}\.AgentGateway0$/)
  t.not(g1, g0)
  t.equal(p1.headers['set-cookie'], `JSESSIONID=${g1}; Path=/`)

  const h = await call(app, g1, 'POST', '/onlineagent/1001/handshake')
  t.equal(h.body, '{"message":"success","retcode":"0"}')
  const g2 = String(h.headers['set-guid']).replace('JSESSIONID=', '')
  t.not(g2, g1)
  t.not(g2, g0)
  t.equal(h.headers['set-cookie'], `JSESSIONID=${g2}; Path=/`)

  const empty = await call(app, g2, 'GET', '/agentevent/1001')
  t.equal(empty.body, eventBody(ev('AgentState_Ready', '1001')))
  const g3 = String(empty.headers['set-guid']).replace('JSESSIONID=', '')
  t.not(g3, g2)
  const none = await call(app, g3, 'GET', '/agentevent/1001')
  t.equal(none.body, EMPTY)
  t.type(none.headers['set-guid'], 'string', 'an empty poll rotates too')
  const g4 = String(none.headers['set-guid']).replace('JSESSIONID=', '')

  t.equal((await call(app, g3, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '0', 'the previous GUID works at once')
  clock.advance(29999)
  t.equal((await call(app, g3, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '0', 'and within 30 s')
  clock.advance(2)
  t.strictSame((await call(app, g3, 'GET', '/onlineagent/1001/agentstatus')).json(), { message: 'no right to invite resouce', retcode: '000-003' }, 'not after')
  t.equal((await call(app, g4, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '0', 'the newest GUID works')
  t.equal((await call(app, g0, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '000-003', 'older GUIDs are gone')
})

t.test('with dynamic rotation and a shorter grace the previous GUID expires sooner', async (t) => {
  const { app, clock } = await build(t, { guidRotation: 'dynamic', guidGraceMs: 5000 })
  const g0 = await signIn(app, '1001')
  await call(app, g0, 'GET', '/agentevent/1001')
  clock.advance(5001)
  t.equal((await call(app, g0, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '000-003')
})

t.test('with dynamic rotation the Set-Cookie comes before Set-GUID on the wire for polls and handshakes', async (t) => {
  const { app } = await build(t, { guidRotation: 'dynamic' })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const guid = await signIn(app, '1001')
  const raw = (method: string, path: string, g: string): Promise<string[]> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: `/agentgateway/resource${path}`, headers: { Guid: g } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.rawHeaders))
    })
    req.on('error', reject)
    req.end()
  })
  const poll = await raw('GET', '/agentevent/1001', guid)
  const names = poll.filter((_, i) => i % 2 === 0)
  t.ok(names.includes('Set-GUID'), 'exactly Set-GUID')
  t.ok(names.indexOf('Set-Cookie') >= 0 && names.indexOf('Set-Cookie') < names.indexOf('Set-GUID'), 'Set-Cookie first')
  const next = (poll[poll.indexOf('Set-GUID') + 1] ?? '').replace('JSESSIONID=', '')
  t.equal(poll[poll.indexOf('Set-Cookie') + 1], `JSESSIONID=${next}; Path=/`)
  const hs = await raw('POST', '/onlineagent/1001/handshake', next)
  const hsNames = hs.filter((_, i) => i % 2 === 0)
  t.ok(hsNames.includes('Set-GUID'))
  t.ok(hsNames.indexOf('Set-Cookie') >= 0 && hsNames.indexOf('Set-Cookie') < hsNames.indexOf('Set-GUID'), 'Set-Cookie first')
})

t.test('with static GUIDs polls and handshakes send no Set-GUID and the GUID never changes', async (t) => {
  const { app, clock } = await build(t)
  const guid = await signIn(app, '1001')
  for (let i = 0; i < 3; i++) {
    const res = await call(app, guid, 'GET', '/agentevent/1001')
    t.equal(res.headers['set-guid'], undefined, `poll ${i + 1}`)
    t.equal(res.headers['set-cookie'], undefined)
  }
  const h = await call(app, guid, 'POST', '/onlineagent/1001/handshake')
  t.equal(h.headers['set-guid'], undefined)
  clock.advance(60000)
  await call(app, guid, 'GET', '/agentevent/1001')
  clock.advance(60000)
  t.equal((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '0', 'the sign-in GUID still works')
})

t.test('a poll answer serialised directly is byte for byte JSON.stringify of the envelope', async (t) => {
  const event = fc.record({
    eventType: fc.string({ unit: 'binary' }),
    workNo: fc.string({ unit: 'binary' }),
    genTime: fc.oneof(fc.integer(), fc.double()),
    content: fc.oneof(fc.constant(undefined), fc.constant(null), fc.jsonValue(), fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()))
  })
  fc.assert(fc.property(event, fc.boolean(), (e, withGenTime) =>
    pollAnswerJson(e, withGenTime) === JSON.stringify({ message: '', retcode: '0', event: renderEvent(e, withGenTime) })
  ), { seed: 20261127, numRuns: 2000 })
  t.pass('2000 random events (unicode, lone surrogates, NaN, undefined and nested content)')
})

t.test('a poll abandoned while held neither rotates the GUID nor goes unrecorded', async (t) => {
  const { app, clock } = await build(t, { pollWaitMs: 10000, guidRotation: 'dynamic' })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const guid = await signIn(app, '1001')
  // Drain the two sign-in events (each poll rotates; keep the newest GUID).
  let current = guid
  for (let i = 0; i < 2; i++) {
    const res = await app.inject({ method: 'GET', url: `${GW}/agentevent/1001`, headers: { guid: current } })
    current = String(res.headers['set-guid']).replace('JSESSIONID=', '')
  }
  const agent = app.simulator.agents.get('1001')
  const req = request({ host: '127.0.0.1', port, path: `${GW}/agentevent/1001`, headers: { guid: current } })
  req.on('error', () => {})
  req.end()
  await until(() => holding(app, '1001'), 'the poll is held')
  const guidBefore = agent?.session.guid
  req.destroy()
  await until(() => !holding(app, '1001'), 'the abandoned poll is let go')
  t.equal(agent?.session.guid, guidBefore, 'no rotation for a client that is gone')
  clock.advance(31000) // past the grace period of any previous GUID
  const status = await app.inject({ method: 'GET', url: `${GW}/onlineagent/1001/agentstatus`, headers: { guid: current } })
  t.equal(status.json().retcode, '0', 'the newest GUID the client received still works')
  const aborted = app.journal.find({ agent: '1001', retcode: 'aborted' })
  t.equal(aborted.length, 1, 'the abandoned poll is in the journal')
  t.equal(aborted[0]?.status, 0)
})
