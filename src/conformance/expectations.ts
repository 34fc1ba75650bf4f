/**
 * Judging one expectation against what the client did (issue #15). Pure: a timeline in, a verdict
 * out. While a check runs it is evaluated again and again (`final: false`): an expectation is
 * `pending` while it still waits for something, decided as soon as it can be; "watch"
 * expectations (rates, overlaps, liveness) never keep a check open and are judged at the end.
 */
import { agentIdRe } from '../schemas/gateway.js'
import type { Expectation, Match } from './check-schema.js'
import { describeMatch as describe, matches, pollDeliveries, requestItem, type Entry, type Item } from './timeline.js'

export type Outcome = 'passed' | 'failed' | 'notExercised'

export interface Decided { state: Outcome, detail: string, excerpt: Item[] }
export type Verdict = { state: 'pending' } | { state: 'watch' } | Decided

export interface Observation {
  agent: string
  /** Items of this check, in time order. */
  items: Item[]
  /** When the check's window opened, and now (the mock's clock). */
  start: number
  now: number
  final: boolean
  /** The client process still runs (undefined: cannot tell, as with --attach). */
  clientAlive: boolean | undefined
  clientExit?: string | undefined
  /** Every client request of the run (for run-wide expectations). */
  runEntries: Entry[]
}

/** `a request answered 0` → after "no": `request answered 0`. */
const describeMatch = (m: Match, afterNo = false): string => afterNo ? describe(m).replace(/^a request/, 'request') : describe(m)

const decided = (state: Outcome, detail: string, excerpt: Item[] = []): Verdict => ({ state, detail, excerpt })

/** The first item at or after index `from` that matches. */
function find (obs: Observation, m: Match, from = 0): number {
  for (let i = from; i < obs.items.length; i++) if (matches(m, obs.items[i]!, obs.agent)) return i
  return -1
}

/** Items around a moment, for an excerpt: a few before `i`, up to `j`. */
function around (obs: Observation, i: number, j = i, before = 3, max = 25): Item[] {
  return obs.items.slice(Math.max(0, i - before), Math.min(obs.items.length, Math.max(j + 1, i + 1), Math.max(0, i - before) + max))
}

function sequence (steps: Match[], obs: Observation): Verdict {
  let at = find(obs, steps[0]!)
  if (at < 0) return obs.final ? decided('notExercised', `never saw ${describeMatch(steps[0]!)}`) : { state: 'pending' }
  const first = at
  for (let k = 1; k < steps.length; k++) {
    const step = steps[k]!
    const prev = obs.items[at]!
    const next = find(obs, step, at + 1)
    const limit = step.withinMs === undefined ? Infinity : prev.at + step.withinMs
    if (next >= 0 && obs.items[next]!.at <= limit) { at = next; continue }
    if (obs.now > limit || obs.final) {
      const late = next >= 0 ? ` (it came ${Math.round(obs.items[next]!.at - prev.at)} ms later)` : ''
      const within = step.withinMs === undefined ? '' : ` within ${step.withinMs} ms`
      return decided('failed', `no ${describeMatch(step, true)}${within} after ${describeMatch(steps[k - 1]!)}${late}`, around(obs, at, next >= 0 ? next : obs.items.length - 1))
    }
    return { state: 'pending' }
  }
  return decided('passed', `${steps.map(m => describeMatch(m)).join(', then ')} (${Math.round(obs.items[at]!.at - obs.items[first]!.at)} ms)`, around(obs, first, at, 0))
}

function never (e: { after?: Match | undefined, match: Match, forMs?: number | undefined }, obs: Observation): Verdict {
  const from = e.after === undefined ? -1 : find(obs, e.after)
  if (e.after !== undefined && from < 0) return obs.final ? decided('notExercised', `never saw ${describeMatch(e.after)}`) : { state: 'pending' }
  const origin = from < 0 ? obs.start : obs.items[from]!.at
  const end = e.forMs === undefined ? Infinity : origin + e.forMs
  const bad: number[] = []
  for (let i = from + 1; i < obs.items.length; i++) {
    const item = obs.items[i]!
    if (item.at > end) break
    if (matches(e.match, item, obs.agent)) bad.push(i)
  }
  const after = e.after === undefined ? '' : ` after ${describeMatch(e.after)}`
  if (bad.length > 0) {
    const excerpt = from >= 0 ? [obs.items[from]!, ...bad.slice(0, 15).map(i => obs.items[i]!)] : bad.slice(0, 15).map(i => obs.items[i]!)
    return decided('failed', `${bad.length} × ${describeMatch(e.match, true)}${after}`, excerpt)
  }
  if (obs.final || obs.now >= end) return decided('passed', `no ${describeMatch(e.match, true)}${after}${e.forMs === undefined ? '' : ` in ${e.forMs} ms`}`, from >= 0 ? [obs.items[from]!] : [])
  return { state: e.after === undefined && e.forMs === undefined ? 'watch' : 'pending' }
}

function count (e: { match: Match, atLeast?: number | undefined, atMost?: number | undefined }, obs: Observation): Verdict {
  const hits = obs.items.filter(i => matches(e.match, i, obs.agent))
  const what = describeMatch(e.match, true)
  if (e.atMost !== undefined && hits.length > e.atMost) return decided('failed', `${hits.length} × ${what}, expected at most ${e.atMost}`, hits.slice(e.atMost, e.atMost + 15))
  const enough = e.atLeast === undefined || hits.length >= e.atLeast
  if (enough && (e.atMost === undefined || obs.final)) return decided('passed', `${hits.length} × ${what}`, hits.slice(0, 5))
  if (!obs.final) return { state: enough ? 'watch' : 'pending' }
  if (hits.length === 0) return decided('notExercised', `never saw ${what}`)
  return decided('failed', `${hits.length} × ${what}, expected at least ${e.atLeast ?? 0}`, hits.slice(0, 15))
}

function singleFlight (m: Match | undefined, obs: Observation): Verdict {
  if (!obs.final) return { state: 'watch' }
  const reqs = obs.items.filter((i): i is Item & { kind: 'request' } => i.kind === 'request' && matches(m ?? {}, i, obs.agent))
  const lastEnd = new Map<string, Item & { kind: 'request' }>()
  for (const r of [...reqs].sort((a, b) => a.start - b.start)) {
    const key = `${r.entry.method} ${r.entry.path}`
    const prev = lastEnd.get(key)
    // 2 ms of slack: the journal's time and duration are measured by different clocks.
    if (prev !== undefined && r.start < prev.at - 2) {
      return decided('failed', `two ${r.entry.operation} requests in flight at once (the second started ${Math.round(prev.at - r.start)} ms before the first was answered)`, [prev, r])
    }
    if (prev === undefined || r.at > prev.at) lastEnd.set(key, r)
  }
  return decided('passed', `${reqs.length} requests, never two of the same in flight`)
}

function repollAfterEvent (withinMs: number, obs: Observation): Verdict {
  if (!obs.final) return { state: 'watch' }
  const polls = obs.items.filter(i => i.kind === 'request' && i.entry.agent === obs.agent && i.entry.operation === 'getAgentEvent')
  const carried = pollDeliveries(obs.items, obs.agent).filter(p => p.carried).map(p => p.item)
  if (carried.length === 0) return decided('notExercised', 'no poll carried an event')
  let worst = 0
  for (const p of carried) {
    const next = polls.find(q => q.kind === 'request' && q.start >= p.at - 2 && q !== p)
    const gap = next === undefined ? obs.now - p.at : next.kind === 'request' ? next.start - p.at : 0
    if (gap > withinMs) {
      const detail = next === undefined ? `no poll in the ${Math.round(gap)} ms after a poll that carried an event` : `the next poll started ${Math.round(gap)} ms after a poll that carried an event`
      return decided('failed', detail, next === undefined ? [p] : [p, next])
    }
    worst = Math.max(worst, gap)
  }
  return decided('passed', `${carried.length} polls carried an event; the next poll followed within ${Math.round(worst)} ms`)
}

/**
 * Spinning is judged on the client's own pause: after a poll answered at once without an event,
 * how long until its next poll starts. The median pause gives the rate it would poll at against a
 * gateway that answers at once, whatever the machine's load or the gateway's latency.
 */
function idlePollRate (maxPerSecond: number, obs: Observation): Verdict {
  if (!obs.final) return { state: 'watch' }
  const polls = obs.items.filter((i): i is Item & { kind: 'request' } => i.kind === 'request' && i.entry.agent === obs.agent && i.entry.operation === 'getAgentEvent')
  const empty = pollDeliveries(obs.items, obs.agent).filter(p => !p.carried && p.item.entry.durationMs < 100).map(p => p.item)
  const pauses: Array<{ after: Item, next: Item, ms: number }> = []
  for (const p of empty) {
    const next = polls.find(q => q.start >= p.at - 2 && q !== p)
    if (next !== undefined) pauses.push({ after: p, next, ms: Math.max(0, next.start - p.at) })
  }
  if (pauses.length < 3) return decided('notExercised', `only ${pauses.length} polls answered at once without an event`)
  const sorted = pauses.map(x => x.ms).sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]!
  const rate = 1000 / Math.max(median, 1)
  const detail = `after ${pauses.length} polls answered at once without an event, the client waited ${Math.round(median)} ms (median) before the next: ${rate > 1000 ? 'over 1000' : rate.toFixed(1)} polls/s`
  if (rate > maxPerSecond) {
    return decided('failed', `${detail}, more than ${maxPerSecond}/s: it spins on empty polls`, pauses.slice(0, 6).flatMap(x => [x.after, x.next]))
  }
  return decided('passed', detail)
}

function report (e: { after: Match, match: Match, withinMs: number }, obs: Observation): Verdict {
  const from = find(obs, e.after)
  if (from < 0) return obs.final ? decided('notExercised', `never saw ${describeMatch(e.after)}`) : { state: 'pending' }
  const origin = obs.items[from]!.at
  const hit = find(obs, e.match, from + 1)
  if (hit >= 0 && obs.items[hit]!.at <= origin + e.withinMs) {
    return decided('passed', `reported: ${describeMatch(e.match)} ${Math.round(obs.items[hit]!.at - origin)} ms after ${describeMatch(e.after)}`, around(obs, from, hit, 0))
  }
  if (obs.final || obs.now > origin + e.withinMs) return decided('passed', `reported: no ${describeMatch(e.match, true)} within ${e.withinMs} ms of ${describeMatch(e.after)}`, [obs.items[from]!])
  return { state: 'pending' }
}

/** Why a client request is invalid, or undefined. Requests a fault rule answered are the mock's doing. */
export function invalidReason (e: Entry): string | undefined {
  if (e.rule !== undefined && e.rule !== null) return undefined
  if (e.operation === 'unknown' || e.status === 404) return 'no such interface'
  if (e.status === 405) return 'wrong HTTP method for this interface'
  if (e.status === 413) return 'body too large'
  if (e.agent !== undefined && e.agent !== null && !agentIdRe.test(e.agent)) return `agent id '${e.agent}' out of range (101 to 999999)`
  const parameterCodes: Record<string, string> = {
    '000-002': 'invalid parameters',
    '000-006': 'message parameter error',
    '100-001': 'sign-in parameters empty or invalid',
    '100-005': 'sign-out parameters invalid',
    '100-011': 'invalid sign-in parameter',
    '100-012': 'invalid agent type',
    '100-019': 'invalid skill-queue query parameter'
  }
  const code = e.retcode ?? ''
  return parameterCodes[code] === undefined ? undefined : `${parameterCodes[code]} (${code})`
}

function validRequests (obs: Observation): Verdict {
  if (!obs.final) return { state: 'watch' }
  if (obs.runEntries.length === 0) return decided('notExercised', 'the client sent no request')
  const bad = obs.runEntries.filter(e => invalidReason(e) !== undefined)
  if (bad.length === 0) return decided('passed', `${obs.runEntries.length} requests, all valid`)
  const reasons = [...new Set(bad.map(e => invalidReason(e)))]
  return decided('failed', `${bad.length} of ${obs.runEntries.length} requests invalid: ${reasons.join('; ')}`, bad.slice(0, 50).map(requestItem))
}

export function evaluate (e: Expectation, obs: Observation): Verdict {
  if ('sequence' in e) return sequence(e.sequence, obs)
  if ('never' in e) return never(e.never, obs)
  if ('count' in e) return count(e.count, obs)
  if ('singleFlight' in e) return singleFlight(e.singleFlight.match, obs)
  if ('repollAfterEvent' in e) return repollAfterEvent(e.repollAfterEvent.withinMs, obs)
  if ('idlePollRate' in e) return idlePollRate(e.idlePollRate.maxPerSecond, obs)
  if ('report' in e) return report(e.report, obs)
  if ('validRequests' in e) return validRequests(obs)
  if (!obs.final) return { state: 'watch' }
  if (obs.clientAlive === undefined) return decided('passed', 'not judged: the client is not started by this command')
  return obs.clientAlive ? decided('passed', 'the client is still running') : decided('failed', `the client exited (${obs.clientExit ?? 'unknown status'})`)
}

/** The verdict at the end of a check (`obs.final`): always decided. */
export function judge (e: Expectation, obs: Observation): Decided {
  const v = evaluate(e, { ...obs, final: true })
  if (v.state === 'pending' || v.state === 'watch') throw new Error('a final evaluation is always decided')
  return v
}

/** What the expectation asks, in words (its own `description` when it has one). */
export function describeExpectation (e: Expectation): string {
  if (e.description !== undefined) return e.description
  if ('sequence' in e) return e.sequence.map((m, i) => `${i === 0 ? '' : m.withinMs === undefined ? 'then ' : `within ${m.withinMs} ms, `}${describeMatch(m)}`).join(', ')
  if ('never' in e) return `no ${describeMatch(e.never.match, true)}${e.never.after === undefined ? '' : ` after ${describeMatch(e.never.after)}`}${e.never.forMs === undefined ? '' : ` for ${e.never.forMs} ms`}`
  if ('count' in e) return `${describeMatch(e.count.match)}: ${[e.count.atLeast === undefined ? '' : `at least ${e.count.atLeast}`, e.count.atMost === undefined ? '' : `at most ${e.count.atMost}`].filter(Boolean).join(' and ')}`
  if ('singleFlight' in e) return 'never two requests of the same interface in flight at once'
  if ('repollAfterEvent' in e) return `after a poll that carried an event, the next poll within ${e.repollAfterEvent.withinMs} ms`
  if ('idlePollRate' in e) return `at most ${e.idlePollRate.maxPerSecond} polls per second while idle`
  if ('report' in e) return `reported, not judged: ${describeMatch(e.report.match)} after ${describeMatch(e.report.after)}`
  if ('validRequests' in e) return 'every request used a known interface with valid parameters'
  return 'the client keeps running'
}
