/**
 * Workload j (push, issue #12): N agents signed in in push mode (current variant: callBackUri +
 * serviceToken), events produced in the mock at a steady rate, round robin over the agents, and
 * POSTed to a receiver in the bench process (so on the load core). Measured: produce → received
 * latency (the event carries its production time), after a warm-up of --warmup seconds at the same
 * rate timed apart (`warmP99`, `warmMax`), as workload h does: the first seconds after 10,000
 * sign-ins fill every agent's event history and collect the sign-ins' garbage. Production runs on
 * from the warm-up into the measured phase without a pause; an event belongs to the phase in which
 * it was produced. Then with the receiver down for a while
 * (--push-retry-interval-ms 500): the mock's RSS, how soon delivery resumes after the receiver
 * returns; then, the backlog delivered, the capacity: events delivered per second while they are
 * produced 25 % faster than the steady rate. At the end every agent's events must have arrived
 * in order, none lost.
 */
import { once } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { BENCH_DIR, checkBudget, repeated, type Ctx } from '../lib/context.js'
import { join } from 'node:path'
import { Control, CpuWindow, freePort, launch, rssMb, withTimeout } from '../lib/proc.js'
import { startMock } from '../lib/servers.js'
import { NODE_FLAGS } from '../../src/node-flags.js'
import { percentile, spreadOf, type Spread } from '../lib/stats.js'
import { CpuProbe, markProbe, readProbe } from '../lib/probe.js'

export interface PushRep {
  agents: number
  produced: number
  /**
   * Capacity: in the last phase events are produced CAPACITY_FACTOR above the steady rate; the
   * figure is (events received − 1) ÷ time from the first to the last of them (0 when fewer than
   * 2 arrived). It never exceeds the production rate; a mock that falls behind delivers its last
   * events late and measures what it sustains.
   */
  deliveredPerS: number
  /** The same figure for the steady phase (production at the steady rate). */
  steadyPerS: number
  /** Latency of the warm-up's events (--warmup seconds at the steady rate before the steady phase), ms. */
  warmP99: number
  warmMax: number
  p50: number
  p99: number
  max: number
  posts: number
  rssSteadyMb: number
  /** Highest RSS while the receiver was down. */
  rssDownMaxMb: number
  /** Receiver back → first event received, ms. */
  resumeMs: number
  /** Events missing or out of order at the end (must be 0 below the cap). */
  lost: number
  outOfOrder: number
  waitServer: number
  waitBench: number
  /**
   * The mock's CPU time from the start of the steady phase until its last event arrived, per event
   * received in that time (a warm-up backlog delivered then counts with them), µs.
   */
  cpuUsPerEvent: number
  /** That CPU time as a share of the phase's wall time: near 100 %, the mock cannot keep up. */
  cpuPct: number
  /** Share of the machine's CPU time the host took away during the steady phase (a VM's steal). */
  stealPct: number
  /** The CPU probe during the steady phase: the median second's and the slowest second's time as a factor of the fastest second during j (1.3: 30 % slower); µs until j's end rescales them. */
  cpuSlowdown: number
  cpuSlowest: number
}
const KEYS = ['produced', 'deliveredPerS', 'steadyPerS', 'warmP99', 'warmMax', 'p50', 'p99', 'max', 'posts', 'rssSteadyMb', 'rssDownMaxMb', 'resumeMs', 'lost', 'outOfOrder', 'waitServer', 'waitBench', 'cpuUsPerEvent', 'cpuPct', 'stealPct', 'cpuSlowdown', 'cpuSlowest'] as const
export interface PushResult { config: string, agents: number, rate: number, capacityRate: number, downS: number, retryMs: number, reps: PushRep[], summary?: Record<typeof KEYS[number], Spread>, notes: string[], undici?: UndiciResult, logic?: LogicResult, /** The CPU probe's fastest second during j, µs: its figures are factors of it. */ cpuBestUs?: number }

/** The reference: undici alone POSTing the same one-event bodies at the steady rate from the server's CPU (bench/servers/undici-pusher.mjs). */
export interface UndiciRep { perS: number, p50: number, p99: number, max: number, cpuUsPerPost: number, cpuPct: number, stealPct: number, cpuSlowdown: number, cpuSlowest: number }
const UNDICI_KEYS = ['perS', 'p50', 'p99', 'max', 'cpuUsPerPost', 'cpuPct', 'stealPct', 'cpuSlowdown', 'cpuSlowest'] as const
export interface UndiciResult { durationS: number, reps: UndiciRep[], summary?: Record<typeof UNDICI_KEYS[number], Spread>, notes: string[] }

/**
 * The second reference: the mock's own push path with a stub sender, no network
 * (bench/servers/push-logic.mjs): CPU µs per event, the median of LOGIC_ROUNDS rounds of
 * LOGIC_EVENTS events, and POSTs per event (1: one event per POST, as in j's steady phase).
 */
export interface LogicRep { usPerEvent: number, postsPerEvent: number }
const LOGIC_KEYS = ['usPerEvent', 'postsPerEvent'] as const
export interface LogicResult { events: number, rounds: number, reps: LogicRep[], summary?: Record<typeof LOGIC_KEYS[number], Spread>, notes: string[] }
const LOGIC_EVENTS = 200000
const LOGIC_ROUNDS = 5

const RETRY_MS = 500
/** The capacity phase produces this much above the steady rate (the goal's rate). */
const CAPACITY_FACTOR = 1.25
const J_FLAGS = ['--inactivity-timeout-ms', '0', '--push-retry-interval-ms', String(RETRY_MS), '--push-fail-total-ms', '0', '--log-level', 'error']

/** Every answer of the receiver: HTTP/1.1 200, keep-alive, `{"message":"success","retcode":"0"}`. */
const ANSWER = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 35\r\nKeep-Alive: timeout=60\r\n\r\n{"message":"success","retcode":"0"}')
const HEAD_END = Buffer.from('\r\n\r\n')
const MAX_HEAD = 16384

/**
 * The receiver: answers every POST `{"message":"success","retcode":"0"}` and checks each agent's
 * sequence. A lean HTTP/1.1 server on node:net — request line and headers up to the blank line,
 * a Content-Length body (a request without one, or a head over 16 KiB, closes the connection and
 * is counted), the answers to the requests of one read written at once — because node:http
 * needed about 40 µs of CPU per POST, 70–80 % of the other core at 20,000 POSTs/s, and its own
 * queueing showed in the latency measured (docs/decisions.md, "Workload j's receiver").
 */
/** Wall-clock time in epoch ms, as the mock stamps an event's production (`content.t`). */
const epochNow = (): number => performance.timeOrigin + performance.now()

/** Events of a phase, and when the first and the last of them arrived. */
interface Tally { n: number, firstAt: number, lastAt: number }

function tally (p: Tally, at: number): void {
  p.n++
  if (p.firstAt < 0) p.firstAt = at
  p.lastAt = at
}

/** (events − 1) ÷ first → last arrival, per second (0 for fewer than two). */
function perSecond (p: Tally): number {
  const span = p.lastAt - p.firstAt
  return p.n < 2 || !(span > 0) ? 0 : (p.n - 1) / (span / 1000)
}

class Receiver {
  server: Server | undefined
  private readonly sockets = new Set<Socket>()
  /** Requests the receiver could not read (no Content-Length, head too long): must stay 0. */
  malformed = 0
  received = 0
  posts = 0
  latency: number[] = []
  /** While recording: latency of the events produced before `steadyFrom` (the warm-up). */
  warmLatency: number[] = []
  recording = false
  /**
   * Production time (epoch ms) from which a recorded event belongs to the measured phase: its
   * latency goes to `latency` and it counts in `steady`. Earlier ones are the warm-up's.
   */
  steadyFrom = -Infinity
  /** The measured phase's events (by production time), when the first and last arrived, and its POSTs. */
  steady = { n: 0, firstAt: -1, lastAt: -1, posts: 0 }
  /** When the last event arrived (any phase). */
  lastAt = -1
  /** Events of the current phase, and when its first and last arrived. */
  phase = { n: 0, firstAt: -1, lastAt: -1 }
  outOfOrder = 0
  /** Events received again: a POST the receiver took whose answer was cut when it went down is retried. */
  duplicates = 0
  private readonly next = new Map<string, number>()

  constructor (readonly port: number) {}

  async start (): Promise<void> {
    this.server = createServer({ noDelay: true }, (sock) => {
      this.sockets.add(sock)
      sock.on('close', () => { this.sockets.delete(sock) })
      sock.on('error', () => {})
      let buf: Buffer = Buffer.alloc(0)
      sock.on('data', (chunk: Buffer) => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
        let answers = 0
        for (;;) {
          const end = buf.indexOf(HEAD_END)
          if (end < 0) {
            if (buf.length > MAX_HEAD) { this.malformed++; sock.destroy(); return }
            break
          }
          const head = buf.toString('latin1', 0, end).toLowerCase()
          const i = head.indexOf('\r\ncontent-length:')
          const len = i < 0 ? Number.NaN : parseInt(head.slice(i + 17), 10)
          if (!(len >= 0)) { this.malformed++; sock.destroy(); return }
          if (buf.length < end + 4 + len) break
          this.take(buf.toString('utf8', end + 4, end + 4 + len))
          buf = buf.subarray(end + 4 + len)
          answers++
        }
        if (answers === 1) sock.write(ANSWER)
        else if (answers > 1) sock.write(Buffer.concat(new Array<Buffer>(answers).fill(ANSWER)))
      })
    })
    this.server.listen(this.port, '127.0.0.1')
    await once(this.server, 'listening')
  }

  /** Down: refuse connections (the port closed, open connections cut). */
  async stop (): Promise<void> {
    const s = this.server
    if (s === undefined) return
    this.server = undefined
    s.close()
    for (const sock of this.sockets) sock.destroy()
    this.sockets.clear()
    await once(s, 'close')
  }

  private take (body: string): void {
    const at = epochNow()
    this.posts++
    const b = JSON.parse(body) as { eventList: Array<{ eventType: string, workNo: string, content: { s: number, t: number } | null }> }
    let steadyPost = false
    for (const e of b.eventList) {
      if (e.eventType !== 'Bench_Event' || e.content === null) continue
      const want = this.next.get(e.workNo) ?? 0
      if (e.content.s < want) { this.duplicates++; continue }
      if (e.content.s > want) this.outOfOrder++
      this.next.set(e.workNo, e.content.s + 1)
      this.received++
      this.lastAt = at
      tally(this.phase, at)
      if (!this.recording) continue
      if (e.content.t < this.steadyFrom) { this.warmLatency.push(at - e.content.t); continue }
      this.latency.push(at - e.content.t)
      tally(this.steady, at)
      steadyPost = true
    }
    if (steadyPost) this.steady.posts++
  }

  /** The measured phase's delivery rate: (events − 1) ÷ first → last arrival, per second. */
  steadyRate (): number { return perSecond(this.steady) }

  /** Start counting a new phase; returns the one that ended: (events − 1) ÷ first → last, per second. */
  newPhase (): number {
    const p = this.phase
    this.phase = { n: 0, firstAt: -1, lastAt: -1 }
    return perSecond(p)
  }

  /** Events the agents' sequences say are missing, given how many each was sent. */
  missing (sent: Record<string, number>): number {
    let lost = 0
    for (const [id, n] of Object.entries(sent)) lost += n - (this.next.get(id) ?? 0)
    return lost
  }
}

async function waitFor (what: string, test: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const until = performance.now() + ms
  for (;;) {
    if (await test()) return
    if (performance.now() > until) throw new Error(`${what}: not reached in ${ms} ms`)
    await sleep(20)
  }
}

interface Tick { pending: number, cpu: { user: number, system: number }, loopMaxMs: number, gcCount: number, gcTotalMs: number, gcMaxMs: number }

/**
 * A diagnostic (BENCH_J_TRACE=1): every 250 ms until `until` (epoch ms), one stderr line with the
 * seconds since production began, the mock's events waiting, its CPU (user, system ms), the events
 * received and the highest latency among them, the mock's longest loop delay and its GC (count,
 * total ms, longest ms) in the window. It tells a backlog that a stall made (loop delay, GC) from
 * one that a cost per event above the budget made (CPU at 100 %, neither stalled).
 */
async function traceJ (control: NonNullable<Awaited<ReturnType<typeof startMock>>['control']>, recv: Receiver, t0: number, until: number): Promise<void> {
  const f = (x: number): string => x.toFixed(1)
  let last = (await control.send<Tick>({ cmd: 'loopTick' })).cpu
  let seen = recv.latency.length
  let seenWarm = recv.warmLatency.length
  while (epochNow() < until) {
    await sleep(250)
    const t = await control.send<Tick>({ cmd: 'loopTick' })
    let max = 0
    for (let i = seen; i < recv.latency.length; i++) max = Math.max(max, recv.latency[i]!)
    for (let i = seenWarm; i < recv.warmLatency.length; i++) max = Math.max(max, recv.warmLatency[i]!)
    const n = recv.latency.length - seen + recv.warmLatency.length - seenWarm
    seen = recv.latency.length
    seenWarm = recv.warmLatency.length
    process.stderr.write(`j trace ${((epochNow() - t0) / 1000).toFixed(2)} s  waiting ${t.pending}  cpu user ${f((t.cpu.user - last.user) / 1000)} sys ${f((t.cpu.system - last.system) / 1000)} ms  received ${n}  max latency ${f(max)} ms  loop delay max ${f(t.loopMaxMs)} ms  gc ${t.gcCount} ${f(t.gcTotalMs)} ms (max ${f(t.gcMaxMs)})\n`)
    last = t.cpu
  }
}

interface ProduceStats { produced: number, sent: Record<string, number>, delivered: number, pending: number, dropped: number }

async function pushOnce (ctx: Ctx, probe: CpuProbe | undefined): Promise<{ rep: PushRep, notes: string[] }> {
  const n = ctx.opts.pushAgents
  const rate = ctx.opts.pushRate
  const notes: string[] = []
  const port = await freePort()
  const recv = new Receiver(port)
  await recv.start()
  const s = await startMock(ctx, J_FLAGS, 'j')
  try {
    const control = s.control!
    const stats = async (): Promise<ProduceStats> => await control.send<ProduceStats>({ cmd: 'pushStats' })
    await control.send({ cmd: 'pushSignIn', count: n, first: 10000, url: `http://127.0.0.1:${port}/cb` }, 120000)
    await waitFor('sign-in events delivered', async () => (await stats()).delivered >= 2 * n, 120000)

    // Warm-up and steady phase: one production at the steady rate for --warmup + --duration
    // seconds, never stopped in between (a restart from idle would put a start-up transient at the
    // head of the measured phase). Events produced in the first --warmup seconds are the warm-up's
    // (latency timed apart); the others are the steady phase's, by their production time.
    const warmMs = ctx.opts.warmup * 1000
    const ms = ctx.opts.duration * 1000
    recv.recording = true
    // Until production's start is known, whatever arrives is the warm-up's.
    recv.steadyFrom = Infinity
    // Production is paced exactly: this many events in all when it ends.
    const producedSteady = (await stats()).produced + Math.floor((warmMs + ms) * rate / 1000)
    const { t0 } = await control.send<{ t0: number }>({ cmd: 'produce', rate, ms: warmMs + ms })
    recv.steadyFrom = t0 + warmMs
    // BENCH_J_TRACE=1: every 250 ms to stderr, from the warm-up to the end of the steady phase.
    const tracing = process.env.BENCH_J_TRACE === '1' ? traceJ(control, recv, t0, recv.steadyFrom + ms + 500).catch((err: Error) => { notes.push(`trace: ${err.message}`) }) : undefined
    await sleep(Math.max(0, recv.steadyFrom - epochNow()))
    const win = new CpuWindow(s.m.pid)
    await markProbe(probe, notes)
    const receivedBefore = recv.received
    await sleep(Math.max(0, recv.steadyFrom + ms - epochNow()))
    checkBudget(ctx, 'workload j: steady')
    // A server that cannot keep up is measured, not failed: the rate is what arrived, when it arrived.
    await waitFor('steady events delivered', () => recv.received >= producedSteady, 60000).catch((err: Error) => { notes.push(`${err.message} (${recv.received} of ${producedSteady})`) })
    const w = win.read()
    const speed = await readProbe(probe, notes)
    const receivedInWindow = recv.received - receivedBefore
    await tracing
    const steadyPerS = recv.steadyRate()
    const posts = recv.steady.posts
    const warmP99 = percentile(recv.warmLatency, 99)
    const warmMax = percentile(recv.warmLatency, 100)
    const rssSteadyMb = rssMb(s.m.pid)
    recv.recording = false
    recv.steadyFrom = -Infinity
    recv.newPhase()

    // Down: the receiver refuses for --push-down seconds while events keep coming.
    await recv.stop()
    const downMs = ctx.opts.pushDown * 1000
    await control.send({ cmd: 'produce', rate, ms: downMs })
    let rssDownMaxMb = 0
    const downUntil = performance.now() + downMs
    while (performance.now() < downUntil) {
      checkBudget(ctx, 'workload j: receiver down')
      rssDownMaxMb = Math.max(rssDownMaxMb, rssMb(s.m.pid))
      await sleep(250)
    }
    rssDownMaxMb = Math.max(rssDownMaxMb, rssMb(s.m.pid))
    const before = recv.received
    await recv.start()
    const upAt = epochNow()
    const resumed = await waitFor('delivery resumed', () => recv.received > before, 10 * RETRY_MS + 30000).then(() => true, (err: Error) => { notes.push(err.message); return false })
    const resumeMs = resumed ? recv.lastAt - upAt : Number.NaN
    const end = await stats()
    await waitFor('backlog delivered', () => recv.missing(end.sent) === 0, 120000).catch((err: Error) => { notes.push(err.message) })

    // Capacity: production above the goal's rate for --duration seconds; what arrives, when.
    recv.newPhase()
    await control.send({ cmd: 'produce', rate: Math.round(rate * CAPACITY_FACTOR), ms })
    await sleep(ms)
    checkBudget(ctx, 'workload j: capacity')
    const producedAll = (await stats()).produced
    await waitFor('capacity events delivered', () => recv.received >= producedAll, 60000).catch((err: Error) => { notes.push(`${err.message} (${recv.received} of ${producedAll})`) })
    const deliveredPerS = recv.newPhase()
    const final = await stats()
    if (recv.malformed > 0) notes.push(`${recv.malformed} requests the receiver could not read (no Content-Length, or a head over 16 KiB)`)
    if (recv.duplicates > 0) notes.push(`${recv.duplicates} events received twice: POSTs the receiver took as it went down, whose answers never reached the mock, were retried (at-least-once)`)
    if (final.dropped > 0) notes.push(`${final.dropped} events dropped by the queue cap`)
    return {
      rep: {
        agents: n,
        produced: final.produced,
        deliveredPerS,
        steadyPerS,
        warmP99,
        warmMax,
        p50: percentile(recv.latency, 50),
        p99: percentile(recv.latency, 99),
        max: percentile(recv.latency, 100),
        posts,
        rssSteadyMb,
        rssDownMaxMb,
        resumeMs,
        lost: recv.missing(final.sent),
        outOfOrder: recv.outOfOrder,
        waitServer: w.waitServer,
        waitBench: w.waitBench,
        cpuUsPerEvent: receivedInWindow > 0 ? w.serverCpuMs * 1000 / receivedInWindow : Number.NaN,
        cpuPct: w.serverCpuMs / w.wallMs * 100,
        stealPct: w.stealPct,
        cpuSlowdown: speed.medianUs,
        cpuSlowest: speed.slowestUs
      },
      notes
    }
  } finally {
    await recv.stop()
    await s.m.stop()
  }
}

/** One run of the reference: the receiver in the bench process, undici pinned where the mock runs. */
async function undiciOnce (ctx: Ctx, probe: CpuProbe | undefined): Promise<{ rep: UndiciRep, notes: string[] }> {
  const port = await freePort()
  const recv = new Receiver(port)
  await recv.start()
  const ms = ctx.opts.duration * 1000
  const m = launch('undici pusher', [process.execPath, ...NODE_FLAGS, join(BENCH_DIR, 'servers/undici-pusher.mjs'), String(port), String(ctx.opts.pushAgents), String(ctx.opts.pushRate), String(ms)], { cpu: ctx.pin.server, setpriv: ctx.pin.setpriv, ipc: true })
  try {
    const child = m.child
    await withTimeout(once(child, 'message'), 60000, 'undici pusher ready (after its warm-up)')
    recv.newPhase()
    recv.recording = true
    const notes: string[] = []
    const win = new CpuWindow(m.pid)
    await markProbe(probe, notes)
    const done = withTimeout(once(child, 'message'), ms + 60000, 'undici pusher')
    child.send('go')
    const [msg] = await done as [{ posts: number, cpuMs: number, wallMs: number }]
    const w = win.read()
    const speed = await readProbe(probe, notes)
    const perS = recv.newPhase()
    if (recv.received !== msg.posts) notes.push(`the receiver counted ${recv.received} events of ${msg.posts} POSTs`)
    if (recv.malformed > 0) notes.push(`${recv.malformed} requests the receiver could not read`)
    return { rep: { perS, p50: percentile(recv.latency, 50), p99: percentile(recv.latency, 99), max: percentile(recv.latency, 100), cpuUsPerPost: msg.cpuMs * 1000 / msg.posts, cpuPct: msg.cpuMs / msg.wallMs * 100, stealPct: w.stealPct, cpuSlowdown: speed.medianUs, cpuSlowest: speed.slowestUs }, notes }
  } finally {
    await m.stop()
    await recv.stop()
  }
}

/** One run of the second reference, pinned where the mock runs, with the mock's node flags. */
async function logicOnce (ctx: Ctx): Promise<{ rep: LogicRep, notes: string[] }> {
  const m = launch('push logic', [process.execPath, ...NODE_FLAGS, join(BENCH_DIR, 'servers/push-logic.mjs'), String(ctx.opts.pushAgents), String(LOGIC_EVENTS), String(LOGIC_ROUNDS)], { cpu: ctx.pin.server, setpriv: ctx.pin.setpriv, ipc: true })
  try {
    // Control: a child that exits (dist/ missing, a crash) fails the repetition at once, with its stderr.
    const control = new Control(m)
    await withTimeout(control.ready, 60000, 'push logic ready')
    const r = await control.send<{ usPerEvent: number[], postsPerEvent: number, failures: number }>({ cmd: 'run' }, 180000)
    const notes = r.failures === 0 ? [] : [`${r.failures} POSTs failed`]
    return { rep: { usPerEvent: percentile(r.usPerEvent, 50), postsPerEvent: r.postsPerEvent }, notes }
  } finally {
    await m.stop()
  }
}

export async function runPush (ctx: Ctx): Promise<PushResult> {
  const res: PushResult = { config: J_FLAGS.join(' '), agents: ctx.opts.pushAgents, rate: ctx.opts.pushRate, capacityRate: Math.round(ctx.opts.pushRate * CAPACITY_FACTOR), downS: ctx.opts.pushDown, retryMs: RETRY_MS, reps: [], notes: [] }
  const ref: UndiciResult = { durationS: ctx.opts.duration, reps: [], notes: [] }
  // The probe runs through all of j, on the mock's CPU. Optional: without it the figures are NaN
  // and a note says why.
  const probe = await CpuProbe.start(ctx).catch((err: Error) => { res.notes.push(`cpu probe: ${err.message}`); return undefined })
  try {
    await measurePush(ctx, res, ref, probe)
    // Each repetition's probe time as a factor of the fastest second during all of j.
    const best = probe === undefined ? Number.NaN : await probe.best().catch((err: Error) => { res.notes.push(`cpu probe: ${err.message}`); return Number.NaN })
    res.cpuBestUs = best
    for (const r of [...res.reps, ...ref.reps]) {
      r.cpuSlowdown /= best
      r.cpuSlowest /= best
    }
    if (res.reps.length > 0) res.summary = spreadOf(res.reps, KEYS)
    if (ref.reps.length > 0) ref.summary = spreadOf(ref.reps, UNDICI_KEYS)
    return res
  } finally {
    await probe?.stop()
  }
}

const speedOf = (r: { cpuSlowdown: number, cpuSlowest: number }): string => `cpu probe ${r.cpuSlowdown.toFixed(1)} µs (slowest second ${r.cpuSlowest.toFixed(1)})`

async function measurePush (ctx: Ctx, res: PushResult, ref: UndiciResult, probe: CpuProbe | undefined): Promise<void> {
  res.undici = await repeated(ctx, ref, 'j-undici', UNDICI_KEYS, () => undiciOnce(ctx, probe), r => `j reference, undici alone: ${r.perS.toFixed(0)}/s  produce→received p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  cpu ${r.cpuUsPerPost.toFixed(1)} µs/POST (${r.cpuPct.toFixed(0)}% of its core)  steal ${r.stealPct.toFixed(1)}%  ${speedOf(r)}`)
  const logic: LogicResult = { events: LOGIC_EVENTS, rounds: LOGIC_ROUNDS, reps: [], notes: [] }
  res.logic = await repeated(ctx, logic, 'j-logic', LOGIC_KEYS, () => logicOnce(ctx), r => `j reference, the mock without the network: ${r.usPerEvent.toFixed(2)} µs/event  ${r.postsPerEvent.toFixed(2)} POSTs/event`)
  await repeated(ctx, res, 'j', KEYS, () => pushOnce(ctx, probe), r => `j: ${r.agents} push agents  ${r.produced} events  capacity ${r.deliveredPerS.toFixed(0)}/s  steady ${r.steadyPerS.toFixed(0)}/s in ${r.posts} POSTs  warm-up p99 ${r.warmP99.toFixed(1)} ms, max ${r.warmMax.toFixed(1)} ms  produce→received p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  rss steady ${r.rssSteadyMb.toFixed(0)} MB, receiver down max ${r.rssDownMaxMb.toFixed(0)} MB  resumed after ${r.resumeMs.toFixed(0)} ms  lost ${r.lost}  out of order ${r.outOfOrder}  cpu ${r.cpuUsPerEvent.toFixed(1)} µs/event (${r.cpuPct.toFixed(0)}% of its core)  cpu wait server ${r.waitServer.toFixed(0)}% bench ${r.waitBench.toFixed(0)}%  steal ${r.stealPct.toFixed(1)}%  ${speedOf(r)}`)
}

type GoalRow = { id: string, goal: string, target: string, measured: string, met: boolean | null }

/** Issue #12's goals for workload j. */
export function pushGoals (r: PushResult, fmt: (x: number | undefined, d?: number) => string): GoalRow[] {
  const s = r.summary
  const rate = s?.deliveredPerS.median ?? Number.NaN
  const p99 = s?.p99.median ?? Number.NaN
  const rss = s?.rssDownMaxMb.max ?? Number.NaN
  const resume = s?.resumeMs.max ?? Number.NaN
  const lost = (s?.lost.max ?? Number.NaN) + (s?.outOfOrder.max ?? Number.NaN)
  const ok = (v: number, test: (x: number) => boolean): boolean | null => Number.isFinite(v) ? test(v) : null
  return [
    { id: 'j-rate', goal: `j: ${fmt(r.agents)} push agents, events delivered per second`, target: '≥ 20,000/s', measured: `${fmt(rate)}/s (produced at ${fmt(r.capacityRate)}/s)`, met: ok(rate, v => v >= 20000) },
    { id: 'j-p99', goal: 'j: produce → received p99', target: '< 20 ms', measured: `${fmt(p99, 1)} ms`, met: ok(p99, v => v < 20) },
    { id: 'j-rss', goal: `j: RSS with the receiver down ${fmt(r.downS)} s`, target: '< 400 MB', measured: `${fmt(rss)} MB`, met: ok(rss, v => v < 400) },
    { id: 'j-resume', goal: 'j: delivery resumes after the receiver returns', target: `≤ ${r.retryMs} ms (one retry interval)`, measured: `${fmt(resume)} ms`, met: ok(resume, v => v <= r.retryMs) },
    { id: 'j-order', goal: 'j: events lost or out of order', target: '0', measured: fmt(lost), met: ok(lost, v => v === 0) }
  ]
}

export function renderPush (r: PushResult, range: (s: Spread | undefined, d?: number) => string, fmt: (x: number | undefined, d?: number) => string): string[] {
  const s = r.summary
  const out = ['## j. Push delivery', '']
  out.push(`${fmt(r.agents)} agents signed in in push mode (callBackUri + serviceToken); events produced in the mock at ${fmt(r.rate)}/s round robin, POSTed to a lean HTTP/1.1 receiver (node:net) in the bench process: a warm-up at that rate (--warmup, its latency timed apart) running on without a pause into the steady phase (latency, RSS steady; an event belongs to the phase it was produced in); then the receiver is down for ${fmt(r.downS)} s while events keep coming (retry interval ${r.retryMs} ms); then, everything delivered, events are produced at ${fmt(r.capacityRate)}/s for the capacity (delivered/s: (events received − 1) ÷ time from the first to the last, never more than production). Config: ${r.config}.`, '')
  out.push('| events produced | delivered/s (capacity) | delivered/s (steady) | POSTs (steady) | warm-up p99 / max ms | produce→received p50 ms | p99 ms | max ms | RSS steady MB | RSS receiver down (max) MB | resumed after ms | lost | out of order | CPU µs per event (steady) | CPU % of its core (steady) | CPU wait server / bench % | CPU steal % (machine) | CPU probe × fastest second: median / slowest second |')
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  out.push(`| ${range(s?.produced)} | ${range(s?.deliveredPerS)} | ${range(s?.steadyPerS)} | ${range(s?.posts)} | ${range(s?.warmP99, 1)} / ${range(s?.warmMax, 1)} | ${range(s?.p50, 1)} | ${range(s?.p99, 1)} | ${range(s?.max, 1)} | ${range(s?.rssSteadyMb)} | ${range(s?.rssDownMaxMb)} | ${range(s?.resumeMs)} | ${fmt(s?.lost.max)} | ${fmt(s?.outOfOrder.max)} | ${range(s?.cpuUsPerEvent, 1)} | ${range(s?.cpuPct)} | ${fmt(s?.waitServer.median)} / ${fmt(s?.waitBench.median)} | ${range(s?.stealPct, 1)} | ${range(s?.cpuSlowdown, 2)} / ${range(s?.cpuSlowest, 2)} |`)
  if (r.notes.length > 0) out.push('', `- ${r.notes.join('; ')}`)
  if (r.cpuBestUs !== undefined) out.push('', `CPU probe (bench/servers/cpu-probe.mjs): on the mock's CPU throughout j, a fixed piece of arithmetic timed every 20 ms (after an untimed run that brings its 32 KB into the core's cache), each second's median time as a factor of the fastest second during all of j (${fmt(r.cpuBestUs, 1)} µs): 1.00, the vCPU ran as fast as it did at its best; above, the host slowed its clock or a sibling thread competed for its core (not counted as steal), whatever ran on it. It does not see contention in the memory system shared with other guests. Its own cost: ~0.5 % of that CPU.`)
  const u = r.undici?.summary
  if (u !== undefined) {
    out.push('', `Reference: undici alone (bench/servers/undici-pusher.mjs) on the mock's CPU with the mock's node flags, as the mock's sender uses it (64 connections, dispatch, no timers), POSTing the same one-event bodies to the same receiver at ${fmt(r.rate)}/s round robin over ${fmt(r.agents)} agents for ${fmt(r.undici!.durationS)} s: no simulator, no queues, no journal — the floor under the mock's latency and capacity.`, '')
    out.push('| delivered/s | produce→received p50 ms | p99 ms | max ms | CPU µs per POST | CPU % of its core | CPU steal % (machine) | CPU probe × fastest second: median / slowest second |')
    out.push('|---:|---:|---:|---:|---:|---:|---:|---:|')
    out.push(`| ${range(u.perS)} | ${range(u.p50, 1)} | ${range(u.p99, 1)} | ${range(u.max, 1)} | ${range(u.cpuUsPerPost, 1)} | ${range(u.cpuPct)} | ${range(u.stealPct, 1)} | ${range(u.cpuSlowdown, 2)} / ${range(u.cpuSlowest, 2)} |`)
    if (r.undici!.notes.length > 0) out.push('', `- ${r.undici!.notes.join('; ')}`)
  }
  const l = r.logic?.summary
  if (l !== undefined) {
    out.push('', `Reference: the mock without the network (bench/servers/push-logic.mjs) on the mock's CPU with its node flags: the same agents and injected events, produced ${fmt(r.logic!.events)} a round round robin 20 to a turn of the loop, POSTed to a stub sender that answers \`{"retcode":"0"}\` on the next turn — what the mock itself does per event (inject, history, queue, channel, body, journal, reply), the median of ${fmt(r.logic!.rounds)} rounds; j's CPU per event less this is the transport's (undici, Node's streams, the kernel's loopback TCP).`, '')
    out.push('| CPU µs per event | POSTs per event |')
    out.push('|---:|---:|')
    out.push(`| ${range(l.usPerEvent, 2)} | ${range(l.postsPerEvent, 2)} |`)
    if (r.logic!.notes.length > 0) out.push('', `- ${r.logic!.notes.join('; ')}`)
  }
  out.push('')
  return out
}
