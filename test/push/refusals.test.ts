/**
 * A receiver port that refuses connections (issue #12, workload j): the refusal is remembered for
 * REFUSAL_MEMO_MS of the simulator's clock, so thousands of agents retrying against one dead port
 * fail without a socket each; the first delivery after that tries the port again, and the ones
 * sent while that try is out fail with it. Exact counts of connection attempts through a
 * PushSender that stands in for the network (docs/decisions.md).
 */
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ManualClock, type Clock } from '../../src/domain/clock.js'
import { REFUSAL_MEMO_MS } from '../../src/domain/push/hub.js'
import type { PushAsyncSender, PushCall, PushDone, PushPost, PushPoster, PushReply, PushRequest } from '../../src/domain/push/types.js'
import { until } from '../helper.js'
import { current, pushSignIn, pushStatus } from '../fixtures/receivers.js'

/** Stands in for the network: records every connection attempt; a port is up or refuses. */
class Network implements PushAsyncSender {
  readonly attempts: string[] = []
  readonly up = new Set<string>()
  async send (req: PushRequest): Promise<PushReply> {
    this.attempts.push(req.url)
    if (!this.up.has(req.url)) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
    return { status: 200, body: '{"message":"success","retcode":"0"}' }
  }
}

const A = 'http://127.0.0.1:9/a'
const B = 'http://127.0.0.1:9/b'

t.test('a refused port is remembered for 20 ms of the clock; the next delivery tries it again', async (t) => {
  t.equal(REFUSAL_MEMO_MS, 20)
  const clock = new ManualClock()
  const net = new Network()
  const app = await buildApp({ pollWaitMs: 0 }, { clock, logger: false, pushSender: net })
  t.teardown(() => app.close())
  const failed = async (id: string, n: number): Promise<void> => { await until(async () => (await pushStatus(app, id)).failures === n, `${id}: ${n} failures`) }

  await pushSignIn(app, '1001', current(A))
  await failed('1001', 1)
  t.strictSame(net.attempts, [A], 'the first delivery tries the port')
  t.match((await pushStatus(app, '1001')).lastError, /^connect ECONNREFUSED 127\.0\.0\.1:9$/)

  await pushSignIn(app, '1002', current(A))
  await failed('1002', 1)
  t.strictSame(net.attempts, [A], 'a delivery to the same URL at the same time fails without an attempt')
  t.equal((await pushStatus(app, '1002')).lastError, (await pushStatus(app, '1001')).lastError, 'with the same error')

  await pushSignIn(app, '1003', current(B))
  await failed('1003', 1)
  t.strictSame(net.attempts, [A, B], 'another URL is tried on its own')

  clock.advance(REFUSAL_MEMO_MS - 1)
  await pushSignIn(app, '1004', current(A))
  await failed('1004', 1)
  t.strictSame(net.attempts, [A, B], '19 ms later: still remembered')
  clock.advance(1)
  await pushSignIn(app, '1005', current(A))
  await failed('1005', 1)
  t.strictSame(net.attempts, [A, B, A], '20 ms later: the port is tried again (and refuses again)')

  // Both ports come back. 1001-1003 retry at +10 s in one go: 1001 tries A again, 1002 waits for
  // what that try finds (the port answers: 1002 sends too), 1003 tries B. Each retry carries the
  // failed POST's one event (the sign-in's first); the second follows once it is delivered.
  net.up.add(A)
  net.up.add(B)
  clock.advance(10000 - REFUSAL_MEMO_MS)
  await until(async () => {
    const s = await Promise.all(['1001', '1002', '1003'].map(async id => (await pushStatus(app, id)).delivered))
    return s.every(n => n === 2)
  }, 'retries delivered')
  t.strictSame(net.attempts.slice(3).sort(), [A, A, A, A, B, B], 'one try of A, then 1002 after it; B on its own')
  t.match(await pushStatus(app, '1002'), { failures: 1, retries: 1, pending: 0, state: 'idle' })
  clock.advance(REFUSAL_MEMO_MS)
  await until(async () => (await pushStatus(app, '1004')).delivered === 2 && (await pushStatus(app, '1005')).delivered === 2, 'later retries delivered')
  t.strictSame(net.attempts.slice(9), [A, A, A, A], 'a success forgets the refusal: each delivery goes out')
})

t.test('deliveries waiting on a try that is refused again fail with its error, without a socket', async (t) => {
  const clock = new ManualClock()
  const net = new Network()
  const app = await buildApp({ pollWaitMs: 0 }, { clock, logger: false, pushSender: net })
  t.teardown(() => app.close())
  for (const id of ['1001', '1002', '1003']) await pushSignIn(app, id, current(A))
  await until(async () => (await pushStatus(app, '1003')).failures === 1)
  t.strictSame(net.attempts, [A])
  clock.advance(10000)
  await until(async () => {
    const s = await Promise.all(['1001', '1002', '1003'].map(async id => (await pushStatus(app, id)).failures))
    return s.every(n => n === 2)
  }, 'second failures')
  t.strictSame(net.attempts, [A, A], 'one try for the three retries')
})

t.test('only a refused connection is remembered: other failures try the receiver each time', async (t) => {
  const clock = new ManualClock()
  let calls = 0
  const sender: PushAsyncSender = {
    async send (): Promise<PushReply> { calls++; throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }
  }
  const app = await buildApp({ pollWaitMs: 0 }, { clock, logger: false, pushSender: sender })
  t.teardown(() => app.close())
  await pushSignIn(app, '1001', current(A))
  await pushSignIn(app, '1002', current(A))
  await until(async () => (await pushStatus(app, '1001')).failures === 1 && (await pushStatus(app, '1002')).failures === 1)
  t.equal(calls, 2)
})

t.test('a wall clock that steps back holds no retry: each fires after its interval of timer time', async (t) => {
  const manual = new ManualClock()
  let back = 0
  // now() steps back by `back` ms (NTP, a resumed VM); timers keep their own time.
  const clock: Clock = { now: () => manual.now() - back, monotonic: () => manual.now(), setTimer: (ms, fn) => manual.setTimer(ms, fn) }
  const net = new Network()
  const app = await buildApp({ pollWaitMs: 0 }, { clock, logger: false, pushSender: net })
  t.teardown(() => app.close())
  await pushSignIn(app, '1001', current(A))
  await until(async () => (await pushStatus(app, '1001')).failures === 1)
  back = 5000
  net.up.add(A)
  manual.advance(10000)
  await until(async () => (await pushStatus(app, '1001')).delivered === 2, 'retried after 10 s of timer time')
  t.match(await pushStatus(app, '1001'), { retries: 1, failures: 1 })
})

t.test('deliveries waiting on a port\'s new try go ahead when the refusals are forgotten (reset, or too many URLs)', async (t) => {
  const clock = new ManualClock()
  const app = await buildApp({ pollWaitMs: 0 }, { clock, logger: false, pushSender: new Network() })
  t.teardown(() => app.close())
  const hub = app.simulator.push
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
  const waitOnProbe = (): Promise<unknown> => {
    hub.replied(A, refused)
    clock.advance(REFUSAL_MEMO_MS)
    t.equal(hub.recentRefusal(A), undefined, 'this delivery tries the port again')
    const waiting = hub.recentRefusal(A)
    t.ok(waiting instanceof Promise, 'the next one waits for what it finds')
    return waiting as Promise<unknown>
  }
  const outcome = async (waiting: Promise<unknown>): Promise<unknown> => {
    let result: unknown = 'unsettled'
    waiting.then((r) => { result = r }, () => { result = 'rejected' })
    await until(() => result !== 'unsettled', 'the waiting delivery is told')
    return result
  }

  let waiting = waitOnProbe()
  hub.reset()
  t.equal(await outcome(waiting), undefined, 'reset: it goes ahead and tries the receiver')

  waiting = waitOnProbe()
  for (let i = 0; i < 10000; i++) hub.replied(`http://127.0.0.1:9/u${i}`, refused)
  t.equal(await outcome(waiting), undefined, '10,000 more refused URLs: the memo is cleared, and it goes ahead')
})

/** Holds every POST until its abort (a receiver that never answers): the time of each, by the timers' clock. */
class Hold implements PushPoster {
  readonly started: number[] = []
  readonly aborted: number[] = []
  constructor (private readonly manual: ManualClock) {}
  post (_req: PushPost, done: PushDone): PushCall {
    this.started.push(this.manual.now())
    return { abort: (reason: Error) => { this.aborted.push(this.manual.now()); done(reason, undefined) } }
  }
}

t.test('a wall clock that steps back or forward moves no POST\'s timeout: each ends 10 s of timer time after it started', async (t) => {
  for (const step of [-8000, 6000]) {
    const manual = new ManualClock()
    const t0 = manual.now()
    let shift = 0
    const clock: Clock = { now: () => manual.now() + shift, monotonic: () => manual.now(), setTimer: (ms, fn) => manual.setTimer(ms, fn) }
    const hold = new Hold(manual)
    const app = await buildApp({ pollWaitMs: 0, inactivityTimeoutMs: 0 }, { clock, logger: false, pushSender: hold })
    t.teardown(() => app.close())
    const sim = app.simulator
    sim.login('1001', { password: '', phonenum: '71001', callBackUri: A, serviceToken: 'tok' }, 'login')
    await until(() => hold.started.length === 1)
    manual.advance(1000)
    shift = step
    sim.login('1002', { password: '', phonenum: '71002', callBackUri: B, serviceToken: 'tok' }, 'login')
    await until(() => hold.started.length === 2)
    for (let i = 0; i < 11; i++) manual.advance(1000)
    await until(() => sim.push.status('1002').push?.failures === 1)
    t.strictSame(hold.started.map(x => x - t0), [0, 1000], `wall clock stepped by ${step} ms`)
    t.strictSame(hold.aborted.map(x => x - t0), [10000, 11000], 'each timed out 10 s after it started')
    t.match(sim.push.status('1002').push, { lastError: 'timeout after 10000 ms', state: 'waiting-retry' })
  }
})

t.test('a delivery waiting on a port\'s new try when its channel is closed without a last attempt (as a reset closes the server-wide ones): nothing goes out, its connection is handed on', async (t) => {
  const clock = new ManualClock()
  const bodies: string[] = []
  let probe: PushDone | undefined
  const refusedErr = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
  const poster: PushPoster = {
    post (req: PushPost, done: PushDone): PushCall {
      bodies.push(req.body)
      if (bodies.length === 1) queueMicrotask(() => { done(refusedErr, undefined) })
      else if (bodies.length === 2) probe = done
      else queueMicrotask(() => { done(undefined, { status: 200, body: '{"message":"success","retcode":"0"}' }) })
      return { abort: (reason: Error) => { done(reason, undefined) } }
    }
  }
  const app = await buildApp({ pollWaitMs: 0, pushConnections: 2, inactivityTimeoutMs: 0 }, { clock, logger: false, pushSender: poster })
  t.teardown(() => app.close())
  const sim = app.simulator
  const login = (id: string): void => { sim.login(id, { password: '', phonenum: `7${id}`, callBackUri: A, serviceToken: 'tok' }, 'login') }
  login('1001')
  await until(() => sim.push.status('1001').push?.failures === 1)
  clock.advance(REFUSAL_MEMO_MS)
  login('1002')
  await until(() => probe !== undefined, '1002 tries the port again')
  login('1003')
  await until(() => sim.push.status('1003').push?.posts === 1, '1003 waits for what the try finds')
  sim.agents.get('1003')!.push!.discard()
  probe!(undefined, { status: 200, body: '{"message":"success","retcode":"0"}' })
  await until(() => sim.push.status('1002').push?.delivered === 1)
  login('1004')
  await until(() => sim.push.status('1004').push?.delivered === 2, 'a new agent gets the connection 1003 held')
  t.equal(bodies.filter(b => b.includes('"workNo":"1003"')).length, 0, 'nothing of 1003 went out after its channel closed')
  t.match(sim.push.status('1003').push, { state: 'closed', discarded: 2 })
})
