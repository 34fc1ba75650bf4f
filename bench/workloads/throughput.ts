/**
 * Request-rate rows, all driven by autocannon at the same connection count: the reference servers
 * (raw node:http, bare Fastify), the mock's workloads a–c (default config and lean config) and the
 * peers' static callinner stand-ins. Repetitions are interleaved (rep 1 of every row, then rep 2,
 * ...) so slow drift of the machine hits every row alike; each measurement gets a fresh server.
 */
import type autocannon from 'autocannon'
import { setTimeout as sleep } from 'node:timers/promises'
import { repetition, type Ctx, type Workload } from '../lib/context.js'
import { Client, GW, signInAll } from '../lib/http.js'
import { measure, type LoadSpec } from '../lib/load.js'
import { CpuWindow, rssMb, type MockStats } from '../lib/proc.js'
import {
  CALLINNER_BODY, CALLINNER_PATH, peerLabels, startBareFastify, startMock, startPeer, startRawNode,
  type PeerId, type Started
} from '../lib/servers.js'
import { spreadOf, type Spread } from '../lib/stats.js'

export interface RepResult {
  rps: number
  p50: number
  p99: number
  errors: number
  rssMb: number
  startMs: number
  /** % of the counted run the server / the bench waited for their CPU (taken by other processes). */
  waitServer: number
  waitBench: number
  /** Server CPU time (user + system, all threads) per request of the counted run, µs. */
  cpuUs: number
}
export const REP_KEYS = ['rps', 'p50', 'p99', 'errors', 'rssMb', 'startMs', 'waitServer', 'waitBench', 'cpuUs'] as const

export interface RowResult {
  id: string
  group: 'reference' | 'mock' | 'peer'
  workload?: Workload
  lean?: boolean
  label: string
  config: string
  reps: RepResult[]
  summary?: Record<typeof REP_KEYS[number], Spread>
  notes: string[]
}

interface Row {
  id: string
  group: RowResult['group']
  workload?: Workload
  lean?: boolean
  label: string
  config: string
  warmupFactor?: number
  start: (ctx: Ctx) => Promise<Started>
  /** Load spec for this server; may sign agents in first. `after` runs once the counted run is over. */
  prepare: (ctx: Ctx, s: Started) => Promise<{ spec: LoadSpec, between?: () => Promise<void>, after?: () => Promise<string[]> }>
}

const callinnerSpec = (s: Started, ctx: Ctx): LoadSpec => ({
  port: s.port,
  connections: ctx.opts.connections,
  method: 'PUT',
  path: CALLINNER_PATH,
  body: CALLINNER_BODY,
  headers: { 'content-type': 'application/json' }
})

/** The flags every mock row runs with: agents are never signed out; b and c never drop events. */
const MOCK_FLAGS = ['--inactivity-timeout-ms', '0', '--queue-cap', '1000000']
/** The lean config: warn-level logging and, where the build has one, no request journal. */
const leanFlags = (ctx: Ctx): string[] => ['--log-level', 'warn', ...(ctx.journal ? ['--journal-size', '0'] : [])]

const retcodeZero = (body: string | Buffer | undefined): boolean => String(body).includes('"retcode":"0"')
const hasEvent = (body: string | Buffer | undefined): boolean => { const b = String(body); return b.includes('"retcode":"0"') && b.includes('"event":{') }

/** Per connection, one signed-in agent: connection i acts for agent i (round robin). */
function perAgent (s: Started, ctx: Ctx, guids: Map<string, string>, build: (id: string, guid: string) => autocannon.Request[]): LoadSpec {
  const lists = [...guids].map(([id, guid]) => build(id, guid))
  let n = 0
  return {
    port: s.port,
    connections: ctx.opts.connections,
    setupClient: (client) => { client.setRequests(lists[n++ % lists.length]!) }
  }
}

/** Upper bound for how many polls workload c may make, to size the pre-filled queues. */
let rateCeiling = 20000

async function signInFor (ctx: Ctx, s: Started, first: number): Promise<Map<string, string>> {
  const client = new Client(s.port, { maxSockets: 16 })
  try {
    const ids = Array.from({ length: ctx.opts.connections }, (_, i) => String(first + i))
    return await signInAll(client, ids, 16, 60000)
  } finally { client.destroy() }
}

function mockRow (ctx: Ctx, w: 'a' | 'b' | 'c', lean: boolean): Row {
  const flags = [...MOCK_FLAGS, ...(lean ? leanFlags(ctx) : []), ...ctx.opts.mockFlags]
  const what = {
    a: 'GET onlineagent/{id}/agentstatus with Guid',
    b: 'POST saybusy / cancelbusy alternating',
    c: 'GET agentevent/{id}, events waiting'
  }[w]
  return {
    id: lean ? `${w}-lean` : w,
    group: 'mock',
    workload: w,
    lean,
    label: `${w}. ${what}${lean ? ' (lean)' : ''}`,
    config: `${lean ? 'lean: ' : 'log info + journal (defaults), '}${flags.join(' ')}`,
    start: async (ctx) => await startMock(ctx, flags, lean ? `${w}-lean` : w),
    prepare: async (ctx, s) => {
      const guids = await signInFor(ctx, s, 2001)
      if (w === 'a') {
        const spec = perAgent(s, ctx, guids, (id, guid) => [{ method: 'GET', path: `${GW}/onlineagent/${id}/agentstatus`, headers: { guid } }])
        return { spec: { ...spec, verifyBody: retcodeZero } }
      }
      if (w === 'b') {
        const spec = perAgent(s, ctx, guids, (id, guid) => [
          { method: 'POST', path: `${GW}/onlineagent/${id}/saybusy`, headers: { guid } },
          { method: 'POST', path: `${GW}/onlineagent/${id}/cancelbusy`, headers: { guid } }
        ])
        // The warm-up may stop between saybusy and cancelbusy: every agent starts the counted run idle.
        const between = async (): Promise<void> => {
          await sleep(200)
          const client = new Client(s.port, { maxSockets: 16 })
          try {
            await Promise.all([...guids].map(async ([id, guid]) => await client.request('POST', `${GW}/onlineagent/${id}/cancelbusy`, { guid, timeoutMs: 10000 })))
          } finally { client.destroy() }
        }
        return { spec: { ...spec, verifyBody: retcodeZero }, between }
      }
      // c: every agent's queue pre-filled (in-process, through sayBusy/cancelBusy) with more events
      // than the fastest server here could deliver in the warm-up and counted run together.
      const secs = ctx.opts.warmup + ctx.opts.duration
      const perAgentEvents = Math.ceil(rateCeiling * secs * 1.3 / guids.size) + 50
      await s.control!.send({ cmd: 'fill', agents: [...guids.keys()], perAgent: perAgentEvents }, 60000)
      const spec = perAgent(s, ctx, guids, (id, guid) => [{ method: 'GET', path: `${GW}/agentevent/${id}`, headers: { guid } }])
      return {
        spec: { ...spec, verifyBody: hasEvent },
        after: async () => {
          const st = await s.control!.send<MockStats>({ cmd: 'stats' })
          return st.minQueue > 0 ? [] : ['an event queue ran dry: some polls were held instead of answered at once']
        }
      }
    }
  }
}

function peerRow (peer: PeerId): Row {
  return {
    id: peer,
    group: 'peer',
    label: `${peerLabels[peer]}: static PUT callinner`,
    config: peer === 'wiremock-lean' ? '--no-request-journal --disable-request-logging' : peer === 'mockoon' ? 'defaults, -X (no log file)' : 'defaults',
    warmupFactor: peer.startsWith('wiremock') ? 2 : 1,
    start: async (ctx) => await startPeer(ctx, peer),
    prepare: async (ctx, s) => ({ spec: callinnerSpec(s, ctx) })
  }
}

export function throughputRows (ctx: Ctx, peers: PeerId[]): Row[] {
  const rows: Row[] = [
    {
      id: 'raw',
      group: 'reference',
      label: 'raw node:http: PUT callinner JSON',
      config: 'no framework, no logging',
      start: startRawNode,
      prepare: async (c, s) => ({ spec: callinnerSpec(s, c) })
    },
    {
      id: 'fastify',
      group: 'reference',
      label: 'bare Fastify: PUT callinner route',
      config: 'logger off, one route',
      start: startBareFastify,
      prepare: async (c, s) => ({ spec: callinnerSpec(s, c) })
    }
  ]
  for (const lean of [false, true]) {
    for (const w of ['a', 'b', 'c'] as const) if (ctx.opts.only.has(w)) rows.push(mockRow(ctx, w, lean))
  }
  for (const p of peers) rows.push(peerRow(p))
  return rows
}

async function runOnce (ctx: Ctx, row: Row): Promise<{ rep: RepResult, notes: string[] }> {
  const s = await row.start(ctx)
  try {
    const { spec, between, after } = await row.prepare(ctx, s)
    let win: CpuWindow | undefined
    const r = await measure(spec, ctx.opts.warmup * (row.warmupFactor ?? 1), ctx.opts.duration, async () => {
      await between?.()
      win = new CpuWindow(s.m.pid)
    })
    const w = win!.read()
    const rss = rssMb(s.m.pid)
    const notes = after === undefined ? [] : await after()
    return { rep: { rps: r.rps, p50: r.p50, p99: r.p99, errors: r.errors, rssMb: rss, startMs: s.startMs, waitServer: w.waitServer, waitBench: w.waitBench, cpuUs: w.serverCpuMs * 1000 / Math.max(1, r.requests) }, notes }
  } finally {
    await s.m.stop()
  }
}

export async function runThroughput (ctx: Ctx, rows: Row[]): Promise<RowResult[]> {
  const results: RowResult[] = rows.map(r => ({ id: r.id, group: r.group, workload: r.workload, lean: r.lean, label: r.label, config: r.config, reps: [], notes: [] }))
  const broken = new Set<string>()
  for (let rep = 1; rep <= ctx.opts.reps; rep++) {
    for (const [i, row] of rows.entries()) {
      if (broken.has(row.id)) continue
      const res = results[i]!
      const done = await repetition(ctx, res, rep, row.id, () => runOnce(ctx, row), r =>
        `${row.id.padEnd(14)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors}  rss ${r.rssMb.toFixed(0)} MB  start ${r.startMs.toFixed(0)} ms  cpu ${r.cpuUs.toFixed(0)} µs/req  cpu wait server ${r.waitServer.toFixed(0)}% bench ${r.waitBench.toFixed(0)}%`)
      if (done && row.id === 'raw') rateCeiling = Math.max(rateCeiling, res.reps.at(-1)!.rps * 1.2)
      // A peer that failed once (not installed, would not start) is not tried again.
      if (!done && row.group === 'peer') broken.add(row.id)
    }
  }
  for (const r of results) if (r.reps.length > 0) r.summary = spreadOf(r.reps, REP_KEYS)
  return results
}
