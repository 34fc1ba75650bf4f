/**
 * A bounded FIFO over a fixed-size array that wraps around (issue #16): what leaves it is really
 * gone, so memory follows what it holds — never what it once held. Grows by doubling up to
 * `capacity`, so a large cap costs nothing until used.
 */
export class Ring<T> {
  private slots: Array<T | undefined>
  private head = 0
  private count = 0

  constructor (readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('a ring holds at least one item')
    this.slots = new Array<T | undefined>(Math.min(capacity, 16))
  }

  get length (): number { return this.count }

  /** Add at the end; when full, the oldest item is removed first and returned. */
  push (item: T): T | undefined {
    let evicted: T | undefined
    if (this.count === this.capacity) evicted = this.shift()
    else if (this.count === this.slots.length) this.grow()
    this.slots[(this.head + this.count) % this.slots.length] = item
    this.count++
    return evicted
  }

  /** Remove and return the oldest item. */
  shift (): T | undefined {
    if (this.count === 0) return undefined
    const item = this.slots[this.head]
    this.slots[this.head] = undefined
    this.head = (this.head + 1) % this.slots.length
    this.count--
    return item
  }

  /** The oldest item, left in place. */
  first (): T | undefined { return this.count === 0 ? undefined : this.slots[this.head] }

  /** Oldest first. */
  toArray (): T[] {
    const out = new Array<T>(this.count)
    for (let i = 0; i < this.count; i++) out[i] = this.slots[(this.head + i) % this.slots.length]!
    return out
  }

  clear (): void {
    this.slots = new Array<T | undefined>(Math.min(this.capacity, 16))
    this.head = 0
    this.count = 0
  }

  private grow (): void {
    const next = new Array<T | undefined>(Math.min(this.capacity, this.slots.length * 2))
    for (let i = 0; i < this.count; i++) next[i] = this.slots[(this.head + i) % this.slots.length]
    this.slots = next
    this.head = 0
  }
}
