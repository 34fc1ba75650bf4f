/**
 * Workload g: process spawn → first 200 from GET /__mock/ready of the real CLI (the package's bin,
 * `dist/cli.bundle.js` where the build bundles it, else `dist/cli.js`; default world and logging),
 * against bare Fastify's and raw node:http's spawn → first 200; then the idle RSS one second after
 * ready. Interleaved, at least five repetitions (it is cheap).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { checkBudget, type Ctx } from '../lib/context.js'
import { rssMb } from '../lib/proc.js'
import { cliEntry, startBareFastify, startCli, startRawNode, type Started } from '../lib/servers.js'
import { spreadOf, type Spread } from '../lib/stats.js'

export interface StartRep { startMs: number, idleRssMb: number }
const KEYS = ['startMs', 'idleRssMb'] as const

export interface StartRow { id: string, label: string, reps: StartRep[], summary?: Record<typeof KEYS[number], Spread>, notes: string[] }

export async function runStartup (ctx: Ctx): Promise<StartRow[]> {
  const rows: Array<{ row: StartRow, start: (c: Ctx) => Promise<Started> }> = [
    { row: { id: 'g', label: `g. mock CLI (node ${cliEntry()}, the package bin): spawn → 200 /__mock/ready`, reps: [], notes: [] }, start: async c => await startCli(c) },
    { row: { id: 'fastify', label: 'bare Fastify: spawn → first 200', reps: [], notes: [] }, start: startBareFastify },
    { row: { id: 'raw', label: 'raw node:http: spawn → first 200', reps: [], notes: [] }, start: startRawNode }
  ]
  const reps = Math.max(ctx.opts.reps, ctx.opts.quick ? 1 : 5)
  for (let rep = 1; rep <= reps; rep++) {
    for (const { row, start } of rows) {
      checkBudget(ctx, 'workload g')
      try {
        const s = await start(ctx)
        try {
          await sleep(1000)
          row.reps.push({ startMs: s.startMs, idleRssMb: rssMb(s.m.pid) })
        } finally { await s.m.stop() }
      } catch (err) {
        row.notes.push(`rep ${rep} failed: ${(err as Error).message.slice(0, 300)}`)
      }
    }
  }
  for (const { row } of rows) {
    if (row.reps.length > 0) row.summary = spreadOf(row.reps, KEYS)
    const m = row.summary
    if (m !== undefined) ctx.log(`  ${row.id.padEnd(8)} start ${m.startMs.median.toFixed(0)} ms (${m.startMs.min.toFixed(0)}–${m.startMs.max.toFixed(0)})  idle rss ${m.idleRssMb.median.toFixed(0)} MB`)
  }
  return rows.map(r => r.row)
}
