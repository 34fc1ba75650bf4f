/**
 * Push mode, current variant (Part D §D5.1, spec §2.7, §4.3): sign-in with `callBackUri` and
 * `serviceToken`, events POSTed as `{"workNo","eventList"}` to a real receiver on 127.0.0.1 as strict
 * as client M, liveness by handshake, retries and forced sign-out on the ManualClock.
 */
import t from 'tap'
import { admin, build, call, GW, until, type TestCtx } from '../helper.js'
import { current, eventsOf, pushSignIn, pushStatus, receiverFor, springReceiver, startReceiver, TOKEN, type Receiver } from '../fixtures/receivers.js'

const receiver = (t: { teardown(fn: () => unknown): void }): ReturnType<typeof receiverFor> => receiverFor(t, springReceiver(['1001']))
const ev = (workNo: string, eventType: string, content: unknown = null): object => ({ eventType, workNo, content })

t.test('events are POSTed as {workNo, eventList} with the documented headers, oldest first', async (t) => {
  const r = await receiver(t)
  const { app } = await build(t)
  const { guid, res } = await pushSignIn(app, '1001', current(`${r.url}/softphone/event/1001?x=1`))
  t.equal(res.headers.guid, guid, 'a push-mode sign-in also answers the bare GUID in a Guid header')
  await r.until(got => eventsOf(got).length >= 2)
  t.strictSame(eventsOf(r.received), [ev('1001', 'AgentOther_InService'), ev('1001', 'AgentState_Ready')])
  for (const req of r.received) {
    t.equal(req.method, 'POST')
    t.equal(req.url, '/softphone/event/1001?x=1', 'the callback URL as given, query kept')
    const raw = Object.fromEntries(Array.from({ length: req.rawHeaders.length / 2 }, (_, i) => [req.rawHeaders[2 * i], req.rawHeaders[2 * i + 1]]))
    t.equal(raw['Content-Type'], 'application/json; charset=UTF-8')
    t.equal(raw.Guid, guid)
    t.equal(raw.service_token, TOKEN)
    t.equal(req.headers['content-length'], String(Buffer.byteLength(req.body)))
    const body = JSON.parse(req.body)
    t.equal(req.body, JSON.stringify({ workNo: '1001', eventList: body.eventList }), 'exact bytes: workNo then eventList, no other key')
  }
  // A state change is pushed too.
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy')).json().retcode, '0')
  await r.until(got => eventsOf(got).length >= 3)
  t.strictSame(eventsOf(r.received).at(-1), ev('1001', 'AgentState_SetNotReady_Success', { reason: '0' }))
})

t.test('a push-mode agent does not poll: 000-001, and its events are not in allagentevent', async (t) => {
  const r = await receiver(t)
  r.handler = () => 'hang'
  const { app } = await build(t)
  const { guid } = await pushSignIn(app, '1001', current(`${r.url}/cb`))
  const poll = await call(app, guid, 'GET', '/agentevent/1001')
  t.strictSame(poll.json(), { message: 'the agent signed in with a push callback: its events are pushed, not polled', retcode: '000-001' })
  const all = await call(app, guid, 'GET', '/agentevent/allagentevent')
  t.strictSame(all.json().event, [])
  // The events waiting for the receiver stay visible through the control API.
  await r.until(got => got.length >= 1)
  const waiting = (await admin(app, 'GET', '/__mock/agents/1001/events')).json().events.map((e: { eventType: string }) => e.eventType)
  t.strictSame(waiting, ['AgentOther_InService', 'AgentState_Ready'])
})

t.test('push mode needs both callBackUri and serviceToken; either alone means polling', async (t) => {
  const r = await receiver(t)
  const { app } = await build(t)
  for (const [id, extra] of [['1001', { callBackUri: `${r.url}/cb` }], ['1002', { serviceToken: TOKEN }], ['1003', { callBackUri: `${r.url}/cb`, serviceToken: '' }]] as const) {
    const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${id}`, payload: { password: '', phonenum: `7${id}`, ...extra } })
    const guid = String(res.headers['set-guid']).replace('JSESSIONID=', '')
    t.equal(res.headers.guid, undefined)
    t.equal((await call(app, guid, 'GET', `/agentevent/${id}`)).json().event.eventType, 'AgentOther_InService', `${id} polls`)
  }
  t.equal(r.received.length, 0)
})

t.test('a bad token, a URL that is not http(s), or one outside the whitelist refuses the sign-in with 100-001', async (t) => {
  const { app } = await build(t, { pushWhitelist: ['http://127.0.0.1:9/allowed'] })
  const signIn = (body: object): Promise<unknown> =>
    app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: { password: '', phonenum: '71001', ...body } }).then(res => res.json())
  t.strictSame(await signIn({ callBackUri: 'http://127.0.0.1:9/allowed', serviceToken: 'bad token!' }),
    { message: 'serviceToken may hold only letters, digits, - and _ (at most 50)', retcode: '100-001' })
  t.strictSame(await signIn({ callBackUri: 'ftp://127.0.0.1/x', serviceToken: TOKEN }), { message: 'callBackUri must be an http or https URL', retcode: '100-001' })
  t.strictSame(await signIn({ callBackUri: 'not a url', serviceToken: TOKEN }), { message: 'callBackUri is not a URL', retcode: '100-001' })
  t.strictSame(await signIn({ callBackUri: 'http://127.0.0.1:9/other', serviceToken: TOKEN }),
    { message: 'callBackUri is not in the push whitelist (--push-whitelist)', retcode: '100-001' })
  t.equal(((await signIn({ callBackUri: 'http://127.0.0.1:9/allowed?token=1', serviceToken: TOKEN })) as { retcode: string }).retcode, '0',
    'listed (compared without the query string)')
})

t.test('one agent\'s deliveries never overlap and never reorder, also under load', async (t) => {
  const r = await startReceiver(springReceiver(['1001']), { jitter: true })
  t.teardown(() => r.close())
  const { app } = await build(t)
  await pushSignIn(app, '1001', current(`${r.url}/cb`))
  const N = 300
  for (let i = 0; i < N; i++) await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: 'Custom_Event', content: { i } })
  await r.until(got => eventsOf(got).length >= N + 2)
  const got = eventsOf(r.received)
  t.strictSame(got.slice(2).map(e => (e.content as { i: number }).i), Array.from({ length: N }, (_, i) => i), 'generation order')
  t.equal(r.maxInFlight, 1, 'one POST at a time')
  t.ok(r.connections * 10 < r.received.length, `connections kept alive (${r.connections} for ${r.received.length} POSTs)`)
  t.ok(r.received.length < N + 2, `events batched while a POST was on the wire (${r.received.length} POSTs for ${N + 2} events)`)
  t.ok(r.received.every(req => JSON.parse(req.body).eventList.length <= 100), 'at most 100 events per POST')
})

t.test('a handshake\'s service_token replaces the sign-in\'s in the pushes after it (the doc: "refresh every minute")', async (t) => {
  const r = await receiver(t)
  const { app } = await build(t)
  const { guid } = await pushSignIn(app, '1001', current(`${r.url}/softphone/event/1001`))
  await r.until(got => eventsOf(got).length >= 2)
  const hs = (headers: Record<string, string>): Promise<{ retcode: string }> =>
    app.inject({ method: 'POST', url: `${GW}/onlineagent/1001/handshake`, headers: { guid, ...headers } }).then(res => res.json())
  t.equal((await hs({ service_token: 'tok-2' })).retcode, '0')
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy')).json().retcode, '0')
  t.equal((await hs({})).retcode, '0', 'a handshake without a token keeps the last one')
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/sayfree')).json().retcode, '0')
  t.equal((await hs({ service_token: 'bad token!' })).retcode, '100-001', 'a malformed token is refused and not used')
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy')).json().retcode, '0')
  await r.until(got => eventsOf(got).length >= 5)
  // Each event with the token of the POST that carried it (a POST may carry several).
  const sent = r.received.flatMap(req => eventsOf([req]).map(e => [(e as { eventType: string }).eventType, req.headers.service_token]))
  t.strictSame(sent, [
    ['AgentOther_InService', TOKEN], ['AgentState_Ready', TOKEN],
    ['AgentState_SetNotReady_Success', 'tok-2'], ['AgentState_CancelNotReady_Success', 'tok-2'], ['AgentState_SetNotReady_Success', 'tok-2']
  ])
})

t.test('the journal has each POST with its status, retcode and latency (hundredths of a ms, measured in real time)', async (t) => {
  const spring = springReceiver(['1001'])
  let spun = false
  // The first answer is held 20 ms by a spin of the CPU (the receiver runs in this process): a floor for its latency.
  const r = await receiverFor(t, (req) => {
    if (!spun) { spun = true; const until = performance.now() + 20; while (performance.now() < until); }
    return spring(req)
  })
  const { app } = await build(t)
  const t0 = performance.now()
  await pushSignIn(app, '1001', current(`${r.url}/softphone/event/1001?token=s3cret`))
  await r.until(got => eventsOf(got).length >= 2)
  await until(async () => (await admin(app, 'GET', '/__mock/agents/1001/push')).json().push.delivered === 2)
  const wall = performance.now() - t0
  const entries = (await admin(app, 'GET', '/__mock/journal?operation=pushEvent&order=oldest')).json().entries as Array<{ status: number, retcode: string, durationMs: number, path: string, query: Record<string, string>, agent: string }>
  t.equal(entries.length, r.received.length, 'one entry per POST')
  for (const e of entries) {
    t.match(e, { status: 200, retcode: '0', agent: '1001', path: `${r.url}/softphone/event/1001`, query: { token: '[redacted]' } })
    t.ok(e.durationMs >= 0 && e.durationMs <= wall, `latency ${e.durationMs} ms within the exchange (${wall.toFixed(2)} ms)`)
    t.equal(Math.round(e.durationMs * 100) / 100, e.durationMs, 'hundredths of a ms')
  }
  t.ok(entries[0]!.durationMs >= 20, `the held answer's latency (${entries[0]!.durationMs} ms) counts its 20 ms`)
  const status = (await admin(app, 'GET', '/__mock/agents/1001/push')).json().push
  t.equal(status.lastLatencyMs, entries.at(-1)!.durationMs, 'the push status shows the last POST\'s latency')
  t.match(JSON.stringify(status), /"lastStatus":200,"lastLatencyMs":[0-9.]+,"failingSince":null/, 'in its place among the fields')
})

t.test('the push status has no latency before the first POST has answered', async (t) => {
  const r = await receiver(t)
  r.handler = () => 'hang'
  const { app } = await build(t)
  await pushSignIn(app, '1001', current(`${r.url}/softphone/event/1001`))
  await r.until(got => got.length >= 1)
  t.match((await admin(app, 'GET', '/__mock/agents/1001/push')).json().push, { posts: 1, lastStatus: null, lastLatencyMs: null })
})

/**
 * Agent 1001 signed in to a receiver that hangs, its first POST on the wire; then signed in again
 * (forcelogin): the first session's last events wait behind that POST. `first`: its channel.
 */
async function slowFirstSession (t: { teardown(fn: () => unknown): void, equal(a: unknown, b: unknown): void }): Promise<{ r: Receiver, app: TestCtx['app'], clock: TestCtx['clock'], fields: Record<string, string>, first: { stats: { state: string, posts: number }, pendingCount: number }, second: string }> {
  const r = await receiver(t)
  r.handler = () => 'hang'
  const { app, clock } = await build(t)
  const fields = current(`${r.url}/softphone/event/1001`)
  await pushSignIn(app, '1001', fields)
  await r.until(got => got.length >= 1)
  const first = app.simulator.push['channels'].get('1001')!
  const again = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001/forcelogin`, payload: { password: '', phonenum: '71001', ...fields } })
  t.equal(again.json().retcode, '0')
  // The first session sends its last events behind its hanging POST.
  t.equal(first.stats.state, 'sending')
  return { r, app, clock, fields, first, second: String(again.headers['set-guid']).replace('JSESSIONID=', '') }
}

t.test('a quick new sign-in (forcelogin) pushes after the old session\'s last events, never before', async (t) => {
  const { r, app, clock } = await slowFirstSession(t)
  t.equal((await pushStatus(app, '1001')).state, 'sending', 'the new session\'s events wait for the old channel')
  r.handler = springReceiver(['1001'])
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  const posts = r.received.map(req => JSON.parse(req.body).eventList.map((e: { eventType: string }) => e.eventType) as string[])
  t.strictSame(posts, [
    ['AgentOther_InService'],
    ['AgentState_Ready', 'AgentOther_ShutdownService'],
    ['AgentOther_InService', 'AgentState_Ready']
  ], 'the old session\'s POSTs (the first timed out), then the new one\'s')
})

t.test('a retry after a token refresh carries the new token (the body as it was)', async (t) => {
  const r = await receiverFor(t, () => ({ status: 500, body: '' }))
  const { app, clock } = await build(t)
  const { guid } = await pushSignIn(app, '1001', current(`${r.url}/softphone/event/1001`))
  await until(async () => (await pushStatus(app, '1001')).failures === 1)
  const hs = await app.inject({ method: 'POST', url: `${GW}/onlineagent/1001/handshake`, headers: { guid, service_token: 'tok-3' } })
  t.equal(hs.json().retcode, '0')
  r.handler = springReceiver(['1001'])
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).delivered >= 1)
  const [failed, retried] = r.received
  t.equal(failed!.headers.service_token, TOKEN)
  t.equal(retried!.headers.service_token, 'tok-3')
  t.equal(retried!.body, failed!.body, 'the same body again')
})

t.test('a reset also stops the old session\'s last events still waiting behind a slow POST; the next sign-in is not held up', async (t) => {
  const { r, app, clock, fields, first } = await slowFirstSession(t)
  t.equal((await admin(app, 'POST', '/__mock/reset')).statusCode, 200)
  r.handler = springReceiver(['1001'])
  clock.advance(10000)
  await until(() => first.stats.state === 'closed' && first.pendingCount === 0)
  t.equal(first.stats.posts, 1, 'only the POST that was on the wire')
  await pushSignIn(app, '1001', fields)
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  t.strictSame(r.received.flatMap(req => JSON.parse(req.body).eventList.map((e: { eventType: string }) => e.eventType) as string[]),
    ['AgentOther_InService', 'AgentOther_InService', 'AgentState_Ready'], 'the first session\'s hung POST, then the new session\'s events only')
})

t.test('resetting a signed-out agent stops its sessions\' last events, the newest (waiting for the oldest) too', async (t) => {
  const { r, app, clock, first, second } = await slowFirstSession(t)
  const last = app.simulator.push['channels'].get('1001')!
  t.equal((await call(app, second, 'DELETE', '/onlineagent/1001/forcelogout')).json().retcode, '0')
  t.equal(last.stats.state, 'sending', 'the second session\'s last events wait for the first\'s')
  t.equal((await admin(app, 'POST', '/__mock/agents/1001/reset')).statusCode, 200)
  t.equal(last.stats.posts, 0, 'the second session sent nothing')
  t.strictSame([first.stats.state, last.stats.state, last.pendingCount], ['closed', 'closed', 0])
  r.handler = springReceiver(['1001'])
  clock.advance(10000)
  await until(async () => (await admin(app, 'GET', '/__mock/journal?operation=pushEvent')).json().entries.length === 1)
  t.equal(r.received.length, 1, 'only the first session\'s POST that was on the wire')
})

t.test('a reset stops every session\'s last events, the newest first: one waiting for an older one never sends', async (t) => {
  const { app, first, second } = await slowFirstSession(t)
  const last = app.simulator.push['channels'].get('1001')!
  t.equal((await call(app, second, 'DELETE', '/onlineagent/1001/forcelogout')).json().retcode, '0')
  // A third session pushes elsewhere and ends: the agent is signed out, and the first two
  // sessions' channels are only in the hub's list of those still sending.
  const other = await receiver(t)
  const { guid } = await pushSignIn(app, '1001', current(`${other.url}/cb`))
  t.equal((await call(app, guid, 'DELETE', '/onlineagent/1001/forcelogout')).json().retcode, '0')
  await until(async () => (await pushStatus(app, '1001')).state === 'closed')
  t.equal(last.stats.state, 'sending', 'the second session\'s last events wait for the first\'s')
  t.equal((await admin(app, 'POST', '/__mock/reset')).statusCode, 200)
  t.equal(last.stats.posts, 0, 'the second session sent nothing')
  t.strictSame([first.stats.state, last.stats.state], ['closed', 'closed'])
})

t.test('a reset of every agent pushes nothing: a call between two push agents ends silently for both', async (t) => {
  const r = await receiverFor(t, springReceiver(['1001', '1002']))
  const { app } = await build(t)
  const { guid } = await pushSignIn(app, '1001', current(`${r.url}/cb/1001`))
  await pushSignIn(app, '1002', current(`${r.url}/cb/1002`))
  t.equal((await call(app, guid, 'PUT', '/voicecall/1001/callinner', { called: '1002' })).json().retcode, '0', '1001 calls 1002')
  const channels = ['1001', '1002'].map(id => app.simulator.push['channels'].get(id)!)
  await until(async () => (await pushStatus(app, '1002')).delivered >= 3 && channels.every(c => c.stats.state === 'idle'))
  const posts = channels.map(c => c.stats.posts)
  t.equal((await admin(app, 'POST', '/__mock/reset')).statusCode, 200)
  t.strictSame(channels.map(c => c.stats.posts), posts, 'no POST after the reset, neither for the caller nor for the called')
  t.strictSame(channels.map(c => c.stats.state), ['closed', 'closed'])
})

t.test('sessions to two receivers in turn: the third session, back on the first receiver, waits for the first session\'s last events', async (t) => {
  const x = await receiver(t)
  const y = await receiver(t)
  x.handler = () => 'hang'
  const { app, clock } = await build(t)
  const signIn = async (url: string, path = ''): Promise<void> => {
    t.equal((await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001${path}`, payload: { password: '', phonenum: '71001', ...current(url) } })).json().retcode, '0')
  }
  await signIn(`${x.url}/cb`)
  await x.until(got => got.length >= 1)
  await signIn(`${y.url}/cb`, '/forcelogin')
  await signIn(`${x.url}/cb`, '/forcelogin')
  x.handler = springReceiver(['1001'])
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  t.strictSame(x.received.flatMap(req => JSON.parse(req.body).eventList.map((e: { eventType: string }) => e.eventType) as string[]),
    ['AgentOther_InService', 'AgentState_Ready', 'AgentOther_ShutdownService', 'AgentOther_InService', 'AgentState_Ready'], 'the first session\'s events, then the third\'s')
})

t.test('resetting one agent whose newest session polls stops its earlier session\'s last events', async (t) => {
  const r = await receiver(t)
  r.handler = () => 'hang'
  const { app, clock } = await build(t)
  await pushSignIn(app, '1001', current(`${r.url}/cb`))
  await r.until(got => got.length >= 1)
  const first = app.simulator.push['channels'].get('1001')!
  t.equal((await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001/forcelogin`, payload: { password: '', phonenum: '71001' } })).json().retcode, '0')
  t.equal(first.stats.state, 'sending')
  t.equal((await admin(app, 'POST', '/__mock/agents/1001/reset')).statusCode, 200)
  r.handler = springReceiver(['1001'])
  clock.advance(10000)
  await until(() => first.stats.state === 'closed' && first.pendingCount === 0)
  t.equal(first.stats.posts, 1, 'only the POST that was on the wire')
  t.equal(r.received.length, 1)
})
