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

/**
 * What `measure` needs to know of `content`: 0 when its JSON surely stays under MEASURED_FROM
 * (told by a walk that stops there, without serialising: injecting a small event is the hot path
 * of workload j), else its exact size (contentBytes).
 */
export function contentBytesToMeasure (content: unknown): number {
  return jsonRoomLeft(content, MEASURED_FROM - 1) >= 0 ? 0 : contentBytes(content)
}

/**
 * `room` less an upper bound of the length of `v` as JSON; negative as soon as it runs out, or
 * for anything the bound does not cover (a class instance, `toJSON`, a bigint): the caller then
 * measures exactly. A string character counts 6 (`\u0001`), a number 25 (`-0.0000012345678901234567`).
 */
function jsonRoomLeft (v: unknown, room: number): number {
  if (v === null || v === undefined || typeof v === 'boolean') return room - 5
  if (typeof v === 'number') return room - 25
  if (typeof v === 'string') return room - 2 - 6 * v.length
  if (typeof v !== 'object') return -1
  room -= 2
  if (Array.isArray(v)) {
    for (const x of v as unknown[]) {
      room = jsonRoomLeft(x, room - 1)
      if (room < 0) return room
    }
    return room
  }
  const proto: unknown = Object.getPrototypeOf(v)
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in v) return -1
  const o = v as Record<string, unknown>
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue
    room = jsonRoomLeft(o[k], room - 4 - 6 * k.length)
    if (room < 0) return room
  }
  return room
}
