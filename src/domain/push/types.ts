/**
 * Push event delivery (Part D §D5): the shapes shared by the delivery logic and the HTTP sender
 * that carries it. The domain only sees `PushSender`; the real one (undici, keep-alive, TLS) lives
 * in src/push/.
 */

/** current = `callBackUri` + `serviceToken`; legacy = `pushUrl`; serverWide = `--push-url`. */
export type PushVariant = 'current' | 'legacy' | 'serverWide'

/** One POST to a receiver. */
export interface PushPost {
  url: string
  headers: Record<string, string>
  body: string
}

/** A POST for a promise sender: `signal` is aborted when the delivery's time is up. */
export interface PushRequest extends PushPost {
  /** Aborted when the delivery's time is up (the simulator's clock decides when). */
  signal: AbortSignal
}

export interface PushReply { status: number, body: string }

/** Called once per POST: with the reply, or with the transport failure (refused, reset, aborted, TLS). */
export type PushDone = (err: Error | undefined, reply: PushReply | undefined) => void

/** A POST on the wire: `abort` ends it, and its `done` gets the error. */
export interface PushCall { abort(reason: Error): void }

/**
 * The callback sender the hub uses on its hot path (no promise per POST): the mock's undici
 * sender is one. `done` may be called before `post` returns.
 */
export interface PushPoster {
  post(req: PushPost, done: PushDone): PushCall
  close?(): Promise<void>
}

/** A promise sender (the easy kind to write, e.g. a test's fake receiver): rejects on a transport failure. */
export interface PushAsyncSender {
  send(req: PushRequest): Promise<PushReply>
  close?(): Promise<void>
}

/** Either kind: the hub turns a promise sender into a poster (posterOf). */
export type PushSender = PushPoster | PushAsyncSender

/** `sender` as a poster: a promise sender's POSTs get an AbortSignal each, aborted by `abort`. */
export function posterOf (sender: PushSender): PushPoster {
  if ('post' in sender) return sender
  return {
    post (req: PushPost, done: PushDone): PushCall {
      const ac = new AbortController()
      let sent: Promise<PushReply>
      // A sender that throws instead of rejecting failed all the same (a transport failure).
      try { sent = sender.send({ url: req.url, headers: req.headers, body: req.body, signal: ac.signal }) } catch (err) { sent = Promise.reject(err) }
      sent.then(
        (reply) => { done(undefined, reply) },
        (err: unknown) => { done(err instanceof Error ? err : new Error(String(err)), undefined) }
      )
      return { abort: (reason: Error) => { ac.abort(reason) } }
    },
    ...(sender.close === undefined ? {} : { close: async () => { await sender.close?.() } })
  }
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
  /** The last POST's duration (null: none yet). */
  readonly lastLatencyMs: number | null
  /** Since when deliveries have been failing (null when the last one succeeded). */
  failingSince: number | null
  signedOutBy: string | null
}
