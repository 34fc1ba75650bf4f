/**
 * Push failures (Part D §D5.1 retry rule): a receiver that refuses, times out, answers non-2xx or a
 * retcode other than "0", or resets is retried after the retry interval with the same events
 * first; failing for the total failure time signs the agent out; while failing, events wait in the
 * bounded queue and the oldest past the cap are dropped and counted. Time is the ManualClock's; the
 * sockets are real, so the tests wait for what the receiver or the counters show.
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import t from 'tap'
import { admin, build, call, until, type TestCtx } from '../helper.js'
import { current, eventsOf, pushSignIn, pushStatus, receiverFor, springReceiver, startReceiver, type Handler, type Receiver } from '../fixtures/receivers.js'

const OK: Handler = springReceiver(['1001'])
const types = (events: Array<{ eventType: string }>): string[] => events.map(e => e.eventType)

const modes: Array<{ name: string, handler: Handler, error: RegExp, needsTimeout?: boolean }> = [
  { name: 'HTTP 500', handler: () => ({ status: 500, body: '' }), error: /^HTTP 500$/ },
  { name: 'HTTP 200 with retcode "1"', handler: () => ({ status: 200, body: '{"message":"failure","retcode":"1"}', accepted: false }), error: /^retcode 1$/ },
  { name: 'HTTP 200 without a retcode', handler: () => ({ status: 200, body: '', accepted: false }), error: /^no retcode in the answer$/ },
  { name: 'a connection reset', handler: () => 'reset', error: /ECONNRESET|socket|closed|terminated/i },
  { name: 'no answer within the delivery timeout', handler: () => 'hang', error: /^timeout after 10000 ms$/, needsTimeout: true }
]

for (const mode of modes) {
  t.test(`${mode.name}: retried after the retry interval, then delivered in order`, async (t) => {
    const r = await receiverFor(t, mode.handler)
    const { app, clock } = await build(t)
    await pushSignIn(app, '1001', current(`${r.url}/cb`))
    await r.until(got => got.length >= 1 || r.inFlight > 0)
    if (mode.needsTimeout === true) clock.advance(10000)
    await until(async () => (await pushStatus(app, '1001')).failures === 1, 'first failure counted')
    const s = await pushStatus(app, '1001')
    t.match(s, { state: 'waiting-retry', delivered: 0, retries: 0, pending: 2 })
    t.match(String(s.lastError), mode.error)
    t.equal(s.failingSince, clock.now() - (mode.needsTimeout === true ? 10000 : 0), 'failing since the first failed attempt')
    const before = r.received.length
    clock.advance(9999)
    t.equal(r.received.length, before, 'no retry before the interval')
    r.handler = OK
    clock.advance(1)
    await until(async () => (await pushStatus(app, '1001')).delivered === 2, 'delivered after the retry')
    t.strictSame(types(eventsOf(r.received)), ['AgentOther_InService', 'AgentState_Ready'])
    t.match(await pushStatus(app, '1001'), { state: 'idle', retries: 1, pending: 0, failingSince: null, lastError: String(s.lastError) })
  })
}

t.test('a refused connection is a failure; delivery resumes when the receiver is back on its port', async (t) => {
  const probe = await startReceiver(OK)
  const url = probe.url
  await probe.close()
  const { app, clock } = await build(t)
  await pushSignIn(app, '1001', current(`${url}/cb`))
  await until(async () => (await pushStatus(app, '1001')).failures === 1)
  t.match(String((await pushStatus(app, '1001')).lastError), /ECONNREFUSED/)
  const back = createServer((req, res) => {
    req.resume()
    req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"message":"success","retcode":"0"}') })
  })
  back.listen(Number(new URL(url).port), '127.0.0.1')
  await once(back, 'listening')
  t.teardown(() => { back.closeAllConnections(); back.close() })
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  t.pass('delivered once the receiver listens again')
})

t.test('failing for the total failure time signs the agent out; both times are options', async (t) => {
  const r = await receiverFor(t, () => ({ status: 503, body: '' }))
  const { app, clock } = await build(t, { pushRetryIntervalMs: 1000, pushFailTotalMs: 5000 })
  const { guid } = await pushSignIn(app, '1001', current(`${r.url}/cb`))
  for (let i = 1; i <= 5; i++) {
    await until(async () => (await pushStatus(app, '1001')).failures === i, `failure ${i}`)
    t.ok((await admin(app, 'GET', '/__mock/agents/1001')).statusCode === 200, `still signed in after ${i} failures`)
    clock.advance(1000)
  }
  await until(async () => (await admin(app, 'GET', '/__mock/agents/1001')).statusCode === 404, 'signed out')
  const s = await pushStatus(app, '1001')
  t.match(s, { state: 'closed', failures: 6, retries: 5, delivered: 0, signedOutBy: 'push failing for 5000 ms', pending: 0 })
  t.ok(s.discarded >= 2, 'the undelivered events are counted, not lost silently')
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/handshake')).json().retcode, '100-006', 'the client learns it is signed out')
  const journal = (await admin(app, 'GET', '/__mock/journal?operation=pushEvent')).json().entries
  t.equal(journal.length, 6)
  t.ok(journal.every((e: { status: number, retcode: string }) => e.status === 503 && e.retcode === 'push:HTTP 503'))
})

t.test('by default: retried every 10 s, signed out after 120 s of failures (handshakes keep the agent alive meanwhile)', async (t) => {
  const r = await receiverFor(t, () => ({ status: 503, body: '' }))
  const { app, clock } = await build(t)
  const { guid } = await pushSignIn(app, '1001', current(`${r.url}/cb`))
  const start = clock.now()
  for (let i = 1; i <= 12; i++) {
    await until(async () => (await pushStatus(app, '1001')).failures === i, `failure ${i}`)
    t.equal((await call(app, guid, 'POST', '/onlineagent/1001/handshake')).json().retcode, '0', `still signed in ${clock.now() - start} ms after the first failure`)
    clock.advance(10000)
  }
  await until(async () => (await admin(app, 'GET', '/__mock/agents/1001')).statusCode === 404, 'signed out at 120 s')
  t.match(await pushStatus(app, '1001'), { state: 'closed', failures: 13, retries: 12, delivered: 0, signedOutBy: 'push failing for 120000 ms' })
})

t.test('a success resets the failure time', async (t) => {
  const r = await receiverFor(t, () => ({ status: 500, body: '' }))
  const { app, clock } = await build(t, { pushRetryIntervalMs: 1000, pushFailTotalMs: 3000 })
  const { guid } = await pushSignIn(app, '1001', current(`${r.url}/cb`))
  for (const i of [1, 2]) {
    await until(async () => (await pushStatus(app, '1001')).failures === i)
    clock.advance(1000)
  }
  r.handler = OK
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  r.handler = () => ({ status: 500, body: '' })
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy')
  for (const i of [3, 4]) {
    await until(async () => (await pushStatus(app, '1001')).failures === i, `failure ${i}`)
    clock.advance(1000)
  }
  await until(async () => (await pushStatus(app, '1001')).failures === 5)
  t.equal((await admin(app, 'GET', '/__mock/agents/1001')).statusCode, 200, 'failing 2 s since the success (4 s since the first failure): still signed in')
  clock.advance(1000)
  await until(async () => (await admin(app, 'GET', '/__mock/agents/1001')).statusCode === 404, 'signed out')
  t.equal((await pushStatus(app, '1001')).failures, 6, 'out at 3 s of failures counted from the success')
})

t.test('while failing, events wait in the bounded queue; past the cap the oldest are dropped and counted', async (t) => {
  const r = await receiverFor(t, () => ({ status: 500, body: '' }))
  const { app, clock } = await build(t, { queueCap: 5 })
  await pushSignIn(app, '1001', current(`${r.url}/cb`))
  await until(async () => (await pushStatus(app, '1001')).failures === 1)
  for (let i = 0; i < 20; i++) await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: 'Custom_Event', content: { i } })
  const s = await pushStatus(app, '1001')
  t.equal(s.pending, 5, 'waiting events never exceed the cap')
  t.equal(s.dropped, 17, '22 produced, 5 kept')
  const waiting = (await admin(app, 'GET', '/__mock/agents/1001/events')).json().events.map((e: { content: { i: number } }) => e.content.i)
  t.strictSame(waiting, [15, 16, 17, 18, 19], 'the newest are kept, oldest first')
  r.handler = OK
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).pending === 0)
  t.strictSame(eventsOf(r.received).map(e => (e.content as { i: number }).i), [15, 16, 17, 18, 19])
  const after = await pushStatus(app, '1001')
  t.equal(after.delivered + after.dropped, 22, 'every event delivered or counted as dropped')
})

/** Agent 1001 signed in and its sign-in events delivered; then the receiver answers HTTP 500. */
async function signedInThenFailing (t: Parameters<typeof receiverFor>[0]): Promise<TestCtx & { r: Receiver, inject: (eventType: string, content: unknown) => Promise<unknown> }> {
  const r = await receiverFor(t, OK)
  const { app, clock } = await build(t)
  await pushSignIn(app, '1001', current(`${r.url}/cb`))
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  r.handler = () => ({ status: 500, body: '' })
  const inject = (eventType: string, content: unknown): Promise<unknown> => admin(app, 'POST', '/__mock/agents/1001/events', { eventType, content })
  return { r, app, clock, inject }
}

t.test('after a failure a batch never mixes string and object contents (client M cannot bind a string)', async (t) => {
  const { r, app, clock, inject } = await signedInThenFailing(t)
  await inject('AgentEvent_Talking', { callid: 'a' })
  await until(async () => (await pushStatus(app, '1001')).failures === 1)
  await inject('AgentEvent_Call_Release', 'a')
  await inject('AgentState_Ready', null)
  r.handler = OK
  const sent = r.received.length
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).failures === 2)
  const bodies = r.received.slice(sent).map(req => types(JSON.parse(req.body).eventList))
  t.strictSame(bodies, [['AgentEvent_Talking'], ['AgentEvent_Call_Release', 'AgentState_Ready']],
    'the retry carries only the leading object run; the mixed batch after it fails (HTTP 400)')
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).failures === 3)
  t.strictSame(types(JSON.parse(r.received.at(-1)!.body).eventList), ['AgentEvent_Call_Release'], 'then the string event alone')
})

t.test('liveness: without a handshake for 2 minutes the agent is signed out; its last events are pushed', async (t) => {
  const r = await receiverFor(t, OK)
  const { app, clock } = await build(t)
  const { guid } = await pushSignIn(app, '1001', current(`${r.url}/cb`))
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  for (let i = 0; i < 6; i++) {
    clock.advance(30000)
    t.equal((await call(app, guid, 'POST', '/onlineagent/1001/handshake')).json().retcode, '0')
  }
  t.equal((await admin(app, 'GET', '/__mock/agents/1001')).statusCode, 200, 'kept alive by handshakes for 3 minutes')
  clock.advance(120000)
  t.equal((await admin(app, 'GET', '/__mock/agents/1001')).statusCode, 404, 'signed out 2 minutes after the last one')
  await r.until(got => eventsOf(got).length >= 3)
  t.equal(eventsOf(r.received).at(-1)!.eventType, 'AgentOther_ShutdownService')
})

t.test('handshake: a service_token header with special characters is refused with 100-001', async (t) => {
  const { app } = await build(t)
  const { guid } = await pushSignIn(app, '1001', current('http://127.0.0.1:9/cb'))
  const res = await app.inject({ method: 'POST', url: '/agentgateway/resource/onlineagent/1001/handshake', headers: { guid, service_token: 'a b' } })
  t.equal(res.json().retcode, '100-001')
  const good = await app.inject({ method: 'POST', url: '/agentgateway/resource/onlineagent/1001/handshake', headers: { guid, service_token: 'abc_1' } })
  t.equal(good.json().retcode, '0')
})

t.test('a retry sends the failed POST again byte for byte; events queued meanwhile follow in the next POST', async (t) => {
  const { r, app, clock, inject } = await signedInThenFailing(t)
  await inject('A', { n: 1 })
  await until(async () => (await pushStatus(app, '1001')).failures === 1)
  const failed = r.received.at(-1)!.body
  await inject('B', { n: 2 })
  await inject('C', { n: 3 })
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).failures === 2)
  t.equal(r.received.at(-1)!.body, failed, 'the retry is the failed body, not grown by B and C')
  r.handler = OK
  const sent = r.received.length
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).delivered === 5)
  t.strictSame(r.received.slice(sent).map(req => types(JSON.parse(req.body).eventList)), [['A'], ['B', 'C']])
  t.equal(r.received[sent]!.body, failed)
})
