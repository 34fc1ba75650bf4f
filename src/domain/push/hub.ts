/**
 * The push side of the gateway (Part D §D5): decides at sign-in whether an agent is pushed to and
 * how, owns every agent's PushChannel and the server-wide push, keeps delivery counters (also
 * after sign-out), applies scenario disturbances and reports each POST to the journal and log.
 * HTTP goes through the injected PushSender.
 */
import type { Clock } from '../clock.js'
import { fail } from '../errors.js'
import { EventQueue } from '../event-queue.js'
import type { GatewayEvent } from '../events.js'
import type { FaultEngine } from '../faults.js'
import { scrubBody, type JournalEntry } from '../journal.js'
import { PushChannel, type ChannelHost, type DeliveryRecord, type Disturbance } from './channel.js'
import { redactUrl } from './formats.js'
import type { PushOptions, PushReply, PushRequest, PushSender, PushStats, PushTarget } from './types.js'

export interface PushLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  debug?(obj: object, msg: string): void
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

/** Letters, digits, '-' and '_': "no special characters" (cec_07_1202, ≤ 50). */
const TOKEN_RE = /^[A-Za-z0-9_-]{1,50}$/
/** Status kept for this many signed-out agents (oldest forgotten first). */
const KEPT_STATS = 10000

export class PushHub implements ChannelHost {
  readonly clock: Clock
  readonly opts: PushOptions
  readonly random: () => number
  /** Where outbound deliveries are journalled (set by the app when the journal is on). */
  recorder: ((entry: JournalEntry) => void) | undefined
  /** Each agent's latest channel (kept after sign-out for its counters; bounded). */
  private readonly channels = new Map<string, PushChannel>()
  private readonly mirrors = new Map<string, { channel: PushChannel, queue: EventQueue }>()
  private downUntilAll = 0
  private readonly downUntil = new Map<string, number>()

  constructor (private readonly deps: PushHubDeps) {
    this.clock = deps.clock
    this.opts = deps.options
    this.random = deps.random
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
    this.keep(agentId, channel)
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
      m = { channel, queue }
      this.mirrors.set(event.workNo, m)
    }
    m.queue.push(event)
    m.channel.kick()
  }

  /** Push counters of an agent (the last session's after sign-out), and its server-wide ones. */
  status (agentId: string): { push: PushStatus | null, serverWide: PushStatus | null } {
    const c = this.channels.get(agentId)
    const m = this.mirrors.get(agentId)?.channel
    return { push: c === undefined ? null : statusOf(c), serverWide: m === undefined ? null : statusOf(m) }
  }

  /** Every agent with push counters. */
  list (): Array<{ agent: string } & ReturnType<PushHub['status']>> {
    const ids = new Set([...this.channels.keys(), ...this.mirrors.keys()])
    return [...ids].sort().map(id => ({ agent: id, ...this.status(id) }))
  }

  /** A receiver-down window: deliveries (of `agentId`, or all) fail as refused for `forMs`. */
  receiverDown (agentId: string | undefined, forMs: number): void {
    const until = this.clock.now() + forMs
    if (agentId === undefined) this.downUntilAll = until
    else this.downUntil.set(agentId, until)
  }

  /** Forget counters, mirrors and windows (control API reset). */
  reset (): void {
    for (const m of this.mirrors.values()) m.channel.close(false)
    this.mirrors.clear()
    this.channels.clear()
    this.downUntil.clear()
    this.downUntilAll = 0
  }

  // ---- ChannelHost ---------------------------------------------------------------------------

  send (req: PushRequest): Promise<PushReply> { return this.deps.sender.send(req) }

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

  expired (channel: PushChannel, cause: string): void {
    this.deps.log.warn({ agent: channel.agentId, url: channel.stats.url, cause }, 'push failing too long: agent signed out')
    this.deps.signOut(channel, cause)
  }

  record (d: DeliveryRecord): void {
    const log = this.deps.log
    if (d.error !== undefined) log.warn({ agent: d.agentId, op: 'pushEvent', url: d.shown.url, status: d.status, error: d.error, events: d.events }, 'pushEvent failed')
    else log.debug?.({ agent: d.agentId, op: 'pushEvent', status: d.status, events: d.events, ms: round(d.latencyMs) }, 'pushEvent')
    const recorder = this.recorder
    if (recorder === undefined) return
    recorder({
      seq: 0,
      time: d.time,
      method: 'POST',
      path: d.shown.path,
      // Shared by the channel's entries (split once): read, never changed.
      query: d.shown.query as Record<string, string>,
      operation: 'pushEvent',
      agent: d.agentId,
      status: d.status,
      retcode: d.retcode ?? (d.error === undefined ? undefined : `push:${d.error}`),
      durationMs: round(d.latencyMs),
      rule: d.rule,
      // Parsed only when read (a journal query or verify): deliveries are the hot path.
      get body () { return scrubBody(JSON.parse(d.body)) }
    })
  }

  private keep (agentId: string, channel: PushChannel): void {
    this.channels.delete(agentId)
    if (this.channels.size >= KEPT_STATS) this.channels.delete(this.channels.keys().next().value!)
    this.channels.set(agentId, channel)
  }
}

/** A channel's counters plus the events still waiting. */
export type PushStatus = PushStats & { pending: number }

function statusOf (c: PushChannel): PushStatus { return { ...c.stats, pending: c.pendingCount } }

function nonEmpty (s: string | undefined): string | undefined { return s === undefined || s.trim() === '' ? undefined : s.trim() }
function withoutQuery (url: string): string { const i = url.indexOf('?'); return i < 0 ? url : url.slice(0, i) }
function round (ms: number): number { return Math.round(ms * 100) / 100 }
