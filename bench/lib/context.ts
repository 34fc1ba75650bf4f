/** What every workload gets: the options, the core pinning, paths and a log line writer. */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Pinning } from './proc.js'
import { spreadOf, type Spread } from './stats.js'

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..')
export const ROOT_DIR = join(BENCH_DIR, '..')

export const WORKLOADS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'] as const
export type Workload = typeof WORKLOADS[number]

export interface Options {
  quick: boolean
  peers: boolean
  only: Set<Workload>
  /** Counted seconds per throughput measurement. */
  duration: number
  /** Warm-up seconds before counting. */
  warmup: number
  reps: number
  connections: number
  /** Workload e: agents holding a long poll. */
  heldPolls: number
  /** Workload e: events injected per second. */
  injectRate: number
  /** Workload f: idle signed-in agents. */
  idleAgents: number
  /** Workload j: push-mode agents, events produced per second, seconds the receiver is down. */
  pushAgents: number
  pushRate: number
  pushDown: number
  /** Run the mock's rows with --cpu-prof and summarise the hot spots. */
  profile: boolean
  /** Extra flags for the mock in workloads a–c. */
  mockFlags: string[]
  /** Output path without extension (results.md / results.json). */
  out: string
  /** Hard limit for the whole run, seconds. */
  budget: number
}

export interface Ctx {
  opts: Options
  pin: Pinning
  notes: string[]
  /** performance.now() after which every loop gives up. */
  deadline: number
  log: (line: string) => void
  profileDir: string | undefined
  /** The mock build has a request journal (--journal-size; 0 turns it off). */
  journal: boolean
}

/** Throws if the run's time budget is spent, so every loop is bounded even if a server hangs. */
export function checkBudget (ctx: Ctx, what: string): void {
  if (performance.now() > ctx.deadline) throw new Error(`time budget of ${ctx.opts.budget} s spent (during ${what})`)
}

/** What every workload's result keeps across repetitions. */
export interface Repeated<R> { reps: R[], notes: string[] }

/** One repetition's figures, with the notes it wants in the report (said once however often). */
export type Outcome<R> = R | { rep: R, notes: string[] }

/**
 * Run one repetition of a workload row and keep what it gives: its figures in `res.reps`, its
 * notes (once each), its log line. A failed repetition is logged and noted, and the run goes on —
 * except when the time budget is spent, which stops the whole run. False when it failed.
 */
export async function repetition<R extends object> (ctx: Ctx, res: Repeated<R>, rep: number, label: string, run: () => Promise<Outcome<R>>, line: (r: R) => string): Promise<boolean> {
  checkBudget(ctx, `workload ${label}`)
  try {
    const out = await run()
    const r = 'rep' in out && 'notes' in out ? out.rep as R : out as R
    if ('rep' in out && 'notes' in out) for (const n of out.notes as string[]) if (!res.notes.includes(n)) res.notes.push(n)
    res.reps.push(r)
    ctx.log(`  rep ${rep} ${line(r)}`)
    return true
  } catch (err) {
    const msg = (err as Error).message
    ctx.log(`  rep ${rep} ${label}: FAILED: ${msg}`)
    res.notes.push(`rep ${rep} failed: ${msg.slice(0, 300)}`)
    if (msg.startsWith('time budget')) throw err
    return false
  }
}

/** A one-row workload: `ctx.opts.reps` repetitions of `run`, then the median (min–max) of `keys`. */
export async function repeated<R extends Record<K, number>, K extends string, T extends Repeated<R> & { summary?: Record<K, Spread> }> (ctx: Ctx, res: T, label: string, keys: readonly K[], run: () => Promise<Outcome<R>>, line: (r: R) => string): Promise<T> {
  for (let rep = 1; rep <= ctx.opts.reps; rep++) await repetition(ctx, res, rep, label, run, line)
  if (res.reps.length > 0) res.summary = spreadOf(res.reps, keys)
  return res
}
