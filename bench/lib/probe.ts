/**
 * Workload j's CPU probe (servers/cpu-probe.mjs) on the mock's CPU: how long that vCPU takes for a
 * fixed piece of work during a window — the median second and the slowest — and the fastest
 * second since the probe started, which j divides them by at its end (1.0: as fast as that vCPU
 * ran during j; 1.3: 30 % slower). Not a baseline taken idle at the start: the host may be slow
 * just then (an --only j run measured ×0.65 throughout against one). The host can slow a vCPU
 * down without it counting as steal; this tells such a window from a slower mock. It sees the
 * core's clock and a busy sibling thread, not contention in a memory system shared with other
 * guests (the work fits in the core's cache). Optional: a probe that fails to start or answer
 * leaves NaN and a note, never a failed run.
 */
import { join } from 'node:path'
import { BENCH_DIR, type Ctx } from './context.js'
import { Control, launch, withTimeout, type Managed } from './proc.js'
import { percentile } from './stats.js'

export interface ProbeReading {
  /** The median second's median time, µs (NaN: no whole second). */
  medianUs: number
  /** The slowest second's median time, µs. */
  slowestUs: number
}

const NONE: ProbeReading = { medianUs: Number.NaN, slowestUs: Number.NaN }

interface Answer { seconds: number[], best: number | null }

export class CpuProbe {
  private constructor (private readonly m: Managed, private readonly control: Control) {}

  static async start (ctx: Ctx): Promise<CpuProbe> {
    const m = launch('cpu probe', [process.execPath, join(BENCH_DIR, 'servers/cpu-probe.mjs')], { cpu: ctx.pin.server, setpriv: ctx.pin.setpriv, ipc: true })
    try {
      const control = new Control(m)
      await withTimeout(control.ready, 30000, 'cpu probe ready')
      return new CpuProbe(m, control)
    } catch (err) {
      await m.stop()
      throw err
    }
  }

  /** A window starts now. */
  async mark (): Promise<void> { await this.control.send({ cmd: 'mark' }, 10000) }

  /** The window since the last mark. */
  async read (): Promise<ProbeReading> {
    const s = (await this.control.send<Answer>({ cmd: 'read' }, 10000)).seconds
    return { medianUs: percentile(s, 50), slowestUs: percentile(s, 100) }
  }

  /** The fastest second's median since the probe started, µs (NaN: none yet). */
  async best (): Promise<number> { return (await this.control.send<Answer>({ cmd: 'read' }, 10000)).best ?? Number.NaN }

  async stop (): Promise<void> { await this.m.stop() }
}

/** Start a window, if there is a probe; a failure is noted. */
export async function markProbe (probe: CpuProbe | undefined, notes: string[]): Promise<void> {
  if (probe === undefined) return
  await probe.mark().catch((err: Error) => { notes.push(`cpu probe: ${err.message}`) })
}

/** Read the window (NaN without a probe, or when it failed, noted). */
export async function readProbe (probe: CpuProbe | undefined, notes: string[]): Promise<ProbeReading> {
  if (probe === undefined) return NONE
  return await probe.read().catch((err: Error) => { notes.push(`cpu probe: ${err.message}`); return NONE })
}
