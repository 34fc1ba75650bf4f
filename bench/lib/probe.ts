/**
 * Workload j's CPU probe (servers/cpu-probe.mjs) on the mock's CPU: how fast that vCPU runs a
 * fixed piece of work during a window, as a factor of its speed with the machine idle (1.0: as
 * fast; 1.3: 30 % slower). The host can slow a vCPU down without it counting as steal; this
 * tells such a window from a slower mock.
 */
import { once } from 'node:events'
import { join } from 'node:path'
import { BENCH_DIR, type Ctx } from './context.js'
import { launch, withTimeout, type Managed } from './proc.js'
import { percentile } from './stats.js'

export interface ProbeReading {
  /** The median second's fastest time ÷ the idle one. */
  slowdown: number
  /** The slowest second's fastest time ÷ the idle one. */
  slowest: number
}

export class CpuProbe {
  private idleUs = Number.NaN

  private constructor (private readonly m: Managed) {}

  /** Starts the probe and measures the idle speed over `idleMs` (nothing else of the bench runs meanwhile). */
  static async start (ctx: Ctx, idleMs = 3000): Promise<CpuProbe> {
    const m = launch('cpu probe', [process.execPath, join(BENCH_DIR, 'servers/cpu-probe.mjs')], { cpu: ctx.pin.server, setpriv: ctx.pin.setpriv, ipc: true })
    await withTimeout(once(m.child, 'message'), 30000, 'cpu probe ready')
    const p = new CpuProbe(m)
    await p.mark()
    await new Promise(resolve => setTimeout(resolve, idleMs))
    p.idleUs = percentile(await p.seconds(), 50)
    return p
  }

  /** The fixed work's time with the machine idle, µs. */
  get idle (): number { return this.idleUs }

  private async ask<T>(cmd: string): Promise<T> {
    const answer = withTimeout(once(this.m.child, 'message'), 10000, `cpu probe ${cmd}`)
    this.m.child.send({ cmd })
    const [msg] = await answer as [T]
    return msg
  }

  /** A window starts now. */
  async mark (): Promise<void> { await this.ask('mark') }

  private async seconds (): Promise<number[]> { return (await this.ask<{ seconds: number[] }>('read')).seconds }

  /** The window since the last mark (NaN when it held no whole second). */
  async read (): Promise<ProbeReading> {
    const s = await this.seconds()
    return { slowdown: percentile(s, 50) / this.idleUs, slowest: percentile(s, 100) / this.idleUs }
  }

  async stop (): Promise<void> { await this.m.stop() }
}
