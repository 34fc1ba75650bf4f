/**
 * The contact centre (issue #11).
 *
 * Workload h (inbound): N agents signed in with auto answer, each holding a long poll; customers
 * arrive through `POST /__mock/customers` at a steady rate across two hotlines and talk 1 s. Timed
 * from sending the customer's call to receiving `AgentEvent_Auto_Answer` on an agent's held poll
 * (matched by the customer's number). Customers of the first --warmup seconds warm the server up
 * (their first answers and releases compile the inbound path) like the warm-up of workloads a–c:
 * they are timed apart (`warmP99`, `warmMax`) and the counted figures are the customers after them.
 * At the end, no customer of either phase may be lost or stuck: every one answered exactly once,
 * no queue left waiting.
 *
 * Workload i (a day on the virtual clock): 1,000 simulated colleagues, eight hours of Poisson
 * traffic at 5 customers/s; the clock is advanced hour by hour and the wall time, RSS after each
 * hour and the day's figures (answered, abandoned, average wait) are recorded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { checkBudget, repeated, type Ctx } from '../lib/context.js'
import { Client, GW, parse, signInAll } from '../lib/http.js'
import { CpuWindow, rssMb, type MockStats } from '../lib/proc.js'
import { startMock } from '../lib/servers.js'
import { percentile, type Spread } from '../lib/stats.js'

// ---- h ----------------------------------------------------------------------------------------

export interface InboundRep { agents: number, customers: number, warmCustomers: number, rate: number, warmP99: number, warmMax: number, p50: number, p99: number, max: number, answered: number, lost: number, stuck: number, errors: number, rssMb: number, cpuUsPerCustomer: number, serverLoopMaxMs: number, clientLoopMaxMs: number, serverGcMaxMs: number, waitServer: number, waitBench: number, stealPct: number }
// While customers arrive: server CPU per customer (its polls and release included), the longest
// event-loop stall of each side, the longest GC pause of the server, CPU wait % of each side.
const INBOUND_KEYS = ['warmP99', 'warmMax', 'p50', 'p99', 'max', 'answered', 'lost', 'stuck', 'errors', 'rssMb', 'cpuUsPerCustomer', 'serverLoopMaxMs', 'clientLoopMaxMs', 'serverGcMaxMs', 'waitServer', 'waitBench', 'stealPct'] as const
export interface InboundResult { config: string, agents: number, rate: number, warmupS: number, seconds: number, reps: InboundRep[], summary?: Record<typeof INBOUND_KEYS[number], Spread>, notes: string[] }

const H_FLAGS = ['--inactivity-timeout-ms', '0', '--poll-wait-ms', '120000']
const SOURCES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']

interface Queue { waiting: unknown[], figures: { offered: number, answered: number, abandoned: number, totalWaitMs: number } }

async function queues (client: Client): Promise<Queue[]> {
  const a = await client.request('GET', '/__mock/queues', { timeoutMs: 30000 })
  return (JSON.parse(a.body) as { queues: Queue[] }).queues
}

async function inboundOnce (ctx: Ctx, agents: number, rate: number, warmupS: number, seconds: number): Promise<InboundRep> {
  const s = await startMock(ctx, H_FLAGS, 'h')
  const pollers = new Client(s.port, { maxSockets: agents + 16, localAddresses: SOURCES })
  const producer = new Client(s.port, { maxSockets: 64 })
  let stopping = false
  try {
    const ids = Array.from({ length: agents }, (_, i) => String(20000 + i))
    const guids = await signInAll(producer, ids, 32, 300000)
    const drained = parse(await producer.request('GET', `${GW}/agentevent/allagentevent`, { guid: guids.get(ids[0]!)!, timeoutMs: 60000 }))
    if (drained.retcode !== '0') throw new Error(`allagentevent: retcode ${String(drained.retcode)}`)
    const warm = Math.round(rate * warmupS)
    const total = warm + Math.round(rate * seconds)
    const sentAt = new Float64Array(total).fill(-1)
    const answeredAt = new Float64Array(total).fill(-1)
    let duplicates = 0
    let errors = 0
    const poll = (id: string, source: number): void => {
      if (stopping) return
      pollers.request('GET', `${GW}/agentevent/${id}`, { guid: guids.get(id)!, source }).then((a) => {
        const at = performance.now()
        const e = parse(a) as { retcode?: string, event?: { eventType?: string, content?: { caller?: string } } | null }
        if (e.retcode !== '0') { if (!stopping) errors++; return }
        if (e.event?.eventType === 'AgentEvent_Auto_Answer') {
          const i = Number(e.event.content?.caller ?? '') - 13900000000
          if (i >= 0 && i < total) { if (answeredAt[i]! >= 0) duplicates++; else answeredAt[i] = at }
        }
        poll(id, source)
      }, () => { if (!stopping) errors++ })
    }
    for (let i = 0; i < agents; i += 500) {
      for (let j = i; j < Math.min(agents, i + 500); j++) poll(ids[j]!, j)
      await sleep(20)
    }
    await sleep(1000)
    const clientLoop = monitorEventLoopDelay({ resolution: 5 })
    let win: CpuWindow | undefined
    const t0 = performance.now()
    let next = 0
    while (next < total) {
      checkBudget(ctx, 'workload h: customers')
      const due = Math.min(total, Math.floor((performance.now() - t0) * rate / 1000) + 1)
      for (; next < due; next++) {
        if (next === warm) {
          // The counted phase starts: stalls, GC and CPU from here on (not awaited: the customers
          // due meanwhile go out on time).
          s.control!.send({ cmd: 'resetLoopDelay' }).catch(() => { errors++ })
          clientLoop.enable()
          win = new CpuWindow(s.m.pid)
        }
        const i = next
        sentAt[i] = performance.now()
        producer.request('POST', '/__mock/customers', { body: { from: String(13900000000 + i), to: i % 2 === 0 ? '6001' : '6002', talkMs: 1000 }, timeoutMs: 30000 })
          .then((a) => { if (a.status !== 200) errors++ }, () => { errors++ })
      }
      await sleep(1)
    }
    const until = performance.now() + 15000
    while (performance.now() < until && answeredAt.some(v => v < 0)) await sleep(100)
    await sleep(1500) // the last customers' talk time
    clientLoop.disable()
    const w = win!.read()
    const server = await s.control!.send<MockStats>({ cmd: 'stats' })
    const q = await queues(producer)
    const warmLatency: number[] = []
    const latency: number[] = []
    for (let i = 0; i < total; i++) if (answeredAt[i]! >= 0 && sentAt[i]! >= 0) (i < warm ? warmLatency : latency).push(answeredAt[i]! - sentAt[i]!)
    const answered = warmLatency.length + latency.length
    const answeredByQueues = q.reduce((n, x) => n + x.figures.answered, 0)
    return {
      agents,
      customers: total - warm,
      warmCustomers: warm,
      rate,
      warmP99: percentile(warmLatency, 99),
      warmMax: percentile(warmLatency, 100),
      p50: percentile(latency, 50),
      p99: percentile(latency, 99),
      max: percentile(latency, 100),
      answered,
      lost: total - answered + duplicates + Math.abs(answeredByQueues - answered),
      stuck: q.reduce((n, x) => n + x.waiting.length, 0),
      errors,
      rssMb: rssMb(s.m.pid),
      cpuUsPerCustomer: w.serverCpuMs * 1000 / (total - warm),
      serverLoopMaxMs: server.loopDelayMaxMs,
      clientLoopMaxMs: clientLoop.max / 1e6,
      serverGcMaxMs: server.gcMaxMs,
      waitServer: w.waitServer,
      waitBench: w.waitBench,
      stealPct: w.stealPct
    }
  } finally {
    stopping = true
    pollers.destroy()
    producer.destroy()
    await s.m.stop()
  }
}

export async function runInbound (ctx: Ctx): Promise<InboundResult> {
  const agents = ctx.opts.quick ? 200 : 2000
  const rate = ctx.opts.quick ? 50 : 200
  const seconds = ctx.opts.quick ? 2 : ctx.opts.duration
  const warmupS = ctx.opts.warmup
  const res: InboundResult = { config: `default world (2 hotlines, realFirst), auto answer, talk 1 s, ${H_FLAGS.join(' ')}`, agents, rate, warmupS, seconds, reps: [], notes: [] }
  return await repeated(ctx, res, 'h', INBOUND_KEYS, () => inboundOnce(ctx, agents, rate, warmupS, seconds), r => `h: ${r.warmCustomers} warm-up customers (p99 ${r.warmP99.toFixed(1)} ms, max ${r.warmMax.toFixed(1)} ms), then ${r.customers} at ${r.rate}/s to ${r.agents} agents  arrival→Auto_Answer p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  answered ${r.answered}  lost ${r.lost}  stuck ${r.stuck}  errors ${r.errors}  rss ${r.rssMb.toFixed(0)} MB  cpu ${r.cpuUsPerCustomer.toFixed(0)} µs/customer  longest stall server ${r.serverLoopMaxMs.toFixed(1)} ms (GC ${r.serverGcMaxMs.toFixed(1)} ms) bench ${r.clientLoopMaxMs.toFixed(1)} ms  cpu wait server ${r.waitServer.toFixed(0)}% bench ${r.waitBench.toFixed(0)}%  steal ${r.stealPct.toFixed(1)}%`)
}

// ---- i ----------------------------------------------------------------------------------------

export interface DayRep { wallS: number, rssStartMb: number, rssMaxMb: number, rssEndMb: number, offered: number, answered: number, abandoned: number, avgWaitS: number }
const DAY_KEYS = ['wallS', 'rssStartMb', 'rssMaxMb', 'rssEndMb', 'offered', 'answered', 'abandoned', 'avgWaitS'] as const
export interface DayResult { config: string, colleagues: number, perSecond: number, hours: number, reps: DayRep[], rssByHour: number[], summary?: Record<typeof DAY_KEYS[number], Spread>, notes: string[] }

function dayScenario (colleagues: number, perSecond: number): string {
  const perHour = perSecond * 3600 / 2
  return [
    'name: a-day',
    'extends: default',
    'colleagues:',
    `  - { count: ${colleagues}, idFrom: 30000, skills: [1, 2], answerAfterMs: { min: 1000, max: 3000 }, handleTimeMs: { mean: 120000 }, wrapUpMs: { min: 5000, max: 15000 } }`,
    'traffic:',
    `  - { to: "6001", perHour: ${perHour}, patienceMs: { mean: 60000 }, talkMs: { mean: 150000 } }`,
    `  - { to: "6002", perHour: ${perHour}, patienceMs: { mean: 60000 }, talkMs: { mean: 150000 } }`,
    ''
  ].join('\n')
}

async function dayOnce (ctx: Ctx, colleagues: number, perSecond: number, hours: number, rssByHour: number[]): Promise<DayRep> {
  const dir = mkdtempSync(join(tmpdir(), 'ccgm-bench-i-'))
  const file = join(dir, 'a-day.yaml')
  writeFileSync(file, dayScenario(colleagues, perSecond))
  const s = await startMock(ctx, ['--clock', 'virtual', '--scenario', file, '--seed', '7', '--log-level', 'warn'], 'i')
  const client = new Client(s.port, { maxSockets: 4 })
  try {
    await sleep(300)
    const rssStartMb = rssMb(s.m.pid)
    let rssMaxMb = rssStartMb
    const t0 = performance.now()
    for (let h = 0; h < hours; h++) {
      checkBudget(ctx, 'workload i')
      const a = await client.request('POST', '/__mock/clock/advance', { body: { ms: 3600000 }, timeoutMs: 600000 })
      if (a.status !== 200) throw new Error(`clock/advance: ${a.status} ${a.body.slice(0, 200)}`)
      const rss = rssMb(s.m.pid)
      rssByHour[h] = Math.max(rssByHour[h] ?? 0, rss)
      rssMaxMb = Math.max(rssMaxMb, rss)
    }
    const wallS = (performance.now() - t0) / 1000
    const q = await queues(client)
    const sum = (k: keyof Queue['figures']): number => q.reduce((n, x) => n + x.figures[k], 0)
    const answered = sum('answered')
    return { wallS, rssStartMb, rssMaxMb, rssEndMb: rssMb(s.m.pid), offered: sum('offered'), answered, abandoned: sum('abandoned'), avgWaitS: answered === 0 ? 0 : sum('totalWaitMs') / answered / 1000 }
  } finally {
    client.destroy()
    await s.m.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function runDay (ctx: Ctx): Promise<DayResult> {
  const colleagues = 1000
  const perSecond = 5
  const hours = ctx.opts.quick ? 1 : 8
  const res: DayResult = { config: `--clock virtual --seed 7 --log-level warn; ${colleagues} colleagues (skills 1+2, handle mean 120 s), two hotlines, patience mean 60 s`, colleagues, perSecond, hours, reps: [], rssByHour: [], notes: [] }
  return await repeated(ctx, res, 'i', DAY_KEYS, () => dayOnce(ctx, colleagues, perSecond, hours, res.rssByHour), r => `i: ${hours} h of traffic in ${r.wallS.toFixed(1)} s wall  offered ${r.offered}  answered ${r.answered}  abandoned ${r.abandoned}  average wait ${r.avgWaitS.toFixed(1)} s  rss start/max/end ${r.rssStartMb.toFixed(0)}/${r.rssMaxMb.toFixed(0)}/${r.rssEndMb.toFixed(0)} MB`)
}
