import { measure } from './event-size.js'
import type { GatewayEvent } from './events.js'

/**
 * Slots a ring starts with: most queues and histories hold a few events (100,000 idle agents
 * measured 417 instead of 312 MB with 16, when times were a Float64Array, which past 64 bytes
 * gets a buffer of its own outside the heap).
 */
const INITIAL_SLOTS = 4

/**
 * `n` numbers in an array of unboxed doubles (V8's double elements), in the heap: a Float64Array
 * of more than 8 gets a buffer outside it, which costs an allocation, a tracking record that
 * every full collection sweeps, and about 1 KB per agent.
 */
function doubles (n: number): number[] { return new Array<number>(n).fill(0.5) }

/**
 * Events stored flat (issue #12, workload j): a bounded FIFO like Ring, but an event's type,
 * workNo and content sit in one array and its time in an array of doubles, instead of an event object,
 * a boxed time and a slot each. Queues and histories keep their events so: with the receiver down
 * 60 s, 1.2 million events wait, and an event object kept anywhere for seconds is promoted to the
 * old generation — live, or garbage until the next full collection (docs/decisions.md). An event
 * is made again when it leaves or is read (a new object, with its measured size).
 */
export class EventRing {
  /** type, workNo, content of each slot, in turn. */
  private refs: unknown[]
  /** Generation times: unboxed doubles (see `doubles`). */
  private times: number[]
  /** Measured content sizes (event-size.ts), only once an event with one is pushed. */
  private sizes: Float64Array | undefined
  private head = 0
  private count = 0

  constructor (readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('a ring holds at least one item')
    const n = Math.min(capacity, INITIAL_SLOTS)
    this.refs = new Array<unknown>(3 * n)
    this.times = doubles(n)
  }

  get length (): number { return this.count }

  private get slots (): number { return this.times.length }

  get storage (): { slots: number, held: number } {
    let held = 0
    for (let i = 0; i < this.slots; i++) if (this.refs[3 * i] !== undefined) held++
    return { slots: this.slots, held }
  }

  get full (): boolean { return this.count === this.capacity }

  /**
   * Add at the end (`bytes`: its measured size); when full, the oldest is dropped first. Out of
   * slots, the ring doubles them, or makes `growTo` at once when that is more (a history that
   * will hold 20 events grows once, not from 4 to 8, 16 and 32).
   */
  push (event: GatewayEvent, bytes: number, growTo = 0): void {
    if (this.count === this.capacity) this.drop()
    else if (this.count === this.slots) this.grow(growTo)
    const i = (this.head + this.count) % this.slots
    this.refs[3 * i] = event.eventType
    this.refs[3 * i + 1] = event.workNo
    this.refs[3 * i + 2] = event.content
    this.times[i] = event.genTime
    if (bytes !== 0 || this.sizes !== undefined) (this.sizes ??= new Float64Array(this.slots))[i] = bytes
    this.count++
  }

  /** Remove the oldest without making it an object again; its measured size (-1: empty). */
  drop (): number {
    if (this.count === 0) return -1
    const i = this.head
    const r = this.refs
    r[3 * i] = r[3 * i + 1] = r[3 * i + 2] = undefined
    const bytes = this.sizes?.[i] ?? 0
    this.head = (i + 1) % this.slots
    this.count--
    return bytes
  }

  /** Remove and return the oldest. */
  shift (): GatewayEvent | undefined {
    if (this.count === 0) return undefined
    const i = this.head
    const event = this.eventAt(i)
    const r = this.refs
    r[3 * i] = r[3 * i + 1] = r[3 * i + 2] = undefined
    this.head = (i + 1) % this.slots
    this.count--
    return event
  }

  /** Oldest first (new objects). */
  toArray (): GatewayEvent[] {
    const out = new Array<GatewayEvent>(this.count)
    for (let k = 0; k < this.count; k++) out[k] = this.eventAt((this.head + k) % this.slots)
    return out
  }

  /** Slot `i` as an event object again, with its measured size. */
  private eventAt (i: number): GatewayEvent {
    const r = this.refs
    const event: GatewayEvent = { eventType: r[3 * i] as string, workNo: r[3 * i + 1] as string, content: r[3 * i + 2], genTime: this.times[i]! }
    const bytes = this.sizes?.[i] ?? 0
    return bytes === 0 ? event : measure(event, bytes)
  }

  clear (): void {
    const n = Math.min(this.capacity, INITIAL_SLOTS)
    this.refs = new Array<unknown>(3 * n)
    this.times = doubles(n)
    this.sizes = undefined
    this.head = 0
    this.count = 0
  }

  private grow (growTo: number): void {
    const old = this.slots
    const n = Math.min(this.capacity, Math.max(old * 2, growTo))
    const refs = new Array<unknown>(3 * n)
    const times = doubles(n)
    const sizes = this.sizes === undefined ? undefined : new Float64Array(n)
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % old
      refs[3 * k] = this.refs[3 * i]
      refs[3 * k + 1] = this.refs[3 * i + 1]
      refs[3 * k + 2] = this.refs[3 * i + 2]
      times[k] = this.times[i]!
      if (sizes !== undefined) sizes[k] = this.sizes![i]!
    }
    this.refs = refs
    this.times = times
    this.sizes = sizes
    this.head = 0
  }
}
