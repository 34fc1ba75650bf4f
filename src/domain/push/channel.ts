/**
 * One agent's push delivery (Part D §D5): events leave the agent's queue in generation order, one
 * POST at a time (never overlapping, never reordered). A failed POST is retried after the retry
 * interval with the same events first; failing for the total failure time signs the agent out.
 * While failing, events wait in the agent's bounded queue; past the cap the oldest are dropped and
 * counted. At a sign-out the events still waiting get one last attempt (the last is usually
 * AgentOther_ShutdownService).
 */
import type { Clock } from '../clock.js'
import type { EventQueue } from '../event-queue.js'
import type { GatewayEvent } from '../events.js'
import { delayOf, type FaultAction } from '../faults.js'
import { scrubBody, type JournalEntry } from '../journal.js'
import { batchSize, judge, pushBody, pushHeaders } from './formats.js'
import type { PushCall, PushDone, PushOptions, PushPost, PushReply, PushStats, PushTarget } from './types.js'

/** A scenario's disturbance of one delivery: a fault rule matching operation `pushEvent`. */
export interface Disturbance { rule: string, action: FaultAction }

/** Where a channel pushes to, as shown (credentials redacted), split once for the journal. */
export interface ShownUrl { url: string, path: string, query: Readonly<Record<string, string>> }

/**
 * One POST as the log shows it and the journal gives it back: the journal keeps its fields in
 * columns (journal-columns.ts) and makes one again when read, so this object dies young. Constant
 * and derived fields are getters, and the body is parsed and scrubbed only when read (a journal
 * query or verify).
 */
export class PushDelivery implements JournalEntry {
  seq = 0

  constructor (
    readonly agentId: string,
    /** Where it went, as shown (credentials redacted); shared by the channel's deliveries. */
    readonly shown: ShownUrl,
    readonly time: number,
    /** The POST's body as sent. */
    readonly raw: string,
    /** Events the POST carried. */
    readonly events: number,
    readonly status: number,
    /** The receiver's retcode (its answer's body). */
    readonly answered: string | undefined,
    /** Why it failed (undefined: delivered). */
    readonly error: string | undefined,
    /** The duration in hundredths of a millisecond. */
    readonly hundredths: number,
    readonly rule: string | undefined
  ) {}

  get method (): string { return 'POST' }
  get operation (): string { return 'pushEvent' }
  get path (): string { return this.shown.path }
  get query (): Record<string, string> { return this.shown.query as Record<string, string> }
  get agent (): string { return this.agentId }
  get retcode (): string | undefined { return this.answered ?? (this.error === undefined ? undefined : `push:${this.error}`) }
  get durationMs (): number { return this.hundredths / 100 }
  get body (): unknown { return scrubBody(JSON.parse(this.raw)) }

  /** The journal's plain shape (the body read, the raw text left out), for JSON.stringify. */
  toJSON (): JournalEntry {
    const { seq, time, method, path, query, operation, agent, status, retcode, durationMs, rule, body } = this
    return { seq, time, method, path, query, operation, agent, status, retcode, durationMs, rule, body }
  }
}

/** What a channel needs from the hub that owns it. */
export interface ChannelHost {
  readonly clock: Clock
  readonly opts: PushOptions
  /** The per-agent queue cap: waiting events (taken or not) never exceed it for long. */
  readonly cap: number
  /** The simulator's (seedable) random source, for delay ranges. */
  readonly random: () => number
  /** Puts one POST on the wire; `done` is called once, perhaps before this returns. */
  post(req: PushPost, done: PushDone): PushCall
  /** A POST to `url` ended (`err`: how it failed): the hub's memo of refused ports learns from it. */
  replied(url: string, err: Error | undefined): void
  /** The channel's POST went on the wire: the hub calls `timeout()` when its time is up. */
  watch(channel: PushChannel): void
  /** The channel's POST ended. */
  unwatch(channel: PushChannel): void
  /**
   * Before a delivery to `url`: `{error}` of a connection refused less than REFUSAL_MEMO_MS ago
   * (fail the same way, no socket); a promise while another delivery tries the port again (its
   * outcome: the new refusal, or undefined when the port answered); undefined: try the receiver.
   */
  recentRefusal(url: string): { error: unknown } | Promise<{ error: unknown } | undefined> | undefined
  disturbance(agentId: string): Disturbance | undefined
  /** A scenario's receiver-down window covers this agent now. */
  isDown(agentId: string): boolean
  record(d: PushDelivery): void
  /** End `channel.runDeferred()` soon, in one microtask with the others deferred meanwhile. */
  defer(channel: PushChannel): void
  /**
   * A connection to the channel's receiver URL for one POST: true = take it now; false = the
   * channel is queued and its `granted()` is called when one is released.
   */
  acquire(channel: PushChannel): boolean
  /** A POST to `url` ended: its connection goes to the next channel waiting, or is freed. */
  release(url: string): void
  /** Call `channel.retry()` after the retry interval (the simulator's clock). */
  retryLater(channel: PushChannel): void
  /** Deliveries kept failing for the total failure time: sign the agent out. */
  expired(channel: PushChannel, cause: string): void
  /** The channel is closed: its sign-out's last events are sent (or discarded), or it was stopped. */
  ended(channel: PushChannel): void
}

export class PushChannel {
  readonly stats: PushStats
  private readonly shown: ShownUrl
  /** Taken from the queue and not delivered yet, oldest first. */
  private pending: GatewayEvent[] = []
  private onWire = false
  /** Waiting for one of the receiver URL's connections (the hub calls `granted()`). */
  private waitingSlot = false
  /** A retry is due (the hub's retry queue calls `retry()` then). */
  private retryPending = false
  /** The hub's deadline queues keep their marks here (DeadlineQueue). */
  retryMark = 0
  wireMark = 0
  /** After a failure, batches do not mix string and object contents. */
  private split = false
  private closing: 'no' | 'flush' | 'closed' = 'no'
  /**
   * The delivery under way: its body and events, the scenario's disturbance, and for the POST
   * on the wire its clock time, start (performance.now()) and sender handle. A channel has one
   * delivery at a time, so these are fields rather than a closure per POST.
   */
  private postBody = ''
  private postN = 0
  private postD: Disturbance | undefined
  private postTime = 0
  private postStarted = 0
  private call: PushCall | undefined
  /** 1: the POST will be sent twice (a scenario's duplicate), this is the first; 2: the second. */
  private duplicate: 0 | 1 | 2 = 0
  /** The last POST's duration in hundredths of a millisecond (-1: none yet); `stats.lastLatencyMs` reads it. */
  private lastHundredths = -1
  /** Numbers the POSTs, so a late answer or timeout of an earlier one is told apart. */
  private wireSeq = 0
  /** The number of the POST on the wire (0: none). */
  private liveSeq = 0
  /** The POST on the wire was told to stop because its time is up. */
  private timedOut = false
  /**
   * What the hub's deferred turn ends (see failLater): a failure known without I/O (with its
   * outcome below), a scenario's drop, or a sender's answer given inside `post`.
   */
  private deferred: 'fail' | 'drop' | 'reply' | undefined
  private failStatus = 0
  private failRetcode: string | undefined
  private failError = ''
  private earlyReply: { err: Error | undefined, reply: PushReply | undefined } | undefined
  /** An internal error left the connection held: the deferred turn releases it. */
  private releaseLater = false
  /** Inside the sender's `post` call. */
  private posting = false
  /** The headers for the agent's current GUID and token (rebuilt when either changes). */
  private headers: { guid: string, token: string | undefined, value: Record<string, string> } | undefined
  /** The `service_token` sent: the sign-in's, or the last one a handshake brought (refreshToken). */
  private token: string | undefined
  /**
   * The body of the last POST: the first `n` pending events. A retry sends it again as it was
   * (never grown by the events queued meanwhile). Forgotten whenever events leave the front of `pending`.
   */
  private lastBody: { n: number, body: string } | undefined
  /** After a failure: how many events the failed POST carried; its retries carry no more. */
  private retryN = 0
  /**
   * The same agent's previous channel to this receiver, still sending its last events (a sign-out's
   * flush): this one sends nothing before it is done, so a quick new sign-in's events never pass
   * the old session's last ones (`follow`). Its successor is told when it is done.
   */
  private predecessor: PushChannel | undefined
  private successor: PushChannel | undefined

  constructor (
    private readonly host: ChannelHost,
    readonly agentId: string,
    readonly target: PushTarget,
    private readonly queue: EventQueue,
    private readonly guid: () => string,
    displayUrl: string
  ) {
    this.token = target.token
    const q = displayUrl.indexOf('?')
    this.shown = {
      url: displayUrl,
      path: q < 0 ? displayUrl : displayUrl.slice(0, q),
      query: Object.freeze(q < 0 ? {} : Object.fromEntries(new URLSearchParams(displayUrl.slice(q + 1))))
    }
    // The latency as an own getter over an integer: a number stored in a field first set to null
    // is a new boxed number each time, kept by the channel until its next POST — long enough to be
    // promoted to the old heap, 20,000 times a second (workload j).
    const latency = (): number | null => this.lastHundredths < 0 ? null : this.lastHundredths / 100
    this.stats = {
      variant: target.variant,
      url: displayUrl,
      state: 'idle',
      delivered: 0,
      posts: 0,
      failures: 0,
      retries: 0,
      dropped: 0,
      discarded: 0,
      lastError: null,
      lastStatus: null,
      get lastLatencyMs () { return latency() },
      failingSince: null,
      signedOutBy: null
    }
  }

  /** No POST on the wire, no retry due, not waiting for a connection nor for a predecessor: the next POST may start. */
  private get free (): boolean { return !this.onWire && !this.retryPending && !this.waitingSlot && this.predecessor === undefined }

  /** Sending a sign-out's last events (or waiting to). */
  get flushing (): boolean { return this.closing === 'flush' }

  /** Retries apply to the agent variants; the server-wide push is fire and forget. */
  private get retries (): boolean { return this.target.variant !== 'serverWide' }

  /** An event was queued: send it now unless a POST is on the wire or a retry is due. */
  kick (): void {
    // Signed out already (the sign-out's own events): it will not be sent, but it is counted.
    if (this.closing === 'closed') { this.stats.discarded++; return }
    if (this.closing === 'flush') for (let e = this.queue.take(); e !== undefined; e = this.queue.take()) this.pending.push(e)
    this.trim()
    if (this.free) this.next()
  }

  /**
   * `previous` (the hub's newest channel of this agent still sending its last events to the same
   * URL, if any) is sent before this one: this channel waits until it is done. Call before the
   * first event.
   */
  follow (previous: PushChannel | undefined): void {
    if (previous === undefined) return
    this.predecessor = previous
    previous.successor = this
    this.stats.state = 'sending'
  }

  /** The predecessor is done: what waited goes out now. */
  private predecessorDone (): void {
    this.predecessor = undefined
    if (this.closing !== 'closed' && this.free) this.next()
  }

  /**
   * Stop at once (a reset): what still waits, also in a sign-out's flush, is discarded, and so is
   * what the channels before it (earlier sessions' last events) still send. Newest first: a
   * predecessor that ended first would hand the line on (`finish`), and the next one would send.
   */
  discard (): void {
    for (let c: PushChannel | undefined = this; c !== undefined;) {
      // Read first: finishing hands the links on.
      const before: PushChannel | undefined = c.predecessor
      if (c.closing !== 'closed') {
        c.retryPending = false
        c.finish()
      }
      c = before
    }
  }

  /** The queue dropped its oldest event (it was over its cap). */
  queueDropped (): void { this.stats.dropped++ }

  /** Events not delivered yet, oldest first (for the control API). */
  waiting (): GatewayEvent[] { return this.closing === 'no' ? [...this.pending, ...this.queue.peek()] : [...this.pending] }

  get pendingCount (): number { return this.pending.length + (this.closing === 'no' ? this.queue.length : 0) }

  /** Sign-out: what still waits gets one last attempt (no retries). A reset stops a channel with `discard`. */
  close (): void {
    if (this.closing !== 'no') return
    // A queued retry of a closed channel is skipped by the hub.
    this.retryPending = false
    for (let e = this.queue.take(); e !== undefined; e = this.queue.take()) this.pending.push(e)
    if (this.pending.length > 0) {
      this.closing = 'flush'
      if (this.free) this.next()
      return
    }
    this.finish()
  }

  private finish (): void {
    this.closing = 'closed'
    for (let e = this.queue.take(); e !== undefined; e = this.queue.take()) this.stats.discarded++
    this.stats.discarded += this.pending.length
    this.pending = []
    this.lastBody = undefined
    this.stats.state = 'closed'
    this.host.ended(this)
    const next = this.successor
    if (next === undefined) return
    this.successor = undefined
    const before = this.predecessor
    if (before !== undefined && before.closing !== 'closed') {
      // Done before its own predecessor (closed while it waited): the next one waits for that one.
      before.successor = next
      next.predecessor = before
      this.predecessor = undefined
      return
    }
    next.predecessorDone()
  }

  /** Waiting events over the cap: the oldest taken ones go first (those on the wire stay). */
  private trim (): void {
    if (this.onWire || this.pending.length === 0) return
    const over = this.pending.length + this.queue.length - this.host.cap
    if (over <= 0) return
    const n = Math.min(over, this.pending.length)
    this.pending.splice(0, n)
    this.lastBody = undefined
    this.stats.dropped += n
  }

  private next (): void {
    if (this.fill() === 0) { this.nothingToSend(); return }
    if (!this.host.acquire(this)) {
      // Every connection to this receiver is busy: events keep queueing and go out together.
      this.waitingSlot = true
      this.stats.state = 'sending'
      return
    }
    this.start()
  }

  /**
   * A connection to the receiver is free for this channel (it waited for one): send what waits
   * now. False when it has nothing to send any more (closed meanwhile), so the hub passes it on.
   */
  granted (): boolean {
    this.waitingSlot = false
    if (this.closing === 'closed') return false
    if (this.fill() === 0) { this.nothingToSend(); return false }
    this.start()
    return true
  }

  /** Moves queued events into `pending` up to one POST's worth; how many wait to be sent. */
  private fill (): number {
    if (this.closing === 'no') {
      const max = this.batchMax()
      while (this.pending.length < max) {
        const e = this.queue.take()
        if (e === undefined) break
        this.pending.push(e)
      }
    }
    return this.pending.length
  }

  private nothingToSend (): void {
    if (this.closing === 'flush') this.finish()
    else if (this.closing === 'no') this.stats.state = 'idle'
  }

  /** Events one POST carries: a batch for the current variant, at most the failed batch on a retry. */
  private batchMax (): number {
    const batch = this.target.variant === 'current' ? this.host.opts.maxBatch : 1
    return this.retryN > 0 ? Math.min(batch, this.retryN) : batch
  }

  /** Puts the first pending events on the wire (holding one of the receiver's connections). */
  private start (): void {
    this.onWire = true
    this.stats.state = 'sending'
    try {
      this.deliver(batchSize(this.target.variant, this.pending, this.batchMax(), this.split))
    } catch (err) {
      this.internalError(err)
    }
  }

  /**
   * Not expected (every failure is an outcome): never leave the channel stuck on the wire. The
   * connection is handed on in the deferred turn, not here: the next channel's start could fail
   * the same way, and so on through every channel waiting (nested, that overflows the stack).
   */
  private internalError (err: unknown): void {
    this.stats.lastError = `internal: ${err instanceof Error ? err.message : String(err)}`
    if (!this.onWire) return
    this.onWire = false
    if (this.liveSeq !== 0) {
      // Its answer, if it comes, is ignored: the deliveries waiting on this one's try of the port go ahead.
      this.liveSeq = 0
      this.host.unwatch(this)
      this.call?.abort(new Error('internal error'))
      this.call = undefined
      this.host.replied(this.target.url, new Error('internal error'))
    }
    this.releaseLater = true
    this.host.defer(this)
  }

  /** The POST is over: its connection goes to the next channel waiting for this receiver. */
  private offWire (): void {
    this.onWire = false
    this.host.release(this.target.url)
  }

  private deliver (n: number): void {
    const host = this.host
    const body = this.bodyOf(n)
    const d = host.disturbance(this.agentId)
    const a = d?.action
    if (a !== undefined && 'dropNextEvent' in a) {
      host.record(this.recordOf(host.clock.now(), body, n, 0, undefined, 'dropped by scenario', 0, d!.rule))
      this.postN = n
      this.deferred = 'drop'
      host.defer(this)
      return
    }
    this.postBody = body
    this.postN = n
    this.postD = d
    this.duplicate = a !== undefined && 'duplicateNextEvent' in a ? 1 : 0
    const delay = a === undefined ? 0 : 'delayMs' in a ? delayOf(a, host.random) : 'delayEventsMs' in a ? a.delayEventsMs : 0
    if (delay > 0) host.clock.setTimer(delay, this.attemptLater)
    else this.attempt()
  }

  /** A scenario's delay is over: the POST goes out, unless the channel was stopped meanwhile (a reset). */
  private readonly attemptLater = (): void => { this.unlessClosed(() => { this.attempt() }) }

  /**
   * The POST under way goes on (`go`) after a wait — a scenario's delay or hang, another
   * delivery's try of a refused port — unless the channel was closed meanwhile (a sign-out, a
   * reset): then nothing goes out and its connection is handed on.
   */
  private unlessClosed (go: () => void): void {
    this.guarded(() => {
      if (this.closing === 'closed') this.delivered(this.postN, false, false)
      else go()
    })
  }

  /** The POST body of the first `n` pending events: serialised once for all the retries of a batch. */
  private bodyOf (n: number): string {
    const last = this.lastBody
    if (last !== undefined && last.n === n) return last.body
    const body = pushBody(this.target, this.agentId, n === this.pending.length ? this.pending : this.pending.slice(0, n), this.host.opts.eventGenTime)
    this.lastBody = { n, body }
    return body
  }

  /** One POST of the delivery under way: a simulated failure, a remembered refusal, or the receiver. Ends in `attempted`. */
  private attempt (): void {
    const host = this.host
    this.postTime = host.clock.now()
    this.postStarted = performance.now()
    this.stats.posts++
    const simulated = this.simulatedFailure(this.postD)
    if (simulated !== undefined) {
      const { status, retcode, error } = simulated
      if (simulated.hang) {
        host.clock.setTimer(host.opts.timeoutMs, () => { this.unlessClosed(() => { this.attempted(status, retcode, error, false) }) })
      } else this.failLater(status, retcode, error)
      return
    }
    const refusal = host.recentRefusal(this.target.url)
    if (refusal === undefined) this.send()
    else if (refusal instanceof Promise) {
      refusal.then((r) => {
        this.unlessClosed(() => {
          if (r === undefined) this.send()
          else this.attempted(0, undefined, describe(r.error), false)
        })
      }, (err: unknown) => { this.internalError(err) })
    } else this.failLater(0, undefined, describe(refusal.error))
  }

  /**
   * A failure known without I/O ends the POST in a microtask, never at once: ending it hands the
   * connection to the next channel waiting, whose POST may fail at once too, and so on through
   * thousands of channels — nested, that overflowed the stack.
   */
  private failLater (status: number, retcode: string | undefined, error: string): void {
    this.failStatus = status
    this.failRetcode = retcode
    this.failError = error
    this.deferred = 'fail'
    this.host.defer(this)
  }

  /** The hub's deferred turn (failLater, a scenario's drop, an early answer, or a connection to hand on). */
  runDeferred (): void {
    if (this.releaseLater) {
      this.releaseLater = false
      this.host.release(this.target.url)
      // A sign-out's last attempt failed inside the mock: no more kicks will come, so it ends here
      // (what waits is discarded, counted) and the next session's channel goes on.
      if (this.closing === 'flush' && !this.onWire && !this.waitingSlot) this.finish()
    }
    const what = this.deferred
    this.deferred = undefined
    try {
      if (what === 'fail') this.attempted(this.failStatus, this.failRetcode, this.failError, false)
      else if (what === 'drop') this.delivered(this.postN, true, true)
      else if (what === 'reply') {
        const early = this.earlyReply!
        this.earlyReply = undefined
        this.onReply(early.err, early.reply)
      }
    } catch (err) {
      this.internalError(err)
    }
  }

  private guarded (fn: () => void): void {
    try { fn() } catch (err) { this.internalError(err) }
  }

  private send (): void {
    this.liveSeq = ++this.wireSeq
    this.timedOut = false
    this.host.watch(this)
    this.posting = true
    let call: PushCall | undefined
    try {
      call = this.host.post({ url: this.target.url, headers: this.currentHeaders(), body: this.postBody }, this.onReply)
    } catch (err) {
      // A sender that throws failed like one that calls back with the error (unless it answered first).
      this.earlyReply ??= { err: err instanceof Error ? err : new Error(String(err)), reply: undefined }
    } finally {
      this.posting = false
    }
    if (this.earlyReply === undefined) this.call = call
    else {
      // Answered inside `post` (a sender failing at once): ended in the deferred turn, like failLater.
      this.deferred = 'reply'
      this.host.defer(this)
    }
  }

  private currentHeaders (): Record<string, string> {
    const guid = this.guid()
    const token = this.token
    let h = this.headers
    if (h === undefined || h.guid !== guid || h.token !== token) h = this.headers = { guid, token, value: pushHeaders(this.target, guid, token) }
    return h.value
  }

  /**
   * A handshake brought a new `service_token` (the doc: "refresh every minute"): the POSTs from
   * now on carry it, a retry of a failed batch too. Only the current variant sends a token.
   */
  refreshToken (token: string): void {
    if (this.target.variant === 'current') this.token = token
  }

  private readonly onReply = (err: Error | undefined, reply: PushReply | undefined): void => {
    // Inside `post`: kept for the deferred turn (the first answer counts; a sender answers once).
    if (this.posting) { this.earlyReply ??= { err, reply }; return }
    // No POST on the wire: a second answer to one already ended.
    if (this.liveSeq === 0) return
    try {
      this.liveSeq = 0
      this.call = undefined
      this.host.unwatch(this)
      this.host.replied(this.target.url, err)
      if (err !== undefined || reply === undefined) {
        this.attempted(0, undefined, this.timedOut ? `timeout after ${this.host.opts.timeoutMs} ms` : describe(err), false)
        return
      }
      const verdict = judge(this.target.variant, reply)
      this.attempted(reply.status, verdict.retcode, verdict.error, verdict.ok)
    } catch (e) {
      this.internalError(e)
    }
  }

  /** The hub's sweep: the POST on the wire is past its deadline. */
  timeout (): void {
    if (this.liveSeq === 0 || this.timedOut) return
    this.timedOut = true
    this.call?.abort(new Error(`timeout after ${this.host.opts.timeoutMs} ms`))
  }

  /** One POST of the delivery ended: counted and recorded; then the duplicate, or the delivery is settled. */
  private attempted (status: number, retcode: string | undefined, error: string | undefined, ok: boolean): void {
    const host = this.host
    const s = this.stats
    s.lastStatus = status
    this.lastHundredths = Math.round((performance.now() - this.postStarted) * 100)
    if (error !== undefined) {
      s.failures++
      s.lastError = error
      if (s.failingSince === null && this.retries) s.failingSince = this.postTime
    }
    host.record(this.recordOf(this.postTime, this.postBody, this.postN, status, retcode, error, this.lastHundredths, this.postD?.rule))
    if (this.duplicate === 1 && ok && this.closing !== 'closed') {
      // A scenario's duplicate: the same POST again; the delivery's outcome is the first one's.
      this.duplicate = 2
      this.attempt()
      return
    }
    const delivered = ok || this.duplicate === 2
    this.duplicate = 0
    this.delivered(this.postN, delivered, false)
  }

  /** The delivery of the first `n` pending events ended. */
  private delivered (n: number, ok: boolean, dropped: boolean): void {
    this.postBody = ''
    this.postD = undefined
    this.offWire()
    this.settle(n, ok, dropped)
  }

  /** A fault rule or a receiver-down window answers instead of the receiver. */
  private simulatedFailure (d: Disturbance | undefined): { status: number, retcode: string | undefined, error: string, hang: boolean } | undefined {
    if (this.host.isDown(this.agentId)) return { status: 0, retcode: undefined, error: 'connection refused (receiver down by scenario)', hang: false }
    const a = d?.action
    if (a === undefined) return undefined
    if ('transport' in a) {
      if (a.transport === 'http5xx') return { status: a.status ?? 500, retcode: undefined, error: `HTTP ${a.status ?? 500} (scenario)`, hang: false }
      if (a.transport === 'hang') return { status: 0, retcode: undefined, error: `timeout after ${this.host.opts.timeoutMs} ms (scenario)`, hang: true }
      return { status: 0, retcode: undefined, error: `${a.transport} (scenario)`, hang: false }
    }
    if ('retcode' in a && a.retcode !== '0') return { status: 200, retcode: a.retcode, error: `retcode ${a.retcode} (scenario)`, hang: false }
    return undefined
  }

  /** `hundredths`: the POST's duration in hundredths of a millisecond, rounded once (`lastHundredths`). */
  private recordOf (time: number, body: string, events: number, status: number, retcode: string | undefined, error: string | undefined, hundredths: number, rule: string | undefined): PushDelivery {
    return new PushDelivery(this.agentId, this.shown, time, body, events, status, retcode, error, hundredths, rule)
  }

  private settle (n: number, ok: boolean, dropped: boolean): void {
    if (this.closing === 'closed') return
    const s = this.stats
    if (ok || !this.retries || this.closing === 'flush') {
      this.lastBody = undefined
      this.retryN = 0
      this.dropFront(n)
      if (dropped) s.dropped += n
      else if (ok) s.delivered += n
      else s.discarded += n
      if (ok && this.retries) {
        s.failingSince = null
        this.split = false
      }
      this.next()
      return
    }
    this.split = true
    this.retryN = n
    const failingFor = this.host.clock.now() - (s.failingSince ?? this.host.clock.now())
    if (this.host.opts.failTotalMs > 0 && failingFor >= this.host.opts.failTotalMs) {
      s.signedOutBy = `push failing for ${failingFor} ms`
      this.finish()
      this.host.expired(this, s.signedOutBy)
      return
    }
    this.trim()
    s.state = 'waiting-retry'
    this.retryPending = true
    this.host.retryLater(this)
  }

  /**
   * The first `n` pending events leave. One at a time for a few: `splice` returns a new array of
   * what it removed, and an array it empties gets a new backing store at the next push, about 210
   * bytes per POST (promoted when a backlog keeps them past two scavenges); `shift` keeps the store.
   */
  private dropFront (n: number): void {
    if (n > 8) { this.pending.splice(0, n); return }
    for (let i = 0; i < n; i++) this.pending.shift()
  }

  /** The retry interval is over: send again. */
  retry (): void {
    if (!this.retryPending) return
    this.retryPending = false
    this.stats.retries++
    this.next()
  }
}

/** A transport error as a short sentence: undici and Node put the useful part in `code`/`cause`. */
function describe (err: unknown): string {
  const e = err as { code?: string, message?: string, cause?: { code?: string, message?: string } }
  const code = e.code ?? e.cause?.code
  const message = e.cause?.message ?? e.message ?? String(err)
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message
}
