import type { Clock, TimerHandle } from './clock.js'

/**
 * Many deadlines on one clock timer instead of a timer each (the push hub's retries and POST
 * timeouts, thousands at a time). Every item waits the same `delayMs` of the clock's monotonic
 * time, so items fall due in the order they were added: the timer is armed for the oldest only
 * and re-armed after it fires. A wall clock stepping back or forward moves no deadline.
 */
export class DeadlineQueue<T> {
  /** Item → due time (monotonic), oldest first. */
  private readonly items = new Map<T, number>()
  private timer: TimerHandle | undefined
  private armedFor = 0

  constructor (
    private readonly clock: Clock,
    private readonly delayMs: number,
    /** Called once per item when its time is up (it has left the queue by then). */
    private readonly onDue: (item: T) => void
  ) {}

  get size (): number { return this.items.size }

  /** `item` falls due `delayMs` from now (added again: from now, not from before). */
  add (item: T): void {
    const due = this.clock.monotonic() + this.delayMs
    this.items.delete(item)
    this.items.set(item, due)
    if (this.timer === undefined) this.arm(due)
  }

  /** `item` no longer falls due (the timer stays armed; firing for nothing is cheap). */
  delete (item: T): void { this.items.delete(item) }

  clear (): void {
    this.items.clear()
    this.timer?.cancel()
    this.timer = undefined
  }

  private arm (at: number): void {
    this.timer?.cancel()
    this.armedFor = at
    this.timer = this.clock.setTimer(at - this.clock.monotonic(), this.fire)
  }

  /** Hands over the items that are due (oldest first), then waits for the next one. */
  private readonly fire = (): void => {
    this.timer = undefined
    // A timer may fire a little early by the monotonic clock's reckoning: it fired for armedFor.
    const now = Math.max(this.clock.monotonic(), this.armedFor)
    try {
      for (const [item, due] of this.items) {
        if (due > now) break
        this.items.delete(item)
        this.onDue(item)
      }
    } finally {
      this.armHead()
    }
  }

  /** Arms for the oldest item left (onDue may have added some, and armed for them already). */
  private armHead (): void {
    const head = this.items.values().next()
    if (head.done === true) {
      this.timer?.cancel()
      this.timer = undefined
    } else if (this.timer === undefined || this.armedFor !== head.value) this.arm(head.value)
  }
}
