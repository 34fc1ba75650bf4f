/**
 * Call control (issue #13).
 *
 * Workload k (consult transfers): P pairs of auto-answer agents (A, B); each pair runs complete
 * consult-transfer flows back to back: a customer calls A (`POST /__mock/customers {"agent":A}`),
 * A consults B (`innerhelp`, which holds the customer), A completes the transfer
 * (`connecthold/{customer's callid}`: A leaves, B talks with the customer on the same callid), and
 * B releases. Every answer must be retcode 0; at the end no call may be left. Reported, after a
 * warm-up: complete flows per second (four requests each) and the p99 of one flow, and the
 * server's CPU per flow (what one core can serve, whatever the load generator managed).
 */
import { repeated, type Ctx } from '../lib/context.js'
import { Client, GW, parse, signInAll } from '../lib/http.js'
import { CpuWindow, rssMb } from '../lib/proc.js'
import { startMock } from '../lib/servers.js'
import { percentile, type Spread } from '../lib/stats.js'

/** `cpuUsPerFlow`: server CPU over the run per completed flow (1e6 / it = flows per second one core can serve); CPU wait % of each side. */
export interface TransferRep { pairs: number, flows: number, flowsPerS: number, p50: number, p99: number, errors: number, leftCalls: number, rssMb: number, cpuUsPerFlow: number, waitServer: number, waitBench: number }
const KEYS = ['flowsPerS', 'p50', 'p99', 'errors', 'leftCalls', 'rssMb', 'cpuUsPerFlow', 'waitServer', 'waitBench'] as const
export interface TransferResult { config: string, pairs: number, seconds: number, reps: TransferRep[], summary?: Record<typeof KEYS[number], Spread>, notes: string[] }

const FLAGS = ['--inactivity-timeout-ms', '0', '--log-level', 'warn']

async function flow (client: Client, a: string, b: string, ga: string, gb: string, n: number): Promise<void> {
  const ok = async (method: string, path: string, guid: string | undefined, body?: unknown): Promise<unknown> => {
    const ans = await client.request(method, path, { guid, body, timeoutMs: 30000 })
    const e = parse(ans)
    if (path.startsWith('/__mock')) { if (ans.status !== 200) throw new Error(`${path}: HTTP ${ans.status} ${ans.body.slice(0, 200)}`); return JSON.parse(ans.body) }
    if (e.retcode !== '0') throw new Error(`${path}: ${ans.body.slice(0, 200)}`)
    return e.result
  }
  const { callid } = await ok('POST', '/__mock/customers', undefined, { from: String(13900000000 + n), agent: a }) as { callid: string }
  await ok('POST', `${GW}/voicecall/${a}/innerhelp`, ga, { dstaddress: b, devicetype: 2, mode: 1 })
  await ok('POST', `${GW}/voicecall/${a}/connecthold/${callid}`, ga)
  await ok('DELETE', `${GW}/voicecall/${b}/release`, gb)
}

async function transferOnce (ctx: Ctx, pairs: number, seconds: number): Promise<TransferRep> {
  const s = await startMock(ctx, FLAGS, 'k')
  const client = new Client(s.port, { maxSockets: pairs * 2 + 8 })
  try {
    const ids = Array.from({ length: pairs * 2 }, (_, i) => String(30000 + i))
    const guids = await signInAll(client, ids, 32, 300000)
    const times: number[] = []
    let errors = 0
    let n = 0
    // A warm-up (--warmup) first, as for the other workloads: flows that end in it are not counted.
    const countFrom = performance.now() + ctx.opts.warmup * 1000
    const until = countFrom + seconds * 1000
    let win = new CpuWindow(s.m.pid)
    const countTimer = setTimeout(() => { win = new CpuWindow(s.m.pid) }, ctx.opts.warmup * 1000)
    const worker = async (p: number): Promise<void> => {
      const a = ids[2 * p]!
      const b = ids[2 * p + 1]!
      while (performance.now() < until) {
        const start = performance.now()
        try {
          await flow(client, a, b, guids.get(a)!, guids.get(b)!, n++)
          const done = performance.now()
          if (done >= countFrom) times.push(done - start)
        } catch (err) {
          errors++
          if (errors <= 3) ctx.log(`  k: ${(err as Error).message}`)
          if (errors > 100) throw new Error('workload k: more than 100 failed flows')
        }
      }
    }
    await Promise.all(Array.from({ length: pairs }, (_, p) => worker(p))).finally(() => { clearTimeout(countTimer) })
    const wall = (performance.now() - countFrom) / 1000
    const w = win.read()
    const left = (JSON.parse((await client.request('GET', '/__mock/calls', { timeoutMs: 30000 })).body) as { calls: unknown[] }).calls.length
    times.sort((x, y) => x - y)
    return { pairs, flows: times.length, flowsPerS: times.length / wall, p50: percentile(times, 50), p99: percentile(times, 99), errors, leftCalls: left, rssMb: rssMb(s.m.pid), cpuUsPerFlow: w.serverCpuMs * 1000 / Math.max(1, times.length), waitServer: w.waitServer, waitBench: w.waitBench }
  } finally {
    client.destroy()
    await s.m.stop()
  }
}

export async function runTransfers (ctx: Ctx): Promise<TransferResult> {
  const pairs = 16
  const seconds = ctx.opts.quick ? 3 : 10
  const res: TransferResult = { config: `--log-level warn; ${pairs} pairs of auto-answer agents, flows back to back per pair, counted after a ${ctx.opts.warmup} s warm-up`, pairs, seconds, reps: [], notes: [] }
  return await repeated(ctx, res, 'k', KEYS, () => transferOnce(ctx, pairs, seconds), r => `k: ${r.flows} flows in ${seconds} s = ${r.flowsPerS.toFixed(0)}/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors}  calls left ${r.leftCalls}  cpu ${r.cpuUsPerFlow.toFixed(0)} µs/flow (${(1e6 / r.cpuUsPerFlow).toFixed(0)} flows/s per core)  cpu wait server ${r.waitServer.toFixed(0)}% bench ${r.waitBench.toFixed(0)}%`)
}
