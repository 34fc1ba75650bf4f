import type { Clock, TimerHandle } from './clock.js'

/**
 * Many deadlines on one clock timer instead of a timer each (the push hub's retries and POST
 * timeouts, thousands at a time). Every item waits the same `delayMs` of the clock's monotonic
 * time, so items fall due in the order they were added: the timer is armed for the oldest only
 * and re-armed after it fires. A wall clock stepping back or forward moves no deadline.
 *
 * Items wait in a ring of flat arrays, not a Map: with 10,000 channels retrying twice a second, a
 * Map's table was rebuilt every few thousand deletions, a few hundred kilobytes of old-generation
 * garbage each time. Each item keeps, in its field `key`, the mark of its entry (0: not queued):
 * `delete` clears it, and an entry whose mark no longer matches is skipped. Such entries leave
 * from the front as soon as they reach it; behind an item that stays (a POST that hangs until
 * its timeout) they wait for it, at most what is added in one `delayMs`.
 */
export class DeadlineQueue<K extends string, T extends Record<K, number>> {
  private items: Array<T | undefined> = new Array<T | undefined>(16)
  private dues = new Float64Array(16)
  private marks = new Float64Array(16)
  private head = 0
  /** Entries, skipped ones included. */
  private count = 0
  private live = 0
  private lastMark = 0
  private timer: TimerHandle | undefined
  private armedFor = 0

  constructor (
    private readonly clock: Clock,
    private readonly delayMs: number,
    /** The items' field that holds their entry's mark; 0 when not queued. */
    private readonly key: K,
    /** Called once per item when its time is up (it has left the queue by then). */
    private readonly onDue: (item: T) => void
  ) {}

  /** Items queued. */
  get size (): number { return this.live }

  /** `item` falls due `delayMs` from now (added again: from now, not from before). */
  add (item: T): void {
    if (item[this.key] === 0) this.live++
    const due = this.clock.monotonic() + this.delayMs
    const mark = ++this.lastMark
    ;(item as Record<K, number>)[this.key] = mark
    if (this.count === this.dues.length) this.grow()
    const i = (this.head + this.count) % this.dues.length
    this.items[i] = item
    this.dues[i] = due
    this.marks[i] = mark
    this.count++
    if (this.timer === undefined) this.arm(due)
  }

  /** `item` no longer falls due (the timer stays armed; firing for nothing is cheap). */
  delete (item: T): void {
    if (item[this.key] === 0) return
    ;(item as Record<K, number>)[this.key] = 0
    this.live--
    this.skipStale()
  }

  clear (): void {
    for (let k = 0; k < this.count; k++) {
      const item = this.items[(this.head + k) % this.dues.length]!
      ;(item as Record<K, number>)[this.key] = 0
    }
    this.items = new Array<T | undefined>(16)
    this.dues = new Float64Array(16)
    this.marks = new Float64Array(16)
    this.head = 0
    this.count = 0
    this.live = 0
    this.timer?.cancel()
    this.timer = undefined
  }

  /** Drops the entries at the front whose item was deleted or added again. */
  private skipStale (): void {
    while (this.count > 0) {
      const i = this.head
      if (this.items[i]![this.key] === this.marks[i]) return
      this.shift()
    }
  }

  private shift (): void {
    this.items[this.head] = undefined
    this.head = (this.head + 1) % this.dues.length
    this.count--
  }

  private grow (): void {
    const old = this.dues.length
    const items = new Array<T | undefined>(old * 2)
    const dues = new Float64Array(old * 2)
    const marks = new Float64Array(old * 2)
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % old
      items[k] = this.items[i]
      dues[k] = this.dues[i]!
      marks[k] = this.marks[i]!
    }
    this.items = items
    this.dues = dues
    this.marks = marks
    this.head = 0
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
      for (;;) {
        this.skipStale()
        if (this.count === 0 || this.dues[this.head]! > now) break
        const item = this.items[this.head]!
        this.shift()
        ;(item as Record<K, number>)[this.key] = 0
        this.live--
        this.onDue(item)
      }
    } finally {
      this.armHead()
    }
  }

  /** Arms for the oldest item left (onDue may have added some, and armed for them already). */
  private armHead (): void {
    this.skipStale()
    if (this.count === 0) {
      this.timer?.cancel()
      this.timer = undefined
    } else if (this.timer === undefined || this.armedFor !== this.dues[this.head]) this.arm(this.dues[this.head]!)
  }
}
