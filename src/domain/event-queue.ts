/**
 * One agent's event queue (spec §4.1): FIFO, bounded, with at most one held long poll.
 * An event goes either to the held poll or into the queue, never both, so none is duplicated;
 * a poll whose client has gone is skipped, so none is lost to a closed socket.
 */
import type { GatewayEvent } from './events.js'

export interface Waiter {
  /** Still worth answering (the client has not disconnected). */
  alive(): boolean
  /** Hand over an event, or `undefined` when the hold ends without one. */
  deliver(event: GatewayEvent | undefined): void
}

export class EventQueue {
  private items: GatewayEvent[] = []
  private head = 0
  private waiter: Waiter | undefined

  constructor (private readonly cap: number, private readonly onDrop: (dropped: GatewayEvent) => void) {}

  get length (): number { return this.items.length - this.head }

  push (event: GatewayEvent): void {
    const w = this.waiter
    if (w !== undefined) {
      this.waiter = undefined
      if (w.alive()) { w.deliver(event); return }
    }
    if (this.length >= this.cap) {
      const dropped = this.items[this.head]!
      this.head++
      this.onDrop(dropped)
    }
    this.items.push(event)
  }

  take (): GatewayEvent | undefined {
    if (this.head >= this.items.length) return undefined
    const event = this.items[this.head]!
    this.head++
    // Compact now and then so a long-lived queue does not keep delivered events alive.
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return event
  }

  peek (): GatewayEvent[] { return this.items.slice(this.head) }

  clear (): void { this.items = []; this.head = 0 }

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
