/**
 * One agent's event queue (spec §4.1): FIFO, bounded, with at most one held long poll.
 * An event goes either to the held poll or into the queue, never both, so none is duplicated;
 * a poll whose client has gone is skipped, so none is lost to a closed socket.
 *
 * Bounded for real (issue #16, finding 4): a ring buffer of `cap` events, so an event dropped or
 * taken is gone from memory; and at most `maxBytes` of event content (large events are the
 * injected ones, see eventBytes), the oldest dropped first.
 */
import { EventRing } from './event-ring.js'
import { eventBytes } from './event-size.js'
import type { GatewayEvent } from './events.js'

export interface Waiter {
  /** Still worth answering (the client has not disconnected). */
  alive(): boolean
  /** Hand over an event, or `undefined` when the hold ends without one. */
  deliver(event: GatewayEvent | undefined): void
}

/** Content one queue may hold, in bytes (about): 16 injected events of a full 1 MB body. */
export const QUEUE_MAX_BYTES = 16 * 1024 * 1024

export class EventQueue {
  private readonly items: EventRing
  private bytes = 0
  private waiter: Waiter | undefined

  constructor (private readonly cap: number, private readonly onDrop: (dropped: GatewayEvent) => void, private readonly maxBytes = QUEUE_MAX_BYTES) {
    this.items = new EventRing(cap)
  }

  get length (): number { return this.items.length }

  /** About how many bytes of content the waiting events hold. */
  get size (): number { return this.bytes }

  push (event: GatewayEvent): void {
    const w = this.waiter
    if (w !== undefined) {
      this.waiter = undefined
      if (w.alive()) { w.deliver(event); return }
    }
    if (this.items.full) this.dropped(this.items.shift()!)
    const bytes = eventBytes(event)
    this.bytes += bytes
    this.items.push(event, bytes)
    while (this.bytes > this.maxBytes && this.items.length > 1) this.dropped(this.items.shift()!)
  }

  private dropped (event: GatewayEvent): void {
    this.bytes -= eventBytes(event)
    this.onDrop(event)
  }

  take (): GatewayEvent | undefined {
    const event = this.items.shift()
    if (event !== undefined) this.bytes -= eventBytes(event)
    return event
  }

  /** Slots allocated for waiting events (bounded by the cap), and how many hold one: memory follows what is held. */
  get storage (): { slots: number, held: number } { return this.items.storage }

  peek (): GatewayEvent[] { return this.items.toArray() }

  clear (): void { this.items.clear(); this.bytes = 0 }

  /** Register the held poll. A previous one is answered at once with no event (superseded). */
  hold (waiter: Waiter): void {
    const previous = this.waiter
    this.waiter = waiter
    if (previous !== undefined && previous.alive()) previous.deliver(undefined)
  }

  /** Forget `waiter` if it is still the held poll (its hold timed out or its client left). */
  release (waiter: Waiter): void {
    if (this.waiter === waiter) this.waiter = undefined
  }

  /** End the hold of the current poll, if any, without an event. */
  wake (): void {
    const w = this.waiter
    this.waiter = undefined
    if (w !== undefined && w.alive()) w.deliver(undefined)
  }

  get holding (): boolean { return this.waiter !== undefined }
}
