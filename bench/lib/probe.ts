/**
 * Workload j's CPU probe (servers/cpu-probe.mjs) on the mock's CPU: how fast that vCPU runs a
 * fixed piece of work during a window, as a factor of its speed with the machine idle (1.0: as
 * fast; 1.3: 30 % slower). The host can slow a vCPU down without it counting as steal; this
 * tells such a window from a slower mock. It sees the core's clock and a busy sibling thread,
 * not contention in a memory system shared with other guests (the work fits in the core's cache).
 * Optional: a probe that fails to start or answer leaves NaN and a note, never a failed run.
 */
import { join } from 'node:path'
import { BENCH_DIR, type Ctx } from './context.js'
import { Control, launch, withTimeout, type Managed } from './proc.js'
import { percentile } from './stats.js'

export interface ProbeReading {
  /** The median second's median time ÷ the idle one. */
  slowdown: number
  /** The slowest second's median time ÷ the idle one. */
  slowest: number
}

const NONE: ProbeReading = { slowdown: Number.NaN, slowest: Number.NaN }

export class CpuProbe {
  private constructor (private readonly m: Managed, private readonly control: Control, readonly idleUs: number) {}

  /** Starts the probe and measures the idle speed over `idleMs` (nothing else of the bench runs meanwhile). */
  static async start (ctx: Ctx, idleMs = 4000): Promise<CpuProbe> {
    const m = launch('cpu probe', [process.execPath, join(BENCH_DIR, 'servers/cpu-probe.mjs')], { cpu: ctx.pin.server, setpriv: ctx.pin.setpriv, ipc: true })
    try {
      const control = new Control(m)
      await withTimeout(control.ready, 30000, 'cpu probe ready')
      await control.send({ cmd: 'mark' }, 10000)
      await new Promise(resolve => setTimeout(resolve, idleMs))
      const idle = percentile((await control.send<{ seconds: number[] }>({ cmd: 'read' }, 10000)).seconds, 50)
      if (!(idle > 0)) throw new Error(`no idle time measured (${idle})`)
      return new CpuProbe(m, control, idle)
    } catch (err) {
      await m.stop()
      throw err
    }
  }

  /** A window starts now. */
  async mark (): Promise<void> { await this.control.send({ cmd: 'mark' }, 10000) }

  /** The window since the last mark (NaN when it held no whole second). */
  async read (): Promise<ProbeReading> {
    const s = (await this.control.send<{ seconds: number[] }>({ cmd: 'read' }, 10000)).seconds
    return { slowdown: percentile(s, 50) / this.idleUs, slowest: percentile(s, 100) / this.idleUs }
  }

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
