/**
 * What a check looks at: the client's gateway requests (from the journal) and its agent's events
 * (from the event history), merged into one timeline ordered by time, and the small matchers the
 * expectations are written with.
 */
import type { Match } from './check-schema.js'

/** A journal entry as GET /__mock/journal returns it (only the fields the checks read). */
export interface Entry {
  seq: number
  /** When the answer was sent (or the request ended), in the mock's clock. */
  time: number
  method: string
  path: string
  operation: string
  agent?: string | null | undefined
  status: number
  retcode?: string | null | undefined
  durationMs: number
  rule?: string | null | undefined
  body?: unknown
}

/** An event as GET /__mock/agents/{id}/history returns it. */
export interface HistoryEvent { eventType: string, workNo: string, content: unknown, genTime: number }

export type Item =
  | { kind: 'request', at: number, start: number, entry: Entry }
  | { kind: 'event', at: number, event: HistoryEvent }

export function requestItem (entry: Entry): Item {
  return { kind: 'request', at: entry.time, start: entry.time - entry.durationMs, entry }
}

/** Requests and events in time order (an event and a request at the same ms: the event first). */
export function mergeTimeline (entries: Entry[], events: HistoryEvent[]): Item[] {
  const items: Item[] = [
    ...events.map(event => ({ kind: 'event' as const, at: event.genTime, event })),
    ...[...entries].sort((a, b) => a.seq - b.seq).map(requestItem)
  ]
  return items.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'event' ? -1 : 1))
}

const list = (v: string | string[]): string[] => Array.isArray(v) ? v : [v]
const oneOf = (want: string | string[], got: string, fold = false): boolean =>
  list(want).some(w => fold ? w.toLowerCase() === got.toLowerCase() : w === got)

/** Does the item match? Requests count only when they are the client agent's. */
export function matches (m: Match, item: Item, agent: string): boolean {
  if (m.event !== undefined) return item.kind === 'event' && oneOf(m.event, item.event.eventType)
  if (item.kind !== 'request') return false
  const e = item.entry
  if (e.agent !== agent) return false
  if (m.operation !== undefined && !oneOf(m.operation, e.operation, true)) return false
  if (m.retcode !== undefined && !oneOf(m.retcode, String(e.retcode ?? ''))) return false
  if (m.method !== undefined && m.method.toUpperCase() !== e.method) return false
  if (m.path !== undefined && !e.path.includes(m.path)) return false
  if (m.status !== undefined && m.status !== e.status) return false
  if (m.rule === true && (e.rule ?? undefined) === undefined) return false
  if (m.rule === false && (e.rule ?? undefined) !== undefined) return false
  if (typeof m.rule === 'string' && m.rule !== e.rule) return false
  return true
}

/** A match in words, for the report: `getAgentEvent answered 000-003`, `event AgentEvent_Ringing`. */
export function describeMatch (m: Match): string {
  if (m.event !== undefined) return `event ${list(m.event).join(' or ')}`
  const parts = [m.operation === undefined ? 'a request' : list(m.operation).join(' or ')]
  if (m.method !== undefined || m.path !== undefined) parts.push(`(${[m.method, m.path].filter(Boolean).join(' ')})`)
  if (m.retcode !== undefined) parts.push(`answered ${list(m.retcode).join(' or ')}`)
  if (m.status !== undefined) parts.push(`with HTTP ${m.status}`)
  if (m.rule === true) parts.push('hit by a fault rule')
  else if (typeof m.rule === 'string') parts.push(`hit by the fault rule '${m.rule}'`)
  return parts.join(' ')
}

/** One line of an excerpt: `+312 ms  GET /agentgateway/resource/agentevent/1001 → 200 000-003 getAgentEvent`. */
export function itemLine (item: Item, origin: number): string {
  const ms = Math.round(item.at - origin)
  const t = `${ms < 0 ? '' : '+'}${ms} ms`.padStart(10)
  if (item.kind === 'event') return `${t}  event ${item.event.eventType} ${JSON.stringify(item.event.content)}`
  const e = item.entry
  const answer = e.status === 0 ? String(e.retcode ?? 'no answer') : `${e.status} ${e.retcode ?? ''}`.trim()
  const extra = [e.durationMs >= 1 ? `${Math.round(e.durationMs)} ms` : '', e.rule === undefined || e.rule === null ? '' : `fault '${e.rule}'`].filter(Boolean).join(', ')
  return `${t}  ${e.method} ${e.path} → ${answer}  ${e.operation}${extra === '' ? '' : ` (${extra})`}`
}

/**
 * The polls that answered 0, each marked with whether it carried an event. The journal does not
 * keep answer bodies, so this replays the agent's queue: events are delivered in order, one per
 * successful poll, so a poll carried one when an event was waiting (queued and not yet delivered).
 */
export function pollDeliveries (items: Item[], agent: string): Array<{ item: Item & { kind: 'request' }, carried: boolean }> {
  let waiting = 0
  const out: Array<{ item: Item & { kind: 'request' }, carried: boolean }> = []
  for (const item of items) {
    if (item.kind === 'event') { if (item.event.workNo === agent) waiting++; continue }
    const e = item.entry
    if (e.agent !== agent || e.operation !== 'getAgentEvent' || e.status !== 200 || e.retcode !== '0') continue
    const carried = waiting > 0
    if (carried) waiting--
    out.push({ item, carried })
  }
  return out
}
