/**
 * Push mode, older variant (Part D §D5.2): sign-in with `pushUrl` → one poll-shaped event per POST,
 * exactly `{"message":"","retcode":"0","event":{eventType, workNo, content}}` with a Content-Length,
 * to the URL with its query string; `PUT onlineagent/{id}/heartbeat` keeps the agent alive and
 * answers `result.loginTime`. Receivers as strict as clients P (Jackson 1.9) and J (servlet).
 */
import t from 'tap'
import { pollAnswerJson } from '../../src/domain/event-json.js'
import { admin, build, call, GW, until } from '../helper.js'
import { eventsOf, jacksonReceiver, pushSignIn, pushStatus, receiverFor, servletReceiver } from '../fixtures/receivers.js'

t.test('client P: each event alone in the poll\'s exact shape, query string kept, Content-Length set', async (t) => {
  const r = await receiverFor(t, jacksonReceiver())
  // eventGenTime on: the legacy body still never carries it (P refuses unknown keys).
  const { app, clock } = await build(t, { eventGenTime: true })
  const url = `${r.url}/aPortal/resource/eventreceiver/event?token=s3cr3t&x=a%20b`
  const { guid, res } = await pushSignIn(app, '1001', { pushUrl: url })
  t.equal(res.headers.guid, guid)
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy')
  await r.until(got => got.length >= 3)
  const expected = [
    { eventType: 'AgentOther_InService', workNo: '1001', content: null, genTime: clock.now() },
    { eventType: 'AgentState_Ready', workNo: '1001', content: null, genTime: clock.now() },
    { eventType: 'AgentState_SetNotReady_Success', workNo: '1001', content: { reason: '0' }, genTime: clock.now() }
  ]
  t.strictSame(r.received.map(req => req.body), expected.map(e => pollAnswerJson(e, false)), 'exact bytes, one event per POST')
  t.ok(r.received.every(req => req.accepted), 'the strict receiver took every body')
  for (const req of r.received) {
    t.equal(req.url, '/aPortal/resource/eventreceiver/event?token=s3cr3t&x=a%20b')
    t.equal(req.headers['content-length'], String(Buffer.byteLength(req.body)))
    t.equal(req.headers['transfer-encoding'], undefined)
    t.equal(req.headers['content-type'], 'application/json; charset=UTF-8')
    t.equal(req.headers.guid, undefined, 'no gateway credentials sent to the legacy receiver')
  }
  await until(async () => (await pushStatus(app, '1001')).delivered === 3)
  const s = await pushStatus(app, '1001')
  t.match(s, { variant: 'legacy', delivered: 3, posts: 3, url: `${r.url}/aPortal/resource/eventreceiver/event?token=%5Bredacted%5D&x=a+b` })
  const entries = (await admin(app, 'GET', '/__mock/journal?operation=pushEvent')).json().entries
  t.equal(entries.length, 3)
  t.match(entries[0], { method: 'POST', path: `${r.url}/aPortal/resource/eventreceiver/event`, query: { token: '[redacted]', x: 'a b' }, status: 200, retcode: '0', agent: '1001' })
  t.ok(!JSON.stringify(entries).includes('s3cr3t'), 'the query token never reaches the journal')
})

t.test('client J: a servlet reading exactly Content-Length bytes gets every event; HTTP 200 with an empty body is success', async (t) => {
  const r = await receiverFor(t, servletReceiver())
  const { app } = await build(t)
  const { guid } = await pushSignIn(app, '1001', { pushUrl: `${r.url}/AgentServerDemo/AgentEventServlet` })
  for (let i = 0; i < 20; i++) await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: 'Custom_Event', content: { i } })
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy')
  await until(async () => (await pushStatus(app, '1001')).delivered === 23)
  const events = eventsOf(r.received)
  t.equal(r.received.length, 23, 'one POST per event')
  t.strictSame(events.slice(2, 22).map(e => (e.content as { i: number }).i), Array.from({ length: 20 }, (_, i) => i), 'in order')
  t.ok(events.every(e => e.workNo === '1001'), 'workNo a string')
})

t.test('heartbeat: answers result.loginTime, counts as liveness; 100-006 when not signed in', async (t) => {
  const r = await receiverFor(t, jacksonReceiver())
  const { app, clock } = await build(t)
  const signedInAt = clock.now()
  const { guid } = await pushSignIn(app, '1001', { pushUrl: `${r.url}/e` })
  for (let i = 0; i < 3; i++) {
    clock.advance(60000)
    const hb = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001/heartbeat`, headers: { guid } })
    t.equal(hb.headers['content-type'], 'application/json;charset=UTF-8')
    t.equal(hb.body, `{"message":"","retcode":"0","result":{"loginTime":"${signedInAt}"}}`)
  }
  t.equal((await admin(app, 'GET', '/__mock/agents/1001')).statusCode, 200, 'alive after 3 minutes of heartbeats')
  clock.advance(120000)
  const after = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001/heartbeat`, headers: { guid } })
  t.equal(after.json().retcode, '100-006', 'signed out 2 minutes after the last heartbeat')
  t.equal((await app.inject({ method: 'POST', url: `${GW}/onlineagent/1001/heartbeat`, headers: { guid } })).statusCode, 405, 'PUT only')
})

t.test('pushUrl with callBackUri + serviceToken: the current variant wins; pushUrl over 512 characters is refused', async (t) => {
  const { app } = await build(t)
  await pushSignIn(app, '1001', { pushUrl: 'http://127.0.0.1:9/legacy', callBackUri: 'http://127.0.0.1:9/current', serviceToken: 'tok' })
  t.match(await pushStatus(app, '1001'), { variant: 'current', url: 'http://127.0.0.1:9/current' })
  const long = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1002`, payload: { password: '', phonenum: '71002', pushUrl: `http://127.0.0.1:9/${'x'.repeat(600)}` } })
  t.equal(long.json().retcode, '100-011')
})
