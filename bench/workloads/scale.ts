/**
 * Workload e (scale): N agents signed in, each holding a long poll; one event is then produced per
 * agent (POST saybusy, paced at --inject-rate per second, in random order) and the time from
 * sending that request to receiving the event on the agent's held poll is recorded. RSS is read
 * idle, with N agents signed in, with N polls held, and after the injection.
 *
 * Workload f (footprint): N agents signed in over HTTP and left idle; RSS then.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { checkBudget, repeated, type Ctx } from '../lib/context.js'
import { Client, GW, parse, signInAll } from '../lib/http.js'
import { CpuWindow, rssMb, type MockStats } from '../lib/proc.js'
import { startMock } from '../lib/servers.js'
import { percentile, type Spread } from '../lib/stats.js'

// ---- e ----------------------------------------------------------------------------------------

export interface HeldRep {
  agents: number
  held: number
  p50: number
  p99: number
  max: number
  produceP99: number
  delivered: number
  errors: number
  rssIdleMb: number
  rssSignedInMb: number
  rssHeldMb: number
  rssAfterMb: number
  kbPerHeldPoll: number
  /** Longest event-loop stall of the server / of the bench (the client) while injecting. */
  serverLoopMaxMs: number
  clientLoopMaxMs: number
  /** Longest garbage-collection pause of the server while injecting. */
  serverGcMaxMs: number
  /** % of the injection phase the server / the bench waited for their CPU. */
  waitServer: number
  waitBench: number
}
const HELD_KEYS = ['held', 'p50', 'p99', 'max', 'produceP99', 'delivered', 'errors', 'rssIdleMb', 'rssSignedInMb', 'rssHeldMb', 'rssAfterMb', 'kbPerHeldPoll', 'serverLoopMaxMs', 'clientLoopMaxMs', 'serverGcMaxMs', 'waitServer', 'waitBench'] as const

export interface HeldResult { config: string, agents: number, injectRate: number, reps: HeldRep[], summary?: Record<typeof HELD_KEYS[number], Spread>, notes: string[] }

const HOLD_MS = 120000
const E_FLAGS = ['--inactivity-timeout-ms', '0', '--poll-wait-ms', String(HOLD_MS)]
/** Loopback source addresses the held polls are spread over (each has its own ephemeral ports). */
const SOURCES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']

async function waitFor (what: string, test: () => Promise<boolean>, ms: number): Promise<void> {
  const until = performance.now() + ms
  for (let i = 0; i < 100000; i++) {
    if (await test()) return
    if (performance.now() > until) throw new Error(`${what}: not reached in ${ms} ms`)
    await sleep(100)
  }
}

async function heldOnce (ctx: Ctx): Promise<{ rep: HeldRep, notes: string[] }> {
  const n = ctx.opts.heldPolls
  const s = await startMock(ctx, E_FLAGS, 'e')
  const pollers = new Client(s.port, { maxSockets: n + 16, localAddresses: SOURCES })
  const producer = new Client(s.port, { maxSockets: 32 })
  const notes: string[] = []
  let stopping = false
  try {
    const stats = async (): Promise<MockStats> => await s.control!.send<MockStats>({ cmd: 'stats' })
    await sleep(300)
    const rssIdleMb = rssMb(s.m.pid)
    const ids = Array.from({ length: n }, (_, i) => String(10000 + i))
    const guids = await signInAll(producer, ids, 32, 300000)
    // Sign-in queued two events per agent; drain them all in one request.
    const drained = parse(await producer.request('GET', `${GW}/agentevent/allagentevent`, { guid: guids.get(ids[0]!)!, timeoutMs: 60000 }))
    if (drained.retcode !== '0') throw new Error(`allagentevent: retcode ${String(drained.retcode)}`)
    await sleep(500)
    const rssSignedInMb = rssMb(s.m.pid)

    const sentAt = new Float64Array(n).fill(-1)
    const latency: number[] = []
    const produceRtt: number[] = []
    const delivered = new Uint8Array(n)
    let errors = 0
    let unexpected = 0
    const polls = new Uint16Array(n)
    const poll = (i: number): void => {
      if (stopping || polls[i]! >= 1000) return
      polls[i]!++
      const id = ids[i]!
      pollers.request('GET', `${GW}/agentevent/${id}`, { guid: guids.get(id)!, source: i }).then((a) => {
        const at = performance.now()
        if (stopping) return
        const e = parse(a)
        if (e.retcode !== '0') { errors++; return }
        if (e.event != null) {
          if (sentAt[i]! >= 0 && delivered[i] === 0) { delivered[i] = 1; latency.push(at - sentAt[i]!) } else unexpected++
        }
        poll(i)
      }, () => { if (!stopping) errors++ })
    }
    // Open the polls in waves so the listen backlog is not flooded.
    for (let i = 0; i < n; i += 500) {
      checkBudget(ctx, 'workload e: opening polls')
      for (let j = i; j < Math.min(n, i + 500); j++) poll(j)
      await sleep(20)
    }
    await waitFor(`${n} held polls`, async () => (await stats()).holding >= n, 120000)
    await sleep(500)
    const rssHeldMb = rssMb(s.m.pid)
    const held = (await stats()).holding

    // Inject one event per agent, paced, in random order.
    await s.control!.send({ cmd: 'resetLoopDelay' })
    const clientLoop = monitorEventLoopDelay({ resolution: 5 })
    clientLoop.enable()
    const win = new CpuWindow(s.m.pid)
    const order = Array.from({ length: n }, (_, i) => i)
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!] }
    const rate = ctx.opts.injectRate
    const t0 = performance.now()
    let next = 0
    while (next < n) {
      checkBudget(ctx, 'workload e: injecting')
      const due = Math.min(n, Math.floor((performance.now() - t0) * rate / 1000) + 1)
      for (; next < due; next++) {
        const i = order[next]!
        const id = ids[i]!
        sentAt[i] = performance.now()
        producer.request('POST', `${GW}/onlineagent/${id}/saybusy`, { guid: guids.get(id)!, timeoutMs: 30000 }).then((a) => {
          produceRtt.push(performance.now() - sentAt[i]!)
          if (parse(a).retcode !== '0') errors++
        }, () => { errors++ })
      }
      await sleep(1)
    }
    await waitFor('every injected event delivered', async () => latency.length >= n, 30000).catch((err: Error) => { notes.push(err.message) })
    clientLoop.disable()
    const w = win.read()
    const rssAfterMb = rssMb(s.m.pid)
    const serverLoop = await stats()
    if (unexpected > 0) notes.push(`${unexpected} events arrived on a poll before any was injected for that agent`)
    return {
      rep: {
        agents: n,
        held,
        p50: percentile(latency, 50),
        p99: percentile(latency, 99),
        max: percentile(latency, 100),
        produceP99: percentile(produceRtt, 99),
        delivered: latency.length,
        errors: errors + (n - latency.length),
        rssIdleMb,
        rssSignedInMb,
        rssHeldMb,
        rssAfterMb,
        kbPerHeldPoll: (rssHeldMb - rssSignedInMb) * 1024 / n,
        serverLoopMaxMs: serverLoop.loopDelayMaxMs,
        clientLoopMaxMs: clientLoop.max / 1e6,
        serverGcMaxMs: serverLoop.gcMaxMs,
        waitServer: w.waitServer,
        waitBench: w.waitBench
      },
      notes
    }
  } finally {
    stopping = true
    pollers.destroy()
    producer.destroy()
    await s.m.stop()
  }
}

export async function runHeld (ctx: Ctx): Promise<HeldResult> {
  const res: HeldResult = { config: `info log + journal (defaults), ${E_FLAGS.join(' ')}`, agents: ctx.opts.heldPolls, injectRate: ctx.opts.injectRate, reps: [], notes: [] }
  return await repeated(ctx, res, 'e', HELD_KEYS, () => heldOnce(ctx), r => `e: ${r.held} held polls  produce→delivered p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  delivered ${r.delivered}/${r.agents}  errors ${r.errors}  rss idle/signed-in/held/after ${r.rssIdleMb.toFixed(0)}/${r.rssSignedInMb.toFixed(0)}/${r.rssHeldMb.toFixed(0)}/${r.rssAfterMb.toFixed(0)} MB  ${r.kbPerHeldPoll.toFixed(1)} KB per held poll  longest loop stall server ${r.serverLoopMaxMs.toFixed(0)} ms (longest GC ${r.serverGcMaxMs.toFixed(0)} ms), bench ${r.clientLoopMaxMs.toFixed(0)} ms  cpu wait server ${r.waitServer.toFixed(0)}% bench ${r.waitBench.toFixed(0)}%`)
}

// ---- f ----------------------------------------------------------------------------------------

export interface IdleRep { agents: number, rssIdleMb: number, rssMb: number, kbPerAgent: number, signInsPerS: number }
const IDLE_KEYS = ['rssIdleMb', 'rssMb', 'kbPerAgent', 'signInsPerS'] as const
export interface IdleResult { config: string, agents: number, reps: IdleRep[], summary?: Record<typeof IDLE_KEYS[number], Spread>, notes: string[] }

const F_FLAGS = ['--inactivity-timeout-ms', '0']

async function idleOnce (ctx: Ctx): Promise<IdleRep> {
  const n = ctx.opts.idleAgents
  const s = await startMock(ctx, F_FLAGS, 'f')
  const client = new Client(s.port, { maxSockets: 64 })
  try {
    await sleep(300)
    const rssIdleMb = rssMb(s.m.pid)
    const ids = Array.from({ length: n }, (_, i) => String(100000 + i))
    const t0 = performance.now()
    await signInAll(client, ids, 64, 600000)
    const signInsPerS = n / ((performance.now() - t0) / 1000)
    client.destroy()
    await sleep(2000)
    const st = await s.control!.send<MockStats>({ cmd: 'stats' })
    if (st.agents !== n) throw new Error(`${st.agents} agents signed in, expected ${n}`)
    const rss = rssMb(s.m.pid)
    return { agents: n, rssIdleMb, rssMb: rss, kbPerAgent: (rss - rssIdleMb) * 1024 / n, signInsPerS }
  } finally {
    client.destroy()
    await s.m.stop()
  }
}

export async function runIdle (ctx: Ctx): Promise<IdleResult> {
  const res: IdleResult = { config: `info log + journal (defaults), ${F_FLAGS.join(' ')}`, agents: ctx.opts.idleAgents, reps: [], notes: [] }
  return await repeated(ctx, res, 'f', IDLE_KEYS, () => idleOnce(ctx), r => `f: ${r.agents} agents signed in (${r.signInsPerS.toFixed(0)}/s)  rss ${r.rssMb.toFixed(0)} MB (idle ${r.rssIdleMb.toFixed(0)} MB, ${r.kbPerAgent.toFixed(2)} KB per agent)`)
}
