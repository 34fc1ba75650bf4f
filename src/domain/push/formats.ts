/**
 * The bodies and headers of the three push variants (Part D §D5.1–§D5.3), and how each variant
 * judges the receiver's answer.
 */
import { eventJson, pollAnswerJson } from '../event-json.js'
import type { GatewayEvent } from '../events.js'
import type { PushReply, PushTarget } from './types.js'

/** The Content-Type every variant sends (cec_07_1275). */
export const PUSH_CONTENT_TYPE = 'application/json; charset=UTF-8'

/** How many of `pending` (oldest first) one POST of this variant carries. */
export function batchSize (variant: PushTarget['variant'], pending: readonly GatewayEvent[], maxBatch: number, split: boolean): number {
  if (variant !== 'current') return Math.min(1, pending.length)
  const n = Math.min(maxBatch, pending.length)
  if (!split || n === 0) return n
  // After a failure, a batch never mixes bare-string contents with object contents: a receiver
  // that binds `content` to a class refuses the whole batch for one string (§D5.1, client M).
  const kind = typeof pending[0]!.content === 'string'
  let i = 1
  while (i < n && (typeof pending[i]!.content === 'string') === kind) i++
  return i
}

/** The POST body for `events` (one event except for the current variant). */
export function pushBody (target: PushTarget, agentId: string, events: readonly GatewayEvent[], withGenTime: boolean): string {
  switch (target.variant) {
    case 'current':
      return currentBody(agentId, events, withGenTime)
    case 'legacy':
      // Exactly the poll's keys: strict Jackson receivers refuse any other (§D5.2, client P).
      return pollAnswerJson(events[0]!, false)
    case 'serverWide':
      // `{"eventContent":"<event JSON as a string>"}` (§D5.3, client N), or the poll's shape.
      return target.format === 'event'
        ? pollAnswerJson(events[0]!, withGenTime)
        : JSON.stringify({ eventContent: eventJson(events[0]!, withGenTime) })
  }
}

/** The current variant's body: `{"workNo", "eventList": [...]}`, oldest event first. */
function currentBody (agentId: string, events: readonly GatewayEvent[], withGenTime: boolean): string {
  let items = ''
  for (let i = 0; i < events.length; i++) items += (i === 0 ? '' : ',') + eventJson(events[i]!, withGenTime)
  return `{"workNo":${JSON.stringify(agentId)},"eventList":[${items}]}`
}

/** A POST's headers: JSON for every variant; the current one adds the agent's GUID and its `service_token` (`token`, the latest). */
export function pushHeaders (target: PushTarget, guid: string, token: string | undefined): Record<string, string> {
  if (target.variant !== 'current') return { 'Content-Type': PUSH_CONTENT_TYPE }
  const headers: Record<string, string> = { 'Content-Type': PUSH_CONTENT_TYPE, Guid: guid }
  if (token !== undefined) headers.service_token = token
  return headers
}

export interface Verdict { ok: boolean, retcode: string | undefined, error: string | undefined }

/**
 * current: HTTP 2xx and a body `retcode` of "0"; legacy: any 2xx (J answers an empty body, P a
 * numeric retcode); server-wide: fire and forget, every answer will do (N's Koa answers 404).
 */
export function judge (variant: PushTarget['variant'], reply: PushReply): Verdict {
  const retcode = readRetcode(reply.body)
  if (variant === 'serverWide') return { ok: true, retcode, error: undefined }
  if (reply.status < 200 || reply.status > 299) return { ok: false, retcode, error: `HTTP ${reply.status}` }
  if (variant === 'legacy') return { ok: true, retcode, error: undefined }
  if (retcode === '0') return { ok: true, retcode, error: undefined }
  return { ok: false, retcode, error: retcode === undefined ? 'no retcode in the answer' : `retcode ${retcode}` }
}

/** The last answer read, and its retcode: a receiver answers the same text POST after POST. */
let lastAnswer = ''
let lastRetcode: string | undefined

function readRetcode (body: string): string | undefined {
  if (body === lastAnswer) return lastRetcode
  let retcode: string | undefined
  try {
    const parsed: unknown = body === '' ? undefined : JSON.parse(body)
    const r = parsed === null || typeof parsed !== 'object' ? undefined : (parsed as { retcode?: unknown }).retcode
    retcode = typeof r === 'string' || typeof r === 'number' ? String(r) : undefined
  } catch {
    retcode = undefined
  }
  lastAnswer = body
  lastRetcode = retcode
  return retcode
}

const SECRET_QUERY = /token|guid|jsessionid|password|secret|key/i

/**
 * The URL with credentials replaced: the user information before the host (`user:password@`)
 * and secret-looking query values (P's pushUrl carries `?token=`).
 */
export function redactUrl (url: string): string {
  const plain = withoutUserinfo(url)
  const i = plain.indexOf('?')
  if (i < 0) return plain
  const params = new URLSearchParams(plain.slice(i + 1))
  for (const k of [...params.keys()]) if (SECRET_QUERY.test(k)) params.set(k, '[redacted]')
  return `${plain.slice(0, i)}?${params.toString()}`
}

/** `http://user:secret@host/...` → `http://[redacted]@host/...` (the whole user information: a token may stand there alone). */
function withoutUserinfo (url: string): string {
  const start = url.indexOf('//')
  if (start < 0) return url
  let end = url.length
  for (const c of ['/', '?', '#']) { const j = url.indexOf(c, start + 2); if (j >= 0 && j < end) end = j }
  const at = url.lastIndexOf('@', end - 1)
  return at <= start ? url : `${url.slice(0, start + 2)}[redacted]${url.slice(at)}`
}
