/** What every workload gets: the options, the core pinning, paths and a log line writer. */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Pinning } from './proc.js'

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
