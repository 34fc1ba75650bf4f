/**
 * How much memory an event's content holds, for the bounds on queues and histories (issue #16,
 * finding 4). Events the simulator makes are small and fixed in shape: they count as 0. Only
 * content from outside — an injected event, up to --body-limit — is measured, once, when made.
 */
import type { GatewayEvent } from './events.js'

const measured = new WeakMap<GatewayEvent, number>()
/** No event was ever measured: every event counts 0 without a lookup (the usual case, on every queue and history move). */
let none = true

/** Bytes of `content` as JSON (undefined content: 0). */
export function contentBytes (content: unknown): number {
  if (content === null || content === undefined) return 0
  try { return JSON.stringify(content)?.length ?? 0 } catch { return 0 }
}

/**
 * Content under this many bytes counts as 0, like the simulator's own events: the counts bound
 * it (queue cap, history size). Measuring every small injected event cost a WeakMap entry each,
 * and a million live entries made every garbage collection slow (issue #12, workload j).
 */
export const MEASURED_FROM = 1024

/** Remember what `event` holds (call it when an event with outside content is made). */
export function measure (event: GatewayEvent, bytes: number): GatewayEvent {
  if (bytes >= MEASURED_FROM) { measured.set(event, bytes); none = false }
  return event
}

/** About how many bytes `event` holds beyond a small fixed event. */
export function eventBytes (event: GatewayEvent): number { return none ? 0 : measured.get(event) ?? 0 }
