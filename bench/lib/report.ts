/** bench/results.json and bench/results.md: the measured rows, the ratios and the goals. */
import type { CallsResult } from '../workloads/calls.js'
import type { DayResult, InboundResult } from '../workloads/center.js'
import { pushGoals, renderPush, type PushResult } from '../workloads/push.js'
import type { HeldResult, IdleResult } from '../workloads/scale.js'
import type { StartRow } from '../workloads/startup.js'
import type { RowResult } from '../workloads/throughput.js'
import type { TransferResult } from '../workloads/transfer.js'
import type { ProfileSummary } from './profile.js'
import type { Spread } from './stats.js'

/**
 * One goal of issue #6. `met` judges the figure the issue names (req/s, ms, MB); for rate goals
 * `metByCpu` judges the same ratio computed from server CPU time per request, which does not
 * depend on whether the load generator could saturate the server.
 */
export interface Goal { id: string, goal: string, target: string, measured: string, met: boolean | null, metByCpu?: boolean | null }

export interface Results {
  meta: {
    date: string
    commit: string
    node: string
    cpu: string
    cpus: number
    pinning: { server: string | undefined, load: string | undefined }
    quick: boolean
    peers: boolean
    workloads: string[]
    durationS: number
    warmupS: number
    reps: number
    connections: number
    heldPolls: number
    injectRate: number
    idleAgents: number
    wallS: number
    notes: string[]
  }
  throughput: RowResult[]
  calls: CallsResult[]
  held?: HeldResult
  idle?: IdleResult
  push?: PushResult
  startup?: StartRow[]
  inbound?: InboundResult
  day?: DayResult
  transfers?: TransferResult
  goals: Goal[]
  profiles: ProfileSummary[]
}

const fmt = (x: number | undefined, digits = 0): string => x === undefined || !Number.isFinite(x)
  ? '–'
  : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const range = (s: Spread | undefined, digits = 0): string => s === undefined ? '–' : `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`
const pct = (x: number): string => Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–'
const times = (x: number): string => Number.isFinite(x) ? `${x.toFixed(2)}×` : '–'

function rps (rows: RowResult[], id: string): number {
  return rows.find(r => r.id === id)?.summary?.rps.median ?? Number.NaN
}

/** Server CPU µs per request (median): 1e6 / this is what one saturated core would serve. */
function cpuUs (rows: RowResult[], id: string): number {
  return rows.find(r => r.id === id)?.summary?.cpuUs.median ?? Number.NaN
}

export function evaluateGoals (r: Omit<Results, 'goals'>): Goal[] {
  const goals: Goal[] = []
  const t = r.throughput
  const fastify = rps(t, 'fastify')
  for (const w of ['a', 'b', 'c']) {
    for (const lean of [false, true]) {
      const id = lean ? `${w}-lean` : w
      const row = t.find(x => x.id === id)
      if (row === undefined) continue
      const mine = rps(t, id)
      const need = lean ? 0.85 : 0.6
      const cpuRatio = cpuUs(t, 'fastify') / cpuUs(t, id)
      goals.push({
        id: `${id}-rate`,
        goal: `${w}: req/s vs bare Fastify, ${lean ? 'lean (log warn, journal off)' : 'default logging and journal'}`,
        target: `≥ ${pct(need)}`,
        measured: `${pct(mine / fastify)} (${fmt(mine)} vs ${fmt(fastify)} req/s); by server CPU per request ${pct(cpuRatio)}`,
        met: Number.isFinite(mine / fastify) ? mine / fastify >= need : null,
        metByCpu: Number.isFinite(cpuRatio) ? cpuRatio >= need : null
      })
      const p99 = row.summary?.p99.median ?? Number.NaN
      goals.push({ id: `${id}-p99`, goal: `${w}${lean ? ' (lean)' : ''}: p99 at ${r.meta.connections} connections`, target: '< 25 ms', measured: `${fmt(p99, 1)} ms`, met: Number.isFinite(p99) ? p99 < 25 : null })
    }
  }
  const d = r.calls.find(c => c.id === 'd')
  if (d !== undefined) {
    const v = d.summary?.callsPerS.median ?? Number.NaN
    const capacity = 1e6 / (d.summary?.cpuUsPerCall.median ?? Number.NaN)
    goals.push({
      id: 'd-calls',
      goal: 'd: complete internal calls per second (peer 9002, caller polls every event)',
      target: '≥ 500/s',
      measured: `${fmt(v)}/s (server CPU per call: ${fmt(capacity)} calls/s per core)`,
      met: Number.isFinite(v) ? v >= 500 : null,
      metByCpu: Number.isFinite(capacity) ? capacity >= 500 : null
    })
  }
  if (r.held !== undefined) {
    const s = r.held.summary
    const p99 = s?.p99.median ?? Number.NaN
    const rss = Math.max(s?.rssHeldMb.median ?? Number.NaN, s?.rssAfterMb.median ?? Number.NaN)
    goals.push({ id: 'e-p99', goal: `e: ${fmt(r.held.agents)} held polls, produce→delivered p99`, target: '< 20 ms', measured: `${fmt(p99, 1)} ms`, met: Number.isFinite(p99) ? p99 < 20 : null })
    goals.push({ id: 'e-rss', goal: `e: RSS with ${fmt(r.held.agents)} held polls`, target: '< 300 MB', measured: `${fmt(rss)} MB (${fmt(s?.kbPerHeldPoll.median, 1)} KB per held poll)`, met: Number.isFinite(rss) ? rss < 300 : null })
  }
  if (r.idle !== undefined) {
    const v = r.idle.summary?.rssMb.median ?? Number.NaN
    goals.push({ id: 'f-rss', goal: `f: RSS with ${fmt(r.idle.agents)} signed-in idle agents`, target: '< 500 MB', measured: `${fmt(v)} MB`, met: Number.isFinite(v) ? v < 500 : null })
  }
  if (r.inbound !== undefined) {
    const s = r.inbound.summary
    const p99 = s?.p99.median ?? Number.NaN
    const bad = (s?.lost.max ?? Number.NaN) + (s?.stuck.max ?? Number.NaN)
    goals.push({ id: 'h-p99', goal: `h: ${fmt(r.inbound.agents)} auto-answer agents, ${fmt(r.inbound.rate)} customers/s, arrival→Auto_Answer p99 (after the warm-up customers)`, target: '< 10 ms', measured: `${fmt(p99, 1)} ms (warm-up customers: ${fmt(s?.warmP99.median, 1)} ms)`, met: Number.isFinite(p99) ? p99 < 10 : null })
    goals.push({ id: 'h-lost', goal: 'h: customers lost or stuck', target: '0', measured: fmt(bad), met: Number.isFinite(bad) ? bad === 0 : null })
  }
  if (r.day !== undefined) {
    const s = r.day.summary
    const wall = s?.wallS.median ?? Number.NaN
    const rss = s?.rssMaxMb.max ?? Number.NaN
    goals.push({ id: 'i-wall', goal: `i: ${r.day.hours} h of traffic at ${r.day.perSecond}/s with ${fmt(r.day.colleagues)} colleagues, wall time`, target: '< 30 s', measured: `${fmt(wall, 1)} s`, met: Number.isFinite(wall) ? wall < 30 : null })
    goals.push({ id: 'i-rss', goal: 'i: RSS over the day', target: '< 300 MB', measured: `${fmt(rss)} MB`, met: Number.isFinite(rss) ? rss < 300 : null })
  }
  if (r.transfers !== undefined) {
    const s = r.transfers.summary
    const rate = s?.flowsPerS.median ?? Number.NaN
    const bad = (s?.errors.max ?? Number.NaN) + (s?.leftCalls.max ?? Number.NaN)
    const capacity = 1e6 / (s?.cpuUsPerFlow.median ?? Number.NaN)
    goals.push({
      id: 'k-rate',
      goal: `k: complete consult-transfer flows (customer → A → consult B → transfer complete → B releases), ${r.transfers.pairs} pairs`,
      target: '≥ 500/s',
      measured: `${fmt(rate)}/s (server CPU per flow: ${fmt(capacity)} flows/s per core)`,
      met: Number.isFinite(rate) ? rate >= 500 : null,
      metByCpu: Number.isFinite(capacity) ? capacity >= 500 : null
    })
    goals.push({ id: 'k-errors', goal: 'k: failed flows and calls left over', target: '0', measured: fmt(bad), met: Number.isFinite(bad) ? bad === 0 : null })
  }
  if (r.startup !== undefined) {
    const g = r.startup.find(x => x.id === 'g')?.summary
    const f = r.startup.find(x => x.id === 'fastify')?.summary
    const ratio = (g?.startMs.median ?? Number.NaN) / (f?.startMs.median ?? Number.NaN)
    goals.push({ id: 'g-start', goal: 'g: start to ready vs bare Fastify', target: '≤ 1.5×', measured: `${times(ratio)} (${fmt(g?.startMs.median)} vs ${fmt(f?.startMs.median)} ms)`, met: Number.isFinite(ratio) ? ratio <= 1.5 : null })
    const rss = g?.idleRssMb.median ?? Number.NaN
    goals.push({ id: 'g-rss', goal: 'g: idle RSS of the CLI', target: '< 120 MB', measured: `${fmt(rss)} MB`, met: Number.isFinite(rss) ? rss < 120 : null })
  }
  const peers: Array<[string, number]> = [['wiremock', 2], ['prism', 5], ['mockoon', 10]]
  for (const [peer, need] of peers) {
    const p = rps(t, peer)
    if (!t.some(x => x.id === peer)) continue
    for (const w of ['a', 'b', 'c']) {
      const mine = rps(t, w)
      if (!t.some(x => x.id === w)) continue
      const byCpu = cpuUs(t, peer) / cpuUs(t, w)
      goals.push({
        id: `${w}-vs-${peer}`,
        goal: `${w} (default logging) vs ${peer} static stand-in`,
        target: `≥ ${need}×`,
        measured: `${times(mine / p)} (${fmt(mine)} vs ${fmt(p)} req/s); by server CPU per request ${times(byCpu)}`,
        met: Number.isFinite(mine / p) ? mine / p >= need : null,
        metByCpu: Number.isFinite(byCpu) ? byCpu >= need : null
      })
    }
  }
  if (r.push !== undefined) goals.push(...pushGoals(r.push, fmt))
  return goals
}

export function renderMarkdown (r: Results): string {
  const m = r.meta
  const out: string[] = []
  const t = r.throughput
  const fastify = rps(t, 'fastify')
  const raw = rps(t, 'raw')
  out.push('# cc-gateway-mock benchmark results', '')
  out.push(`Run ${m.date} · commit ${m.commit} · node ${m.node} · ${m.cpus} × ${m.cpu} · server on CPU ${m.pinning.server ?? '(not pinned)'}, load generator on CPU ${m.pinning.load ?? '(not pinned)'} · ` +
    `${m.quick ? 'QUICK SMOKE RUN (figures are not meaningful) · ' : ''}${m.reps} repetition(s) of ${m.durationS} s after ${m.warmupS} s warm-up · ${m.connections} connections · wall time ${fmt(m.wallS)} s.`)
  out.push('', 'Figures are the median of the repetitions with (min–max). How to read them: [README.md](README.md).', '')
  if (m.notes.length > 0) { out.push('Notes:', ''); for (const n of m.notes) out.push(`- ${n}`); out.push('') }

  out.push('## Request rate (autocannon)', '')
  out.push('| row | config | req/s | × bare Fastify | × raw node | p50 ms | p99 ms | errors | RSS after load MB | start→ready ms | server CPU µs/req | × bare Fastify by CPU | CPU wait server / bench % |')
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const row of t) {
    const s = row.summary
    const v = s?.rps.median ?? Number.NaN
    out.push(`| ${row.label} | ${row.config} | ${range(s?.rps)} | ${times(v / fastify)} | ${times(v / raw)} | ${range(s?.p50, 1)} | ${range(s?.p99, 1)} | ${fmt(s?.errors.max)} | ${range(s?.rssMb)} | ${range(s?.startMs)} | ${range(s?.cpuUs)} | ${times(cpuUs(t, 'fastify') / (s?.cpuUs.median ?? Number.NaN))} | ${fmt(s?.waitServer.median)} / ${fmt(s?.waitBench.median)} |`)
  }
  const rowNotes = t.filter(x => x.notes.length > 0)
  if (rowNotes.length > 0) { out.push(''); for (const x of rowNotes) out.push(`- ${x.id}: ${x.notes.join('; ')}`) }
  out.push('')

  if (r.calls.length > 0) {
    out.push('## d. Complete internal calls', '')
    out.push('| row | config | callers | calls/s | req/s | call p50 ms | call p99 ms | errors | RSS after MB | server CPU µs/call | CPU wait server / bench % |')
    out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for (const c of r.calls) {
      const s = c.summary
      out.push(`| ${c.label} | ${c.config} | ${c.callers} | ${range(s?.callsPerS)} | ${range(s?.reqPerS)} | ${range(s?.p50, 1)} | ${range(s?.p99, 1)} | ${fmt(s?.errors.max)} | ${range(s?.rssMb)} | ${range(s?.cpuUsPerCall)} | ${fmt(s?.waitServer.median)} / ${fmt(s?.waitBench.median)} |`)
    }
    for (const c of r.calls.filter(x => x.notes.length > 0)) out.push('', `- ${c.id}: ${c.notes.join('; ')}`)
    out.push('')
  }

  if (r.held !== undefined) {
    const s = r.held.summary
    out.push('## e. Held long polls', '')
    out.push(`${fmt(r.held.agents)} agents each hold \`GET agentevent\`; one event per agent is produced (\`POST saybusy\`, ${fmt(r.held.injectRate)}/s, random order) and timed from sending the request to receiving the event on the held poll. Config: ${r.held.config}.`, '')
    out.push('| held polls | produce→delivered p50 ms | p99 ms | max ms | saybusy round trip p99 ms | delivered | errors | longest loop stall: server / bench ms | longest server GC pause ms | CPU wait server / bench % |')
    out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    out.push(`| ${range(s?.held)} | ${range(s?.p50, 1)} | ${range(s?.p99, 1)} | ${range(s?.max, 1)} | ${range(s?.produceP99, 1)} | ${range(s?.delivered)} | ${fmt(s?.errors.max)} | ${range(s?.serverLoopMaxMs)} / ${range(s?.clientLoopMaxMs)} | ${range(s?.serverGcMaxMs, 1)} | ${fmt(s?.waitServer.median)} / ${fmt(s?.waitBench.median)} |`)
    out.push('', '| RSS idle MB | RSS signed in MB | RSS polls held MB | RSS after MB | KB per held poll |', '|---:|---:|---:|---:|---:|')
    out.push(`| ${range(s?.rssIdleMb)} | ${range(s?.rssSignedInMb)} | ${range(s?.rssHeldMb)} | ${range(s?.rssAfterMb)} | ${range(s?.kbPerHeldPoll, 1)} |`)
    if (r.held.notes.length > 0) out.push('', `- ${r.held.notes.join('; ')}`)
    out.push('')
  }

  if (r.idle !== undefined) {
    const s = r.idle.summary
    out.push('## f. Footprint of idle agents', '')
    out.push(`Config: ${r.idle.config}. Agents are signed in over HTTP (64 at a time) and left idle (their two sign-in events stay queued).`, '')
    out.push('| agents | RSS before MB | RSS with agents MB | KB per agent | sign-ins/s |')
    out.push('|---:|---:|---:|---:|---:|')
    out.push(`| ${fmt(r.idle.agents)} | ${range(s?.rssIdleMb)} | ${range(s?.rssMb)} | ${range(s?.kbPerAgent, 2)} | ${range(s?.signInsPerS)} |`)
    if (r.idle.notes.length > 0) out.push('', `- ${r.idle.notes.join('; ')}`)
    out.push('')
  }

  if (r.inbound !== undefined) {
    const s = r.inbound.summary
    out.push('## h. Customers calling in', '')
    out.push(`${fmt(r.inbound.agents)} agents signed in with auto answer hold \`GET agentevent\`; customers arrive through \`POST /__mock/customers\` at ${fmt(r.inbound.rate)}/s, alternating two hotlines, and talk 1 s: ${fmt(r.inbound.warmupS)} s of warm-up customers (their first answers and releases compile the inbound path; timed apart), then ${fmt(r.inbound.seconds)} s counted. Timed from sending the customer's call to \`AgentEvent_Auto_Answer\` on an agent's held poll. Lost and stuck count both phases. Config: ${r.inbound.config}.`, '')
    out.push('| warm-up p99 ms | warm-up max ms | arrival→Auto_Answer p50 ms | p99 ms | max ms | answered (both phases) | lost | stuck in a queue | errors | RSS MB | server CPU µs/customer | longest stall server / bench ms | longest GC ms | CPU wait server / bench % | CPU steal % (machine) |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    out.push(`| ${range(s?.warmP99, 1)} | ${range(s?.warmMax, 1)} | ${range(s?.p50, 1)} | ${range(s?.p99, 1)} | ${range(s?.max, 1)} | ${range(s?.answered)} | ${fmt(s?.lost.max)} | ${fmt(s?.stuck.max)} | ${fmt(s?.errors.max)} | ${range(s?.rssMb)} | ${range(s?.cpuUsPerCustomer)} | ${fmt(s?.serverLoopMaxMs.median, 1)} / ${fmt(s?.clientLoopMaxMs.median, 1)} | ${fmt(s?.serverGcMaxMs.median, 1)} | ${fmt(s?.waitServer.median)} / ${fmt(s?.waitBench.median)} | ${range(s?.stealPct, 1)} |`)
    if (r.inbound.notes.length > 0) out.push('', `- ${r.inbound.notes.join('; ')}`)
    out.push('')
  }

  if (r.transfers !== undefined) {
    const s = r.transfers.summary
    out.push('## k. Consult transfers', '')
    out.push(`${r.transfers.pairs} pairs of auto-answer agents run complete flows back to back for ${r.transfers.seconds} s: a customer calls A (\`POST /__mock/customers\`), A consults B (\`innerhelp\`), completes the transfer (\`connecthold\`), B releases. Config: ${r.transfers.config}.`, '')
    out.push('| flows/s | flow p50 ms | flow p99 ms | errors | calls left | RSS MB | server CPU µs/flow | CPU wait server / bench % |', '|---:|---:|---:|---:|---:|---:|---:|---:|')
    out.push(`| ${range(s?.flowsPerS)} | ${range(s?.p50, 1)} | ${range(s?.p99, 1)} | ${fmt(s?.errors.max)} | ${fmt(s?.leftCalls.max)} | ${range(s?.rssMb)} | ${range(s?.cpuUsPerFlow)} | ${fmt(s?.waitServer.median)} / ${fmt(s?.waitBench.median)} |`)
    if (r.transfers.notes.length > 0) out.push('', `- ${r.transfers.notes.join('; ')}`)
    out.push('')
  }

  if (r.day !== undefined) {
    const s = r.day.summary
    out.push('## i. A day on the virtual clock', '')
    out.push(`${fmt(r.day.colleagues)} simulated colleagues; Poisson arrivals at ${fmt(r.day.perSecond)}/s over two hotlines; \`POST /__mock/clock/advance\` one hour at a time for ${r.day.hours} h. Config: ${r.day.config}.`, '')
    out.push('| wall s | RSS start MB | RSS max MB | RSS end MB | offered | answered | abandoned | average wait s |', '|---:|---:|---:|---:|---:|---:|---:|---:|')
    out.push(`| ${range(s?.wallS, 1)} | ${range(s?.rssStartMb)} | ${range(s?.rssMaxMb)} | ${range(s?.rssEndMb)} | ${range(s?.offered)} | ${range(s?.answered)} | ${range(s?.abandoned)} | ${range(s?.avgWaitS, 1)} |`)
    out.push('', `RSS after each hour (max over repetitions), MB: ${r.day.rssByHour.map(x => fmt(x)).join(', ')}`)
    if (r.day.notes.length > 0) out.push('', `- ${r.day.notes.join('; ')}`)
    out.push('')
  }

  if (r.startup !== undefined) {
    const f = r.startup.find(x => x.id === 'fastify')?.summary?.startMs.median ?? Number.NaN
    out.push('## g. Start to ready', '')
    out.push('| row | spawn → first 200 ms | × bare Fastify | idle RSS MB (1 s after ready) |')
    out.push('|---|---:|---:|---:|')
    for (const row of r.startup) out.push(`| ${row.label} | ${range(row.summary?.startMs)} | ${times((row.summary?.startMs.median ?? Number.NaN) / f)} | ${range(row.summary?.idleRssMb)} |`)
    for (const row of r.startup.filter(x => x.notes.length > 0)) out.push('', `- ${row.id}: ${row.notes.join('; ')}`)
    out.push('')
  }

  const verdict = (v: boolean | null | undefined): string => v === undefined ? '' : v === null ? 'not measured' : v ? 'yes' : '**no**'
  if (r.push !== undefined) out.push(...renderPush(r.push, range, fmt))
  out.push('## Goals (issue #6; j: issue #12)', '')
  out.push('"met" judges the figure the issue names; "met by CPU" judges the same ratio from server CPU time per request, which holds even when the load generator (not the server) was the limit.', '')
  out.push('| goal | target | measured | met | met by CPU |')
  out.push('|---|---|---|---|---|')
  for (const g of r.goals) out.push(`| ${g.goal} | ${g.target} | ${g.measured} | ${verdict(g.met)} | ${verdict(g.metByCpu)} |`)
  out.push('')

  if (r.profiles.length > 0) {
    out.push('## CPU profiles of the mock (node --cpu-prof)', '')
    for (const p of r.profiles) {
      out.push(`### ${p.file} (busy ${fmt(p.busyMs)} ms, idle ${fmt(p.idleMs)} ms)`, '')
      out.push('| module | self ms | share of busy |', '|---|---:|---:|')
      for (const h of p.modules.slice(0, 10)) out.push(`| ${h.name} | ${fmt(h.ms)} | ${h.share}% |`)
      out.push('', '| function | self ms | share of busy |', '|---|---:|---:|')
      for (const h of p.functions.slice(0, 12)) out.push(`| \`${h.name}\` | ${fmt(h.ms)} | ${h.share}% |`)
      out.push('')
    }
  }
  return out.join('\n')
}
