/**
 * Workload d: complete internal calls. Each caller loops: `PUT callinner` → poll every event up to
 * AgentEvent_Talking → `DELETE release` → poll every event up to AgentState_Ready. Variant "peer":
 * the called party is simulated agent 9002 (answers at once); variant "pair": the called party is a
 * real signed-in agent (auto-answer) that polls its own events too, so both sides poll every event.
 * Calls per second count the calls completed inside the counted window (after the warm-up).
 */
import { repetition, type Ctx } from '../lib/context.js'
import { Client, GW, parse, signInAll } from '../lib/http.js'
import { CpuWindow, rssMb } from '../lib/proc.js'
import { startMock } from '../lib/servers.js'
import { percentile, spreadOf, type Spread } from '../lib/stats.js'

export type CallsVariant = 'peer' | 'pair'

export interface CallsRep { callsPerS: number, reqPerS: number, p50: number, p99: number, errors: number, rssMb: number, startMs: number, waitServer: number, waitBench: number, cpuUsPerCall: number }
const KEYS = ['callsPerS', 'reqPerS', 'p50', 'p99', 'errors', 'rssMb', 'startMs', 'waitServer', 'waitBench', 'cpuUsPerCall'] as const

export interface CallsResult {
  id: string
  variant: CallsVariant
  label: string
  config: string
  callers: number
  reps: CallsRep[]
  summary?: Record<typeof KEYS[number], Spread>
  notes: string[]
}

const FLAGS = ['--inactivity-timeout-ms', '0']
const MAX_POLLS = 40

interface Party { id: string, guid: string }

class CallDriver {
  requests = 0
  errors = 0
  readonly notes = new Set<string>()

  constructor (private readonly client: Client) {}

  private async req (method: string, path: string, p: Party, body?: unknown): Promise<ReturnType<typeof parse>> {
    this.requests++
    const a = await this.client.request(method, `${GW}${path}`, { guid: p.guid, body, timeoutMs: 15000 })
    if (a.status !== 200) throw new Error(`${method} ${path}: HTTP ${a.status}`)
    return parse(a)
  }

  /** Poll `p`'s events one by one until `type` arrives; every event is read. */
  async pollUntil (p: Party, type: string): Promise<void> {
    for (let i = 0; i < MAX_POLLS; i++) {
      const e = await this.req('GET', `/agentevent/${p.id}`, p)
      if (e.retcode !== '0') throw new Error(`poll ${p.id}: retcode ${String(e.retcode)}`)
      const t = e.event?.eventType
      if (t === undefined) throw new Error(`poll ${p.id}: no event while waiting for ${type}`)
      if (t === type) return
    }
    throw new Error(`poll ${p.id}: ${type} not among ${MAX_POLLS} events`)
  }

  /** One complete call; returns its duration in ms. */
  async call (caller: Party, callee: Party | undefined): Promise<number> {
    const t0 = performance.now()
    const placed = await this.req('PUT', `/voicecall/${caller.id}/callinner`, caller, { called: callee?.id ?? '9002' })
    if (placed.retcode !== '0') throw new Error(`callinner: retcode ${String(placed.retcode)} ${String(placed.message)}`)
    await Promise.all([this.pollUntil(caller, 'AgentEvent_Talking'), callee === undefined ? undefined : this.pollUntil(callee, 'AgentEvent_Talking')])
    const released = await this.req('DELETE', `/voicecall/${caller.id}/release`, caller)
    if (released.retcode !== '0') throw new Error(`release: retcode ${String(released.retcode)}`)
    await Promise.all([this.pollUntil(caller, 'AgentState_Ready'), callee === undefined ? undefined : this.pollUntil(callee, 'AgentState_Ready')])
    return performance.now() - t0
  }
}

async function once (ctx: Ctx, variant: CallsVariant): Promise<{ rep: CallsRep, notes: string[] }> {
  const s = await startMock(ctx, FLAGS, `d-${variant}`)
  const callers = variant === 'peer' ? ctx.opts.connections : Math.max(1, Math.floor(ctx.opts.connections / 2))
  const agents = variant === 'peer' ? callers : callers * 2
  const client = new Client(s.port, { maxSockets: agents + 8 })
  try {
    const ids = Array.from({ length: agents }, (_, i) => String(3001 + i))
    const guids = await signInAll(client, ids, 16, 60000)
    const parties = ids.map(id => ({ id, guid: guids.get(id)! }))
    const driver = new CallDriver(client)
    // Sign-in queued InService and Ready for every agent: read them first.
    await Promise.all(parties.map(async p => await driver.pollUntil(p, 'AgentState_Ready')))

    const t0 = performance.now()
    const countFrom = t0 + ctx.opts.warmup * 1000
    const stopAt = countFrom + ctx.opts.duration * 1000
    let reqAtCount = 0
    const durations: number[] = []
    const loop = async (caller: Party, callee: Party | undefined): Promise<void> => {
      for (let n = 0; n < 1e6 && performance.now() < stopAt && performance.now() < ctx.deadline; n++) {
        try {
          const ms = await driver.call(caller, callee)
          const done = performance.now()
          if (done >= countFrom && done <= stopAt) durations.push(ms)
        } catch (err) {
          driver.errors++
          driver.notes.add((err as Error).message.slice(0, 200))
          return // this caller's state is unknown now: it stops; the others go on
        }
      }
    }
    let win = new CpuWindow(s.m.pid)
    const countTimer = setTimeout(() => { reqAtCount = driver.requests; win = new CpuWindow(s.m.pid) }, ctx.opts.warmup * 1000)
    await Promise.all(Array.from({ length: callers }, async (_, i) =>
      await loop(parties[variant === 'peer' ? i : 2 * i]!, variant === 'peer' ? undefined : parties[2 * i + 1])))
    clearTimeout(countTimer)
    const w = win.read()
    const rss = rssMb(s.m.pid)
    const reqPerS = (driver.requests - reqAtCount) / Math.max(0.001, (performance.now() - countFrom) / 1000)
    return {
      rep: {
        callsPerS: durations.length / ctx.opts.duration,
        reqPerS,
        p50: percentile(durations, 50),
        p99: percentile(durations, 99),
        errors: driver.errors,
        rssMb: rss,
        startMs: s.startMs,
        waitServer: w.waitServer,
        waitBench: w.waitBench,
        // CPU of the whole counted window over the calls completed in it (the tail after stopAt is small).
        cpuUsPerCall: w.serverCpuMs * 1000 / Math.max(1, durations.length)
      },
      notes: [...driver.notes]
    }
  } finally {
    client.destroy()
    await s.m.stop()
  }
}

export async function runCalls (ctx: Ctx, variants: CallsVariant[]): Promise<CallsResult[]> {
  const results: CallsResult[] = variants.map(v => ({
    id: v === 'peer' ? 'd' : 'd-pair',
    variant: v,
    label: v === 'peer'
      ? 'd. complete internal calls, simulated peer 9002 answers, caller polls every event'
      : 'd. (pair) complete internal calls between two signed-in agents, both poll every event',
    config: `info log + journal (defaults), ${FLAGS.join(' ')}`,
    callers: v === 'peer' ? ctx.opts.connections : Math.max(1, Math.floor(ctx.opts.connections / 2)),
    reps: [],
    notes: []
  }))
  for (let rep = 1; rep <= ctx.opts.reps; rep++) {
    for (const [i, v] of variants.entries()) {
      const res = results[i]!
      await repetition(ctx, res, rep, `d (${v})`, () => once(ctx, v), r =>
        `${res.id.padEnd(14)} ${r.callsPerS.toFixed(0).padStart(7)} calls/s (${r.reqPerS.toFixed(0)} req/s)  call p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors}  rss ${r.rssMb.toFixed(0)} MB  cpu ${r.cpuUsPerCall.toFixed(0)} µs/call  cpu wait server ${r.waitServer.toFixed(0)}% bench ${r.waitBench.toFixed(0)}%`)
    }
  }
  for (const r of results) if (r.reps.length > 0) r.summary = spreadOf(r.reps, KEYS)
  return results
}
