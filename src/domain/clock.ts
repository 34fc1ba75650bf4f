/**
 * Time for the simulator. Every timer in the domain (long-poll holds, ring timeouts, rest expiry,
 * the 2-minute inactivity rule, simulated peers) goes through a Clock, so tests and the
 * `--clock virtual` mode can drive time by hand instead of sleeping.
 */

export interface TimerHandle { cancel(): void }

export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  /**
   * Milliseconds of timer time: it never steps (a wall clock can, by NTP or a resumed VM), and
   * only differences mean something. Deadlines kept for this clock's timers are on this axis.
   */
  monotonic(): number
  /** Run `fn` once after `ms` milliseconds of this clock's time. */
  setTimer(ms: number, fn: () => void): TimerHandle
}

/** Wall-clock time and Node timers. Timers are unref'd: they never keep the process alive. */
export class RealClock implements Clock {
  now (): number { return Date.now() }

  monotonic (): number { return performance.now() }

  setTimer (ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms))
    t.unref()
    return { cancel: () => clearTimeout(t) }
  }
}

interface ManualTimer { at: number, seq: number, fn: () => void, cancelled: boolean }

/**
 * A clock that only moves when told to. `advance(ms)` fires every due timer in time order
 * (ties in creation order), moving `now()` to each timer's due time before running it, so a
 * timer that schedules another inside the window sees it fire in the same advance.
 */
/** Most timers one `advance` runs (issue #16, finding 6): a timer chain that never ends stops there. */
export const MAX_TIMERS_PER_ADVANCE = 1_000_000

/** An advance stopped by MAX_TIMERS_PER_ADVANCE: the clock stands at the last timer it ran. */
export class ClockRunawayError extends Error {
  constructor (readonly timers: number, readonly at: number) {
    super(`the clock stopped after running ${timers} timers in one advance, at ${new Date(at).toISOString()}: something schedules timers without end (a timeline step that triggers itself?)`)
    this.name = 'ClockRunawayError'
  }
}

export class ManualClock implements Clock {
  private current: number
  private seq = 0
  private readonly heap: ManualTimer[] = []
  private readonly maxTimers: number

  constructor (start = Date.UTC(2026, 0, 1), opts: { maxTimersPerAdvance?: number } = {}) {
    this.current = start
    this.maxTimers = opts.maxTimersPerAdvance ?? MAX_TIMERS_PER_ADVANCE
  }

  now (): number { return this.current }

  monotonic (): number { return this.current }

  setTimer (ms: number, fn: () => void): TimerHandle {
    const timer: ManualTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false }
    this.push(timer)
    return { cancel: () => { timer.cancelled = true } }
  }

  /** Number of timers still waiting (cancelled ones excluded). */
  pending (): number { return this.heap.filter(t => !t.cancelled).length }

  /** Throws ClockRunawayError after maxTimersPerAdvance timers (the clock then stands there). */
  advance (ms: number): void {
    const target = this.current + Math.max(0, ms)
    let ran = 0
    for (;;) {
      const top = this.heap[0]
      if (top === undefined || top.at > target) break
      this.pop()
      if (top.cancelled) continue
      if (ran === this.maxTimers) { this.push(top); throw new ClockRunawayError(ran, this.current) }
      ran++
      this.current = Math.max(this.current, top.at)
      top.fn()
    }
    this.current = target
  }

  private less (a: ManualTimer, b: ManualTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }

  private push (t: ManualTimer): void {
    const h = this.heap
    h.push(t)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(h[i]!, h[p]!)) break
      [h[i], h[p]] = [h[p]!, h[i]!]
      i = p
    }
  }

  private pop (): void {
    const h = this.heap
    const last = h.pop()
    if (last === undefined || h.length === 0) return
    h[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r
      if (m === i) break
      [h[i], h[m]] = [h[m]!, h[i]!]
      i = m
    }
  }
}
