/**
 * Server-wide push (Part D §D5.3): `--push-url` POSTs every agent's events as
 * `{"eventContent":"<event JSON as a string>"}`, one per POST, fire and forget (client N's Koa
 * answers 404 to every push: not a failure, never retried). Agents keep their own delivery.
 */
import t from 'tap'
import { eventJson, pollAnswerJson } from '../../src/domain/event-json.js'
import { admin, build, call, drainTypes, signIn, until } from '../helper.js'
import { koaReceiver, receiverFor, startReceiver } from '../fixtures/receivers.js'

const wide = async (app: Awaited<ReturnType<typeof build>>['app'], id: string): Promise<Record<string, number> & { state: string }> =>
  (await admin(app, 'GET', `/__mock/agents/${id}/push`)).json().serverWide

t.test('every agent\'s events go to --push-url as {"eventContent": "<json>"}; a 404 is not a failure', async (t) => {
  const r = await receiverFor(t, koaReceiver())
  const { app, clock } = await build(t, { pushUrl: `${r.url}/SAP/SapAdapterEventServlet` })
  const g1 = await signIn(app, '1001')
  await signIn(app, '1002')
  await r.until(got => got.length >= 4)
  const now = clock.now()
  const bodies = (id: string): string[] => r.received.filter(req => JSON.parse(JSON.parse(req.body).eventContent).workNo === id).map(req => req.body)
  for (const id of ['1001', '1002']) {
    t.strictSame(bodies(id), ['AgentOther_InService', 'AgentState_Ready'].map(eventType =>
      JSON.stringify({ eventContent: eventJson({ eventType, workNo: id, content: null, genTime: now }, false) })), `agent ${id}, in order`)
    await until(async () => (await wide(app, id)).delivered === 2)
    t.match(await wide(app, id), { variant: 'serverWide', delivered: 2, failures: 0, retries: 0, state: 'idle' })
  }
  t.ok(r.received.every(req => req.url === '/SAP/SapAdapterEventServlet' && req.status === 404))
  for (const req of r.received) {
    t.equal(req.method, 'POST')
    t.equal(req.headers['content-type'], 'application/json; charset=UTF-8')
    t.equal(req.headers['content-length'], String(Buffer.byteLength(req.body)), 'Content-Length, never chunked')
    t.equal(req.headers['transfer-encoding'], undefined)
    t.equal(req.headers.guid, undefined, 'no agent credentials go to the server-wide receiver')
  }
  t.strictSame(await drainTypes(app, '1001', g1), ['AgentOther_InService', 'AgentState_Ready'], 'the agent still polls its own events')
})

t.test('fire and forget: a receiver that is down loses the events (counted), nothing is retried', async (t) => {
  const probe = await startReceiver(koaReceiver())
  const url = probe.url
  await probe.close()
  const { app, clock } = await build(t, { pushUrl: `${url}/x` })
  await signIn(app, '1001')
  await until(async () => (await wide(app, '1001')).failures === 2)
  clock.advance(100000)
  t.match(await wide(app, '1001'), { failures: 2, retries: 0, delivered: 0, discarded: 2, posts: 2 })
  t.equal((await admin(app, 'GET', '/__mock/agents/1001')).statusCode, 200, 'no sign-out for the server-wide push')
})

t.test('--push-format event sends the poll\'s shape', async (t) => {
  const r = await receiverFor(t, () => ({ status: 200, body: '' }))
  const { app, clock } = await build(t, { pushUrl: `${r.url}/events`, pushFormat: 'event' })
  await signIn(app, '1001')
  await r.until(got => got.length >= 2)
  t.equal(r.received[0]!.body, pollAnswerJson({ eventType: 'AgentOther_InService', workNo: '1001', content: null, genTime: clock.now() }, false))
})

t.test('a sign-out ends the agent\'s server-wide copy: its last events go out, its counters are kept, a new sign-in starts afresh', async (t) => {
  const r = await receiverFor(t, koaReceiver())
  const { app } = await build(t, { pushUrl: `${r.url}/SAP/SapAdapterEventServlet` })
  const hub = app.simulator.push
  const types = (id: string): string[] => r.received.map(req => JSON.parse(JSON.parse(req.body).eventContent) as { workNo: string, eventType: string }).filter(e => e.workNo === id).map(e => e.eventType)
  for (let i = 0; i < 20; i++) {
    const id = String(2000 + i)
    const guid = await signIn(app, id)
    t.equal((await call(app, guid, 'DELETE', `/onlineagent/${id}/forcelogout`)).json().retcode, '0')
  }
  await until(async () => (await wide(app, '2019')).state === 'closed')
  t.equal(hub['mirrors'].size, 0, 'no copy is kept open for an agent that signed out')
  t.match(await wide(app, '2019'), { variant: 'serverWide', delivered: 3, pending: 0, state: 'closed' }, 'counters kept after sign-out')
  await r.until(got => got.length >= 60)
  t.strictSame(types('2019'), ['AgentOther_InService', 'AgentState_Ready', 'AgentOther_ShutdownService'], 'the sign-out\'s own event is sent')
  await signIn(app, '2019')
  await until(async () => (await wide(app, '2019')).delivered === 2)
  t.match(await wide(app, '2019'), { delivered: 2, state: 'idle' }, 'a new sign-in, a new copy')
  t.equal(hub['mirrors'].size, 1)
  t.equal((await admin(app, 'POST', '/__mock/reset')).statusCode, 200)
  t.equal(hub['mirrors'].size, 0, 'reset ends the open copies')
  t.equal(hub['pastMirrors'].size, 0)
})

t.test('a quick new sign-in\'s copies go after the old session\'s last ones; a reset stops a copy still sending', async (t) => {
  const r = await receiverFor(t, () => 'hang')
  const { app, clock } = await build(t, { pushUrl: `${r.url}/SAP/SapAdapterEventServlet` })
  const hub = app.simulator.push
  const sent = (): string[] => r.received.map(req => (JSON.parse(JSON.parse(req.body).eventContent) as { eventType: string }).eventType)
  await signIn(app, '1001')
  await r.until(got => got.length >= 1)
  await signIn(app, '1001', { path: '/forcelogin' })
  t.equal((await wide(app, '1001')).state, 'sending', 'the new copy waits for the old one')
  r.handler = koaReceiver()
  clock.advance(10000)
  await until(async () => (await wide(app, '1001')).delivered === 2)
  t.strictSame(sent(), ['AgentOther_InService', 'AgentState_Ready', 'AgentOther_ShutdownService', 'AgentOther_InService', 'AgentState_Ready'],
    'the old session\'s copies (the first timed out), then the new one\'s')

  // Signed out with its first copy hanging: a reset discards what waits behind it.
  r.handler = () => 'hang'
  const before = r.received.length
  const guid = await signIn(app, '1002')
  await r.until(got => got.length > before)
  t.equal((await call(app, guid, 'DELETE', '/onlineagent/1002/forcelogout')).json().retcode, '0')
  const old = hub['pastMirrors'].get('1002')!
  t.match(old.stats, { posts: 1, state: 'sending' })
  t.equal(old.pendingCount, 3, 'the hanging POST\'s InService, and Ready and ShutdownService behind it')
  t.equal((await admin(app, 'POST', '/__mock/reset')).statusCode, 200)
  r.handler = koaReceiver()
  clock.advance(10000)
  await until(() => old.stats.state === 'closed' && old.pendingCount === 0)
  t.equal(old.stats.posts, 1, 'nothing more was sent after the reset')
})
