/**
 * Scenarios disturb pushes like polls (issue #12): fault rules matching operation `pushEvent` drop,
 * duplicate, delay or fail deliveries; a timeline `pushDown` step (or POST /__mock/push/down) is a
 * receiver-down window. Outbound deliveries are journalled without credentials.
 */
import t from 'tap'
import { admin, build, type TestCtx, until } from '../helper.js'
import { current, eventsOf, pushSignIn, pushStatus, receiverFor, springReceiver, TOKEN, type Receiver } from '../fixtures/receivers.js'

const OK = springReceiver(['1001'])
const types = (r: { received: Parameters<typeof eventsOf>[0] }): string[] => eventsOf(r.received).map(e => e.eventType)

async function setup (t: { teardown(fn: () => unknown): void, equal(a: unknown, b: unknown): void }, action: object): Promise<{ r: Receiver, guid: string } & TestCtx> {
  const r = await receiverFor(t, OK)
  const ctx = await build(t)
  t.equal((await admin(ctx.app, 'POST', '/__mock/faults', { name: 'push-fault', match: { operation: 'pushEvent', agent: '1001' }, fire: { times: 1 }, action })).statusCode, 201)
  const { guid } = await pushSignIn(ctx.app, '1001', current(`${r.url}/cb`))
  return { r, ...ctx, guid }
}

t.test('dropNextEvent: the delivery is dropped (counted, journalled), the next goes through', async (t) => {
  const { r, app } = await setup(t, { dropNextEvent: true })
  await until(async () => (await pushStatus(app, '1001')).delivered === 1)
  t.strictSame(types(r), ['AgentState_Ready'])
  t.match(await pushStatus(app, '1001'), { dropped: 1, delivered: 1, posts: 1 })
  const entries = (await admin(app, 'GET', '/__mock/journal?operation=pushEvent&order=oldest')).json().entries
  t.match(entries[0], { status: 0, retcode: 'push:dropped by scenario', rule: 'push-fault' })
})

t.test('duplicateNextEvent: the receiver gets the same body twice', async (t) => {
  const { r, app } = await setup(t, { duplicateNextEvent: true })
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  await r.until(got => got.length >= 3)
  t.equal(r.received[0]!.body, r.received[1]!.body)
  t.strictSame(types(r), ['AgentOther_InService', 'AgentOther_InService', 'AgentState_Ready'])
})

t.test('delayMs: the delivery waits on the simulator clock', async (t) => {
  const { r, app, clock } = await setup(t, { delayMs: 5000 })
  await new Promise(resolve => setImmediate(resolve))
  t.equal(r.received.length, 0, 'nothing sent before the delay')
  clock.advance(5000)
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  t.strictSame(types(r), ['AgentOther_InService', 'AgentState_Ready'])
})

t.test('transport http5xx: a failure without reaching the receiver, retried', async (t) => {
  const { r, app, clock } = await setup(t, { transport: 'http5xx', status: 502 })
  await until(async () => (await pushStatus(app, '1001')).failures === 1)
  t.match(await pushStatus(app, '1001'), { lastStatus: 502, lastError: 'HTTP 502 (scenario)', state: 'waiting-retry' })
  t.equal(r.received.length, 0)
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
})

t.test('a timeline pushDown step is a receiver-down window; delivery resumes in order after it', async (t) => {
  const r = await receiverFor(t, OK)
  const { app, clock } = await build(t)
  await pushSignIn(app, '1001', current(`${r.url}/cb`))
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  const scenario = { name: 'down', timeline: [{ at: 1000, do: { pushDown: { forMs: 30000 } } }] }
  t.equal((await admin(app, 'POST', '/__mock/scenarios?activate=true', scenario)).statusCode, 201)
  clock.advance(1000)
  for (let i = 0; i < 5; i++) await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: 'Custom_Event', content: { i } })
  await until(async () => (await pushStatus(app, '1001')).failures === 1)
  t.match(await pushStatus(app, '1001'), { lastError: 'connection refused (receiver down by scenario)', pending: 5 })
  for (const failures of [2, 3]) {
    clock.advance(10000)
    await until(async () => (await pushStatus(app, '1001')).failures === failures)
  }
  clock.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).delivered === 7)
  t.strictSame(eventsOf(r.received).slice(2).map(e => (e.content as { i: number }).i), [0, 1, 2, 3, 4])
})

t.test('POST /__mock/push/down takes one agent\'s receiver down; the journal never holds the token or GUID', async (t) => {
  const r = await receiverFor(t, springReceiver(['1001', '1002']))
  const { app, clock } = await build(t)
  t.strictSame((await admin(app, 'POST', '/__mock/push/down', { agent: '1001', forMs: 5000 })).json(), { downUntil: clock.now() + 5000, agent: '1001' })
  const { guid } = await pushSignIn(app, '1001', current(`${r.url}/cb`))
  await pushSignIn(app, '1002', current(`${r.url}/cb`))
  await until(async () => (await pushStatus(app, '1002')).delivered === 2 && (await pushStatus(app, '1001')).failures === 1)
  const list = (await admin(app, 'GET', '/__mock/push')).json()
  t.strictSame(list.agents.map((a: { agent: string }) => a.agent), ['1001', '1002'])
  t.match(list.settings, { retryIntervalMs: 10000, failTotalMs: 120000, timeoutMs: 10000, serverUrl: '' })
  const journal = JSON.stringify((await admin(app, 'GET', '/__mock/journal?operation=pushEvent')).json())
  t.notOk(journal.includes(TOKEN) || journal.includes(guid), 'no service_token, no GUID')
})

t.test('a reset stops a delivery a scenario delays: nothing goes out when the delay is over', async (t) => {
  const { r, app, clock } = await setup(t, { delayMs: 5000 })
  const channel = app.simulator.push['channels'].get('1001')!
  t.equal((await admin(app, 'POST', '/__mock/reset')).statusCode, 200)
  clock.advance(5000)
  t.equal(channel.stats.posts, 0, 'the delayed POST was not attempted')
  t.match(channel.stats, { state: 'closed', delivered: 0 })
  t.equal(channel.pendingCount, 0)
  t.equal(r.received.length, 0)
  t.strictSame((await admin(app, 'GET', '/__mock/journal?operation=pushEvent')).json().entries, [], 'and nothing journalled after the reset')
})
