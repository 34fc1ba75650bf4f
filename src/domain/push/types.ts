/**
 * Push event delivery (Part D §D5): the shapes shared by the delivery logic and the HTTP sender
 * that carries it. The domain only sees `PushSender`; the real one (undici, keep-alive, TLS) lives
 * in src/push/.
 */

/** current = `callBackUri` + `serviceToken`; legacy = `pushUrl`; serverWide = `--push-url`. */
export type PushVariant = 'current' | 'legacy' | 'serverWide'

export interface PushRequest {
  url: string
  headers: Record<string, string>
  body: string
  /** Aborted when the delivery's time is up (the simulator's clock decides when). */
  signal: AbortSignal
}

export interface PushReply { status: number, body: string }

/** Sends one POST; rejects on a transport failure (refused, reset, aborted, TLS). */
export interface PushSender {
  send(req: PushRequest): Promise<PushReply>
  close?(): Promise<void>
}

/** What one agent pushes to, fixed at sign-in. */
export interface PushTarget {
  variant: PushVariant
  url: string
  /** `serviceToken` (current variant), sent as the `service_token` header. */
  token?: string | undefined
  /** Server-wide variant: `{"eventContent": "<json>"}` or the poll's shape. */
  format?: 'eventContent' | 'event' | undefined
}

export interface PushOptions {
  /** EVENT_PUSH_FAIL_INTERVALTIME: wait between a failed delivery and its retry (default 10 s). */
  retryIntervalMs: number
  /** EVENT_PUSH_FAIL_TOTALTIME: failing this long signs the agent out (default 120 s; 0 = never). */
  failTotalMs: number
  /** One delivery may take this long before it counts as failed. */
  timeoutMs: number
  /** POSTs on the wire at once per receiver URL; further channels wait their turn (FIFO). */
  connections: number
  /** Callback URLs allowed (compared without the query string); empty = any. */
  whitelist: string[]
  /** Server-wide push (`--push-url`): every agent's events, fire and forget. */
  serverUrl: string
  serverFormat: 'eventContent' | 'event'
  /** Events in one `eventList` POST (current variant). */
  maxBatch: number
  /** Add `eventGenTime` to pushed events (current and server-wide variants; never legacy). */
  eventGenTime: boolean
}

export const defaultPushOptions = (): PushOptions => ({
  retryIntervalMs: 10000,
  failTotalMs: 120000,
  timeoutMs: 10000,
  connections: 64,
  whitelist: [],
  serverUrl: '',
  serverFormat: 'eventContent',
  maxBatch: 100,
  eventGenTime: false
})

/** One agent's delivery counters, as the control API shows them. */
export interface PushStats {
  variant: PushVariant
  /** The URL with credentials in its query string redacted. */
  url: string
  state: 'idle' | 'sending' | 'waiting-retry' | 'closed'
  /** Events the receiver accepted. */
  delivered: number
  /** POSTs made (including retries and duplicates). */
  posts: number
  /** Deliveries that failed (each failed POST). */
  failures: number
  /** Retries made after a failure. */
  retries: number
  /** Events dropped: queue over its cap, or a scenario's drop. */
  dropped: number
  /** Events never delivered because the agent was signed out first. */
  discarded: number
  lastError: string | null
  lastStatus: number | null
  lastLatencyMs: number | null
  /** Since when deliveries have been failing (null when the last one succeeded). */
  failingSince: number | null
  signedOutBy: string | null
}
