/**
 * The push side of the gateway (Part D §D5): decides at sign-in whether an agent is pushed to and
 * how, owns every agent's PushChannel and the server-wide push, keeps delivery counters (also
 * after sign-out), applies scenario disturbances and reports each POST to the journal and log.
 * HTTP goes through the injected PushSender.
 */
import type { Clock } from '../clock.js'
import { DeadlineQueue } from '../deadlines.js'
import { fail } from '../errors.js'
import { EventQueue } from '../event-queue.js'
import type { GatewayEvent } from '../events.js'
import type { FaultEngine } from '../faults.js'
import { Ring } from '../ring.js'
import { PushChannel, type ChannelHost, type Disturbance, type PushDelivery } from './channel.js'
import { redactUrl } from './formats.js'
import { posterOf, type PushCall, type PushDone, type PushOptions, type PushPost, type PushPoster, type PushSender, type PushStats, type PushTarget } from './types.js'

export interface PushLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  debug?(obj: object, msg: string): void
  /** pino's: lets the hub skip building a line nobody will see. */
  isLevelEnabled?(level: string): boolean
}

export interface PushHubDeps {
  clock: Clock
  sender: PushSender
  options: PushOptions
  /** The per-agent queue cap (the simulator's `queueCap`). */
  cap: () => number
  faults: FaultEngine
  random: () => number
  log: PushLog
  /** Sign the agent out because its pushes kept failing (only if `channel` is still its channel). */
  signOut: (channel: PushChannel, cause: string) => void
}

/** The push fields of a sign-in body. */
export interface PushSignIn {
  callBackUri?: string | undefined
  serviceToken?: string | undefined
  pushUrl?: string | undefined
}

/** The key of an agent's line of channels in the hub's `flushing` lists: its own pushes, or its server-wide copy. */
function lineKey (serverWide: boolean, agentId: string): string {
  return `${serverWide ? 'wide' : 'own'}:${agentId}`
}

/** Letters, digits, '-' and '_': "no special characters" (cec_07_1202, ≤ 50). */
const TOKEN_RE = /^[A-Za-z0-9_-]{1,50}$/
/** Status kept for this many signed-out agents (oldest forgotten first). */
const KEPT_STATS = 10000
/**
 * A refused connection to a receiver URL is remembered this long (simulator time): deliveries to
 * the same URL meanwhile fail the same way without opening a socket (docs/decisions.md).
 */
export const REFUSAL_MEMO_MS = 20

export class PushHub implements ChannelHost {
  readonly clock: Clock
  readonly opts: PushOptions
  readonly random: () => number
  /** Where outbound deliveries are journalled (set by the app when the journal is on). */
  recorder: ((d: PushDelivery) => void) | undefined
  /** Each agent's latest channel (kept after sign-out for its counters; bounded). */
  private readonly channels = new Map<string, PushChannel>()
  /** The server-wide copy (`--push-url`) of each signed-in agent's events. */
  private readonly mirrors = new Map<string, { channel: PushChannel, queue: EventQueue }>()
  /** Server-wide copies of agents that signed out, kept for their counters (bounded, like `channels`). */
  private readonly pastMirrors = new Map<string, PushChannel>()
  /**
   * Channels still sending a sign-out's last events, per agent (`own:<id>`, `wide:<id>`), oldest
   * first: a new session's channel to the same URL waits for the newest of them, and a reset stops
   * them all (the counters' maps keep only each agent's latest).
   */
  private readonly flushing = new Map<string, PushChannel[]>()
  private downUntilAll = 0
  private readonly downUntil = new Map<string, number>()
  /** Channels waiting for their retry (one clock timer for all, not one per failed POST). */
  private readonly retries: DeadlineQueue<'retryMark', PushChannel>
  /** Per receiver URL: POSTs on the wire, and the channels waiting for one to end (FIFO). */
  private readonly lanes = new Map<string, { busy: number, waiting: Ring<PushChannel> }>()
  /**
   * Receiver URLs whose port refused a connection lately: when, the error, and the delivery
   * trying the port again (the others wait for its outcome).
   */
  private readonly refused = new Map<string, Refusal>()
  /** Channels with a POST on the wire, timed out `timeoutMs` after it started (one clock timer for all). */
  private readonly onWire: DeadlineQueue<'wireMark', PushChannel>
  private readonly sender: PushPoster
  /** Channels whose POST ended without I/O, to finish in one microtask (PushChannel.failLater). */
  private deferred: PushChannel[] = []
  private deferScheduled = false

  constructor (private readonly deps: PushHubDeps) {
    this.clock = deps.clock
    this.opts = deps.options
    this.random = deps.random
    this.sender = posterOf(deps.sender)
    this.retries = new DeadlineQueue(deps.clock, deps.options.retryIntervalMs, 'retryMark', (c: PushChannel) => { c.retry() })
    this.onWire = new DeadlineQueue(deps.clock, deps.options.timeoutMs, 'wireMark', (c: PushChannel) => { c.timeout() })
  }

  get cap (): number { return this.deps.cap() }

  /**
   * The push target of a sign-in, or undefined for polling. Both `callBackUri` and `serviceToken`
   * → current variant; else `pushUrl` → legacy. A bad URL or token, or a URL outside the
   * whitelist, refuses the sign-in with 100-001.
   */
  targetOf (input: PushSignIn): PushTarget | undefined {
    const uri = nonEmpty(input.callBackUri)
    const token = nonEmpty(input.serviceToken)
    if (uri !== undefined && token !== undefined) {
      if (!TOKEN_RE.test(token)) fail('LOGIN_PARAM_EMPTY', 'serviceToken may hold only letters, digits, - and _ (at most 50)')
      return { variant: 'current', url: this.checkUrl('callBackUri', uri), token }
    }
    const pushUrl = nonEmpty(input.pushUrl)
    if (pushUrl !== undefined) return { variant: 'legacy', url: this.checkUrl('pushUrl', pushUrl) }
    return undefined
  }

  private checkUrl (field: string, url: string): string {
    let parsed: URL
    try { parsed = new URL(url) } catch { fail('LOGIN_PARAM_EMPTY', `${field} is not a URL`) }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail('LOGIN_PARAM_EMPTY', `${field} must be an http or https URL`)
    const wl = this.opts.whitelist
    if (wl.length > 0 && !wl.includes(withoutQuery(url))) fail('LOGIN_PARAM_EMPTY', `${field} is not in the push whitelist (--push-whitelist)`)
    return url
  }

  /** A channel for a signed-in push agent; its counters replace the agent's previous ones. */
  open (agentId: string, target: PushTarget, queue: EventQueue, guid: () => string): PushChannel {
    const channel = new PushChannel(this, agentId, target, queue, guid, redactUrl(target.url))
    // An earlier session's channel to this URL may still be sending its last events: this one goes after.
    channel.follow(this.lastFlushing(lineKey(false, agentId), target.url))
    keepBounded(this.channels, agentId, channel)
    this.deps.log.info({ agent: agentId, variant: target.variant, url: channel.stats.url }, 'push mode')
    return channel
  }

  /** Server-wide push (`--push-url`): a copy of every event, fire and forget, in order per agent. */
  mirror (event: GatewayEvent): void {
    if (this.opts.serverUrl === '') return
    let m = this.mirrors.get(event.workNo)
    if (m === undefined) {
      const target: PushTarget = { variant: 'serverWide', url: this.opts.serverUrl, format: this.opts.serverFormat }
      const queue = new EventQueue(this.cap, () => channel.queueDropped())
      const channel: PushChannel = new PushChannel(this, event.workNo, target, queue, () => '', redactUrl(target.url))
      channel.follow(this.lastFlushing(lineKey(true, event.workNo), target.url))
      m = { channel, queue }
      this.mirrors.set(event.workNo, m)
    }
    m.queue.push(event)
    m.channel.kick()
  }

  /**
   * The agent signed out (with `flush`: its channel and its server-wide copy send what still
   * waits, once) or was reset (that is discarded). Both are kept for their counters only; a new
   * sign-in under the same id starts a new channel and a new copy, which send after the old ones
   * are done. Before, every id that ever signed in kept a server-wide copy and its queue.
   */
  signedOut (agentId: string, own: PushChannel | undefined, flush: boolean): void {
    const m = this.mirrors.get(agentId)
    if (m !== undefined) {
      this.mirrors.delete(agentId)
      keepBounded(this.pastMirrors, agentId, m.channel)
    }
    for (const [key, c] of [[lineKey(false, agentId), own], [lineKey(true, agentId), m?.channel]] as const) {
      if (!flush) {
        // A reset: this session's channel and every earlier one still sending stop, newest first
        // (an older one stopped first would hand the line on, and the next one would send).
        c?.discard()
        for (const old of [...this.flushing.get(key) ?? []].reverse()) old.discard()
        continue
      }
      if (c === undefined) continue
      c.close()
      if (!c.flushing) continue
      const list = this.flushing.get(key)
      if (list === undefined) this.flushing.set(key, [c])
      else list.push(c)
    }
  }

  /** The newest channel under `key` still sending its last events to `url`. */
  private lastFlushing (key: string, url: string): PushChannel | undefined {
    const list = this.flushing.get(key)
    if (list === undefined) return undefined
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.target.url === url) return list[i]
    return undefined
  }

  ended (channel: PushChannel): void {
    if (this.flushing.size === 0) return
    const key = lineKey(channel.target.variant === 'serverWide', channel.agentId)
    const list = this.flushing.get(key)
    if (list === undefined) return
    const i = list.indexOf(channel)
    if (i < 0) return
    list.splice(i, 1)
    if (list.length === 0) this.flushing.delete(key)
  }

  /** Push counters of an agent (the last session's after sign-out), and its server-wide ones. */
  status (agentId: string): { push: PushStatus | null, serverWide: PushStatus | null } {
    const c = this.channels.get(agentId)
    const m = this.mirrors.get(agentId)?.channel ?? this.pastMirrors.get(agentId)
    return { push: c === undefined ? null : statusOf(c), serverWide: m === undefined ? null : statusOf(m) }
  }

  /** Every agent with push counters. */
  list (): Array<{ agent: string } & ReturnType<PushHub['status']>> {
    const ids = new Set([...this.channels.keys(), ...this.mirrors.keys(), ...this.pastMirrors.keys()])
    return [...ids].sort().map(id => ({ agent: id, ...this.status(id) }))
  }

  /** A receiver-down window: deliveries (of `agentId`, or all) fail as refused for `forMs`. */
  receiverDown (agentId: string | undefined, forMs: number): void {
    const until = this.clock.now() + forMs
    if (agentId === undefined) this.downUntilAll = until
    else this.downUntil.set(agentId, until)
  }

  /** Forget counters, mirrors and windows (control API reset); channels still sending stop. */
  reset (): void {
    for (const m of this.mirrors.values()) m.channel.discard()
    for (const c of this.pastMirrors.values()) c.discard()
    for (const c of this.channels.values()) c.discard()
    for (const list of [...this.flushing.values()]) for (const c of [...list].reverse()) c.discard()
    this.flushing.clear()
    this.mirrors.clear()
    this.pastMirrors.clear()
    this.channels.clear()
    this.downUntil.clear()
    this.downUntilAll = 0
    this.clearRefusals()
  }

  // ---- ChannelHost ---------------------------------------------------------------------------

  recentRefusal (url: string): { error: unknown } | Promise<{ error: unknown } | undefined> | undefined {
    if (this.refused.size === 0) return undefined
    const r = this.refused.get(url)
    if (r === undefined) return undefined
    if (r.probe !== undefined) return r.probe.promise
    const age = this.clock.now() - r.at
    if (age >= 0 && age < REFUSAL_MEMO_MS) return { error: r.error }
    // This delivery tries the port again; the ones meanwhile wait for what it finds.
    let settle!: (outcome: { error: unknown } | undefined) => void
    const promise = new Promise<{ error: unknown } | undefined>(resolve => { settle = resolve })
    r.probe = { promise, settle }
    return undefined
  }

  post (req: PushPost, done: PushDone): PushCall { return this.sender.post(req, done) }

  replied (url: string, err: Error | undefined): void {
    if (err === undefined || !isRefused(err)) { this.forgetRefusal(url); return }
    const before = this.refused.get(url)
    if (before === undefined && this.refused.size >= KEPT_STATS) this.clearRefusals()
    this.refused.set(url, { at: this.clock.now(), error: err, probe: undefined })
    before?.probe?.settle({ error: err })
  }

  watch (channel: PushChannel): void { this.onWire.add(channel) }

  unwatch (channel: PushChannel): void { this.onWire.delete(channel) }

  /** The port answered (or failed otherwise): deliveries waiting on this try go ahead. */
  private forgetRefusal (url: string): void {
    if (this.refused.size === 0) return
    const r = this.refused.get(url)
    if (r === undefined) return
    this.refused.delete(url)
    r.probe?.settle(undefined)
  }

  /** Forgets every refusal; deliveries waiting on a port's new try go ahead (else they never would). */
  private clearRefusals (): void {
    const probes = [...this.refused.values()].map(r => r.probe)
    this.refused.clear()
    for (const p of probes) p?.settle(undefined)
  }

  isDown (agentId: string): boolean {
    const now = this.clock.now()
    return now < this.downUntilAll || now < (this.downUntil.get(agentId) ?? 0)
  }

  disturbance (agentId: string): Disturbance | undefined {
    const faults = this.deps.faults
    if (faults.size === 0) return undefined
    const rule = faults.decide({ operation: 'pushEvent', agent: agentId, fields: {} })
    return rule === undefined ? undefined : { rule: rule.name ?? rule.id, action: rule.action }
  }

  acquire (channel: PushChannel): boolean {
    const url = channel.target.url
    let lane = this.lanes.get(url)
    if (lane === undefined) {
      lane = { busy: 0, waiting: new Ring<PushChannel>(Number.MAX_SAFE_INTEGER) }
      this.lanes.set(url, lane)
    }
    if (lane.busy < this.opts.connections) {
      lane.busy++
      return true
    }
    lane.waiting.push(channel)
    return false
  }

  release (url: string): void {
    const lane = this.lanes.get(url)
    if (lane === undefined) return
    for (let c = lane.waiting.shift(); c !== undefined; c = lane.waiting.shift()) if (c.granted()) return
    lane.busy--
    if (lane.busy <= 0) this.lanes.delete(url)
  }

  retryLater (channel: PushChannel): void { this.retries.add(channel) }

  expired (channel: PushChannel, cause: string): void {
    this.deps.log.warn({ agent: channel.agentId, url: channel.stats.url, cause }, 'push failing too long: agent signed out')
    this.deps.signOut(channel, cause)
  }

  record (d: PushDelivery): void {
    const log = this.deps.log
    // The log line's object only when its level is on: failing retries come by the thousand.
    if (d.error !== undefined) {
      if (log.isLevelEnabled?.('warn') !== false) log.warn({ agent: d.agentId, op: 'pushEvent', url: d.shown.url, status: d.status, error: d.error, events: d.events }, 'pushEvent failed')
    } else if (log.debug !== undefined && log.isLevelEnabled?.('debug') !== false) log.debug({ agent: d.agentId, op: 'pushEvent', status: d.status, events: d.events, ms: d.durationMs }, 'pushEvent')
    this.recorder?.(d)
  }

  defer (channel: PushChannel): void {
    this.deferred.push(channel)
    if (this.deferScheduled) return
    this.deferScheduled = true
    queueMicrotask(this.runDeferred)
  }

  /** Ends the deferred channels, and those deferred while this runs (a connection handed on fails at once too). */
  private readonly runDeferred = (): void => {
    const list = this.deferred
    try {
      for (let i = 0; i < list.length; i++) list[i]!.runDeferred()
    } finally {
      this.deferred = []
      this.deferScheduled = false
    }
  }
}

/** `channel` as the agent's latest in `kept`, which holds at most KEPT_STATS (the oldest set is forgotten first). */
function keepBounded (kept: Map<string, PushChannel>, agentId: string, channel: PushChannel): void {
  kept.delete(agentId)
  if (kept.size >= KEPT_STATS) kept.delete(kept.keys().next().value!)
  kept.set(agentId, channel)
}

/** A channel's counters plus the events still waiting. */
export type PushStatus = PushStats & { pending: number }

function statusOf (c: PushChannel): PushStatus { return { ...c.stats, pending: c.pendingCount } }

/** A refused connection remembered; `probe`: a delivery trying the port again, and how to tell its waiters. */
interface Refusal {
  at: number
  error: unknown
  probe: { promise: Promise<{ error: unknown } | undefined>, settle: (outcome: { error: unknown } | undefined) => void } | undefined
}

/** The receiver's port refused the connection (nothing listens): Node's ECONNREFUSED, as undici passes it on. */
function isRefused (err: unknown): boolean {
  const e = err as { code?: unknown, cause?: { code?: unknown } } | null
  return e?.code === 'ECONNREFUSED' || e?.cause?.code === 'ECONNREFUSED'
}
function nonEmpty (s: string | undefined): string | undefined { return s === undefined || s.trim() === '' ? undefined : s.trim() }
function withoutQuery (url: string): string { const i = url.indexOf('?'); return i < 0 ? url : url.slice(0, i) }
