/**
 * The simulated CC-Gateway: owns agents, sessions, event queues and calls, with one method per
 * gateway operation (named after the vendor's "Method Name in Logs"). Methods either return what
 * the route answers or throw a GatewayError naming a catalogue key. No HTTP in here.
 *
 * Push mode (Part D §D5) lives in ./push/: a sign-in with a callback gets a PushChannel, and every
 * queued event kicks it.
 *
 * LIMITATIONS: one VDN, one gateway node (GUID suffix AgentGateway0); no media, recording, transfer
 * or conference; skills only affect the lists returned by resetskill/agentskills.
 */
import { transition, agentStateCode, type AgentCommand, type Change, type CommandInput } from './agent-machine.js'
import type { Agent, EventHistory } from './agent.js'
import { CallEngine } from './call-engine.js'
import { ForcedStates } from './forced-states.js'
import { AgentMessages } from './agent-messages.js'
import { ContactCenter } from './contact-center.js'
import { AgentDirectory } from './directory.js'
import { Recordings } from './recordings.js'
import { defaultCallFlow } from './call-flows.js'
import { callHasParty } from './call-model.js'
import type { Clock } from './clock.js'
import { fail } from './errors.js'
import { EventQueue, type Waiter } from './event-queue.js'
import { eventBytes, measure } from './event-size.js'
import type { EventSpec, GatewayEvent } from './events.js'
import { FaultEngine } from './faults.js'
import { seededRandom, type IdSource } from './ids.js'
import { PushHub, type PushLog } from './push/hub.js'
import { defaultPushOptions, type PushOptions, type PushSender, type PushVariant } from './push/types.js'
import { EventRing } from './event-ring.js'
import { SessionStore, type AuthMode, type AuthVerdict, type Credentials } from './sessions.js'
import { WorldIndex, type World, type Skill } from './world.js'

/** Where the simulator logs: the same shape the push hub writes to (it is handed this logger). */
export type SimulatorLog = PushLog

export interface SimulatorOptions {
  clock: Clock
  ids: IdSource
  world: World
  authMode: AuthMode
  guidRotation: 'static' | 'dynamic'
  /** How long a poll is held when no event waits (spec §4.1: 100 × 100 ms). */
  pollWaitMs: number
  /** No poll or handshake for this long signs the agent out (spec §2: 2 minutes). */
  inactivityTimeoutMs: number
  /** Events kept per agent; on overflow the oldest is dropped. */
  queueCap: number
  /** How long a rotated-out GUID keeps working. */
  guidGraceMs: number
  log: SimulatorLog
  /** Seeds fault probabilities and delay ranges; crypto-random when absent. */
  seed?: number | undefined
  /** Events kept per agent in the admin history. */
  historySize?: number
  /** Push delivery settings (Part D §D5); defaults as the real gateway's. */
  push?: Partial<PushOptions>
  /** Carries pushes; without one every push fails (no receiver reachable). */
  pushSender?: PushSender
}

/** Something that wants to see every event as it is queued (the scenario timeline). */
export type EventObserver = (agentId: string, eventType: string) => void

export type LoginKind = 'login' | 'forceLogin' | 'loginEx' | 'forceLoginEx'

export interface LoginInput {
  password?: string | undefined
  phonenum?: string | undefined
  autoanswer?: boolean | undefined
  autoenteridle?: boolean | undefined
  releasephone?: boolean | undefined
  agenttype?: number | undefined
  status?: number | undefined
  /** Push mode (Part D §D5): `callBackUri` + `serviceToken`, or `pushUrl`. */
  callBackUri?: string | undefined
  serviceToken?: string | undefined
  pushUrl?: string | undefined
}

export interface LoginResult {
  guid: string
  /** The agent's events are pushed (not polled), and how. */
  push: PushVariant | undefined
  result: {
    vdnid: number
    workno: string
    mediatype: string
    loginTime: string
    isForceChange: string
    serverName: string
    timeRemaining: string
  }
}

/**
 * The gateway settings a scenario may change while it is active (its `gateway:` block), as one
 * explicit object: the command line's values, with the active scenario's over them.
 */
export interface GatewaySettingsInForce {
  guidRotation: 'static' | 'dynamic'
  pollWaitMs: number
  inactivityTimeoutMs: number
}

export interface PollResult { event: GatewayEvent | undefined, newGuid: string | undefined }

/** Bounds of the per-agent event history the control API shows (issue #16, finding 4). */
export const HISTORY_LIMITS = {
  /** Injected content kept per agent, in bytes (about). */
  agentBytes: 2 * 1024 * 1024,
  /** Injected content kept over all agents, in bytes (about). */
  totalBytes: 64 * 1024 * 1024,
  /** Agents whose history is kept (the longest remembered are forgotten first). */
  agents: 10000,
  /**
   * Events kept over all agents: with many agents each keeps its share (at least 10), so 10,000
   * push agents do not hold a million delivered events (issue #12, workload j).
   */
  events: 200000
}

/** A history left behind: marked (an agent's reference to it is stale) and emptied. */
function letGo (h: EventHistory): void {
  h.forgotten = true
  h.events.clear()
  h.bytes = 0
}

/** A full queue's drop warning: at most one line per agent this often (the line counts the drops since the last). */
export const DROP_LOG_INTERVAL_MS = 1000

const signInCommand: Record<number, AgentCommand> = { 3: 'signInBusy', 4: 'signInIdle', 5: 'signInWork' }

export class Simulator {
  readonly clock: Clock
  readonly sessions: SessionStore
  readonly calls: CallEngine
  /** Customers, skill queues, the ACD and simulated colleagues around the agents. */
  readonly center: ContactCenter
  readonly agents = new Map<string, Agent>()
  /** Every agent the gateway knows, with its state (agentgroup and queue queries). */
  readonly directory: AgentDirectory = new AgentDirectory(this)
  /** Notes, bulletins, passwords and per-sign-in settings (onlineagent beyond state). */
  readonly messages: AgentMessages = new AgentMessages(this)
  /** Simulated recordings of finished calls, playback and recording (recordplay). */
  readonly recordings: Recordings = new Recordings(this)
  /** An inspector's forced state changes and sign-in monitoring (qualitycontrol). */
  readonly forced: ForcedStates = new ForcedStates(this)
  readonly faults: FaultEngine
  readonly random: () => number
  readonly push: PushHub
  /** Recent events per agent id, kept across sign-outs for the admin API (bounded); see remember. */
  private readonly history = new Map<string, EventHistory>()
  private historyBytes = 0
  observer: EventObserver | undefined
  world: WorldIndex
  /** The command line's gateway settings. */
  readonly baseSettings: Readonly<GatewaySettingsInForce>
  /** The settings in force: the base, with the active scenario's `gateway:` block over it. */
  settings: GatewaySettingsInForce

  constructor (readonly opts: SimulatorOptions) {
    this.clock = opts.clock
    this.baseSettings = Object.freeze({ guidRotation: opts.guidRotation, pollWaitMs: opts.pollWaitMs, inactivityTimeoutMs: opts.inactivityTimeoutMs })
    this.settings = { ...this.baseSettings }
    this.world = new WorldIndex(opts.world)
    this.sessions = new SessionStore(opts.clock, opts.ids, opts.guidGraceMs)
    this.calls = new CallEngine(this, opts.ids, defaultCallFlow)
    this.random = opts.seed === undefined ? Math.random : seededRandom(opts.seed ^ 0x5bd1e995)
    this.faults = new FaultEngine(this.random)
    this.push = new PushHub({
      clock: opts.clock,
      sender: opts.pushSender ?? { send: async () => { throw new Error('no push sender configured') } },
      options: { ...defaultPushOptions(), ...opts.push },
      cap: () => this.opts.queueCap,
      faults: this.faults,
      random: this.random,
      log: opts.log,
      signOut: (channel, cause) => {
        const agent = this.agents.get(channel.agentId)
        if (agent?.push === channel) this.signOutNow(agent, cause)
      }
    })
    // Traffic draws from a stream of its own, so arming a fault never changes who calls when.
    this.center = new ContactCenter(this, opts.seed === undefined ? Math.random : seededRandom(opts.seed ^ 0x3c6ef372))
    this.calls.listener = this.center
    this.directory.addSource(() => this.center.directoryEntries())
    this.calls.transfers.router = this.center
    this.useWorldSettings()
  }

  /** What the world sets beyond look-ups: ring-out handling, colleagues and traffic. */
  private useWorldSettings (): void {
    this.calls.noAnswerThen = this.world.world.noAnswerThen
    this.center.useWorld()
  }

  // ---- sign-in family (spec §2) -------------------------------------------------------------

  login (agentId: string, input: LoginInput, kind: LoginKind): LoginResult {
    const status = input.status ?? 4
    const ex = kind === 'loginEx' || kind === 'forceLoginEx'
    const forced = kind === 'forceLogin' || kind === 'forceLoginEx'
    if (!ex && (input.password === undefined || input.phonenum === undefined || input.phonenum === '')) {
      fail('LOGIN_PARAM_EMPTY', `${input.password === undefined ? 'password' : 'phonenum'} is required`)
    }
    const command = signInCommand[status]
    if (command === undefined) fail('LOGIN_PARAM_INVALID', `status must be 3, 4 or 5, got ${status}`)
    const agentType = input.agenttype ?? 4
    if (agentType !== 4 && agentType !== 11) fail('LOGIN_AGENT_TYPE_INVALID', `agenttype must be 4 or 11, got ${agentType}`)
    const pushTarget = this.push.targetOf(input)
    const rostered = this.world.roster.get(agentId)
    if (this.world.roster.size > 0 && (rostered === undefined || (rostered.password !== undefined && rostered.password !== (input.password ?? '')))) {
      fail('WRONG_PASSWORD')
    }
    const existing = this.agents.get(agentId)
    if (existing !== undefined) {
      if (!forced) fail('ALREADY_SIGNED_IN')
      this.signOutNow(existing, 'forced sign-in elsewhere')
    }
    const now = this.clock.now()
    const agent: Agent = {
      id: agentId,
      status: 'signedOut',
      pendingBusy: false,
      pendingRest: false,
      pendingWork: false,
      lastCallConnected: false,
      autoEnterIdle: input.autoenteridle ?? true,
      session: this.sessions.open(agentId),
      loginTime: now,
      settings: {
        autoAnswer: input.autoanswer ?? true,
        autoEnterIdle: input.autoenteridle ?? true,
        // The forcelogin table documents releasephone default false (Part C §5.3).
        releasePhone: input.releasephone ?? !forced,
        phoneNum: input.phonenum ?? rostered?.phone ?? '',
        agentType
      },
      busyReason: '0',
      restReason: '0',
      restTimer: undefined,
      phoneOffHook: false,
      calls: [],
      lastCallId: undefined,
      lastActive: now,
      inactivityTimer: undefined,
      queue: new EventQueue(this.opts.queueCap, this.dropWarner(agentId, () => agent.push?.queueDropped())),
      skills: this.world.skillsOf(agentId),
      eventFaults: undefined,
      history: undefined
    }
    if (pushTarget !== undefined) agent.push = this.push.open(agentId, pushTarget, agent.queue, () => agent.session.guid)
    this.agents.set(agentId, agent)
    this.apply(agent, command)
    this.armInactivity(agent)
    this.forced.notify(agentId, 'Login')
    return {
      guid: agent.session.guid,
      push: pushTarget?.variant,
      result: {
        vdnid: 1,
        workno: agentId,
        mediatype: ex ? 'TFF' : 'TTF',
        loginTime: String(now),
        isForceChange: 'false',
        serverName: 'AgentGateway',
        timeRemaining: ''
      }
    }
  }

  logout (agentId: string): void {
    const agent = this.signedIn(agentId)
    const r = transition(agent, 'signOut')
    if (!r.ok) fail(r.error)
    this.signOutNow(agent, 'logout')
  }

  forceLogout (agentId: string, reason?: number): void {
    const agent = this.signedIn(agentId)
    this.signOutNow(agent, reason === undefined ? 'forcelogout' : `forcelogout reason ${reason}`)
  }

  /**
   * What an agent's full queue does with each event it drops: the push channel counts it, and a
   * warning is logged — at most one line per agent per DROP_LOG_INTERVAL_MS, carrying how many
   * were dropped since the last line. A client that stopped polling makes every new event drop
   * one: a line each was most of the CPU such a queue cost (bench workload k).
   */
  private dropWarner (agentId: string, counted: () => void): (dropped: GatewayEvent) => void {
    let lastLine = -Infinity
    let unlogged = 0
    return (dropped) => {
      counted()
      unlogged++
      const now = this.clock.now()
      if (now - lastLine < DROP_LOG_INTERVAL_MS) return
      this.opts.log.warn({ agent: agentId, dropped: dropped.eventType, droppedCount: unlogged, cap: this.opts.queueCap }, 'event queue full: oldest event dropped')
      lastLine = now
      unlogged = 0
    }
  }

  /** Sign out at once: calls released, ShutdownService to a held poll, session ended, state dropped. */
  signOutNow (agent: Agent, cause: string): void {
    // Out of the agent map first: the release events of its calls are not queued for it, so a
    // held poll gets AgentOther_ShutdownService, not the first event of the call's release.
    this.agents.delete(agent.id)
    this.calls.dropAllOf(agent)
    agent.restTimer?.cancel()
    agent.inactivityTimer?.cancel()
    this.apply(agent, 'forceSignOut')
    this.sessions.close(agent.session)
    agent.queue.wake()
    // A push agent's last events (ShutdownService) get one last attempt.
    this.push.signedOut(agent.id, agent.push, true)
    agent.queue.clear()
    this.agents.delete(agent.id)
    this.forced.forget(agent.id)
    this.forced.notify(agent.id, 'Logout')
    this.opts.log.info({ agent: agent.id, cause }, 'agent signed out')
  }

  resetSkill (agentId: string, autoflag: boolean, skillIds: string | undefined): Skill[] {
    const agent = this.signedIn(agentId)
    const configured = this.world.skillsOf(agentId)
    if (autoflag) agent.skills = configured
    else {
      const wanted = new Set((skillIds ?? '').split(';').map(s => s.trim()).filter(s => s !== ''))
      agent.skills = configured.filter(s => wanted.has(String(s.id)))
    }
    this.skillsChanged(agent)
    return agent.skills
  }

  agentSkills (agentId: string): Skill[] { return this.signedIn(agentId).skills }

  /** Skills changed (resetskill): waiting customers may now fit an idle agent. */
  private skillsChanged (agent: Agent): void { this.center.agentChanged(agent); this.center.kick() }

  /** Legacy push keep-alive `PUT onlineagent/{id}/heartbeat` (Part D §D5.2): liveness, and the sign-in time. */
  heartbeat (agentId: string): string {
    const agent = this.signedIn(agentId)
    this.touch(agent)
    return String(agent.loginTime)
  }

  /** Push-mode liveness (spec §2.7); `serviceToken`: the header's new token, sent with the pushes from now on. */
  handShake (agentId: string, serviceToken?: string): string | undefined {
    const agent = this.signedIn(agentId)
    this.touch(agent)
    if (serviceToken !== undefined && serviceToken !== '') agent.push?.refreshToken(serviceToken)
    return this.settings.guidRotation === 'dynamic' ? this.sessions.rotate(agent.session) : undefined
  }

  // ---- agent state (spec §3) ----------------------------------------------------------------

  getAgentStatus (agentId: string): { agentState: number, isWorking: boolean } {
    const agent = this.signedIn(agentId)
    return { agentState: agentStateCode(agent), isWorking: this.calls.isTalking(agent) }
  }

  sayBusy (agentId: string, reason: number | undefined, prolong: boolean): void {
    const agent = this.signedIn(agentId)
    // Remembered only once granted: a refused request keeps the reason of the busy in force.
    const busyReason = String(reason ?? 0)
    this.command(agent, 'sayBusy', { prolong, busyReason })
    agent.busyReason = busyReason
  }

  cancelBusy (agentId: string): void { this.command(this.signedIn(agentId), 'cancelBusy') }
  sayFree (agentId: string): void { this.command(this.signedIn(agentId), 'sayFree') }
  work (agentId: string): void { this.command(this.signedIn(agentId), 'work') }
  cancelWork (agentId: string): void { this.command(this.signedIn(agentId), 'cancelWork') }

  rest (agentId: string, seconds: number, cause: number, prolong: boolean): void {
    const agent = this.signedIn(agentId)
    const restReason = String(cause)
    this.command(agent, 'rest', { prolong, restReason })
    agent.restReason = restReason
    agent.restSeconds = seconds
    // Asked for during a call, the rest (and its time) begins when the call ends (apply 'vacate').
    if (agent.status === 'rest') this.armRest(agent)
  }

  /**
   * Rest expiry is a reminder only: the agent stays in rest (Part C §1, Rest_Timeout). The time
   * counts from when rest begins (AgentState_SetRest_Success), also on returning to rest after a call.
   */
  private armRest (agent: Agent): void {
    agent.restTimer?.cancel()
    const seconds = agent.restSeconds
    agent.restTimer = seconds === undefined
      ? undefined
      : this.clock.setTimer(seconds * 1000, () => {
        agent.restTimer = undefined
        if (this.agents.get(agent.id) === agent && agent.status === 'rest') this.apply(agent, 'restTimeout')
      })
  }

  cancelRest (agentId: string): void {
    const agent = this.signedIn(agentId)
    this.command(agent, 'cancelRest')
    agent.restTimer?.cancel()
    agent.restTimer = undefined
  }

  /** `settalkright`: whether the ACD offers the agent customers' calls (it still takes internal calls and transfers). */
  setTalkRight (agentId: string, flag: boolean): void {
    const agent = this.signedIn(agentId)
    agent.noTalkRight = !flag
    this.center.agentChanged(agent)
  }

  setAutoAnswer (agentId: string, flag: boolean): void { this.signedIn(agentId).settings.autoAnswer = flag }

  setAutoEnterIdle (agentId: string, flag: boolean): void {
    const agent = this.signedIn(agentId)
    agent.settings.autoEnterIdle = flag
    agent.autoEnterIdle = flag
  }

  // ---- events (spec §4) ---------------------------------------------------------------------

  /**
   * Long poll, first half: an event at once if one waits, else `holdPoll` holds up to pollWaitMs
   * for the next one. `alive` tells whether the client is still there; an event is never handed
   * to a gone client.
   *
   * The poll answered at once, without a promise: an event is waiting, or polls are not held
   * (pollWaitMs 0). `undefined` when the poll must be held: then call `holdPoll`.
   */
  pollNow (agentId: string, alive: () => boolean): PollResult | undefined {
    const agent = this.pollable(agentId)
    this.touch(agent)
    const event = agent.queue.take()
    if (event === undefined && this.settings.pollWaitMs > 0) return undefined
    return this.endPoll(agent, event, alive)
  }

  /**
   * Hold the poll until an event comes, the hold times out (pollWaitMs) or the returned cancel
   * runs; `done` gets the answer once, in a microtask (never inside the change that made the
   * event). No promise per held poll: thousands are held at a time.
   */
  holdPoll (agentId: string, alive: () => boolean, done: (r: PollResult) => void): () => void {
    const agent = this.pollable(agentId)
    let open = true
    const finish = (event: GatewayEvent | undefined): void => {
      if (!open) return
      open = false
      timer.cancel()
      agent.queue.release(waiter)
      queueMicrotask(() => { done(this.endPoll(agent, event, alive)) })
    }
    const timer = this.clock.setTimer(this.settings.pollWaitMs, () => { finish(undefined) })
    const waiter: Waiter = { alive, deliver: finish }
    agent.queue.hold(waiter)
    return () => { finish(undefined) }
  }

  /** A push-mode agent's events are not polled: 000-001, "wrong method of getting agent events" (§D5.4). */
  private pollable (agentId: string): Agent {
    const agent = this.signedIn(agentId)
    if (agent.push !== undefined) fail('WRONG_EVENT_METHOD', 'the agent signed in with a push callback: its events are pushed, not polled')
    return agent
  }

  private endPoll (agent: Agent, event: GatewayEvent | undefined, alive: () => boolean): PollResult {
    let newGuid: string | undefined
    if (this.agents.get(agent.id) === agent) {
      this.touch(agent)
      // A new GUID only for a client that will receive it: a poll abandoned while held must not
      // rotate the session out from under its client.
      if (this.settings.guidRotation === 'dynamic' && alive()) newGuid = this.sessions.rotate(agent.session)
    }
    return { event, newGuid }
  }

  /**
   * `GET agentevent/allagentevent`: every waiting event of every agent, drained. Under
   * `--auth strict` an agent sees only its own events: only the queues of the agents whose live
   * GUIDs `creds` carries are drained (docs/auth.md).
   */
  allAgentEvent (creds?: Credentials): GatewayEvent[] {
    const out: GatewayEvent[] = []
    const agents = this.opts.authMode === 'strict' && creds !== undefined
      ? this.sessions.owners(creds).map(id => this.agents.get(id)).filter((a): a is Agent => a !== undefined)
      : this.agents.values()
    for (const agent of agents) {
      if (agent.push !== undefined) continue
      for (let e = agent.queue.take(); e !== undefined; e = agent.queue.take()) out.push(e)
    }
    return out
  }

  /**
   * `GET calldata/{agentid}/callinfobycallid/{callid}`. Under `--auth strict` an agent reads only
   * calls it takes part in; another agent's call answers as an unknown one (its id tells nothing).
   */
  callInfoByCallId (agentId: string, callid: string): Record<string, unknown> {
    this.signedIn(agentId)
    const call = this.calls.get(callid)
    if (this.opts.authMode === 'strict' && call !== undefined && !callHasParty(call, agentId)) fail('CALLDATA_NO_CALL', `no call ${callid}`)
    return this.calls.callInfoByCallId(agentId, callid)
  }

  // ---- credentials --------------------------------------------------------------------------

  /** Order: the agent must be signed in (100-006), then the credential must fit (000-003). */
  authorize (agentId: string, creds: Credentials): AuthVerdict {
    this.signedIn(agentId)
    return this.sessions.check(agentId, creds, this.opts.authMode)
  }

  /** For routes without an agent id: any live session will do (unless auth is off). */
  authorizeAny (creds: Credentials): boolean {
    if (this.opts.authMode === 'off') return true
    return [creds.header, ...creds.cookies].some(g => g !== undefined && this.sessions.lookup(g) !== undefined)
  }

  /** The settings in force: the base with `override` (a scenario's `gateway:` block) over it. */
  useSettings (override: Partial<GatewaySettingsInForce> = {}): void {
    const next = { ...this.baseSettings }
    for (const [k, v] of Object.entries(override)) if (v !== undefined) (next as Record<string, unknown>)[k] = v
    this.settings = next
  }

  /** Swap the world (scenario activation). Agents the new roster no longer knows are signed out. */
  setWorld (world: World): void {
    this.world = new WorldIndex(world)
    this.useWorldSettings()
    if (this.world.roster.size === 0) return
    for (const agent of [...this.agents.values()]) {
      if (!this.world.roster.has(agent.id)) this.signOutNow(agent, 'not in the new roster')
    }
  }

  // ---- internals shared with the call engine ------------------------------------------------

  signedIn (agentId: string): Agent {
    const agent = this.agents.get(agentId)
    if (agent === undefined) fail('NOT_SIGNED_IN')
    return agent
  }

  /** Queue an event for `agent`; `bytes`: what its content holds when it came from outside (inject). */
  emit (agent: Agent, spec: EventSpec | { eventType: string, content: unknown }, bytes = 0): void {
    const event: GatewayEvent = { eventType: spec.eventType, workNo: agent.id, content: spec.content, genTime: this.clock.now() }
    if (bytes > 0) measure(event, bytes)
    this.remember(agent, event)
    this.observer?.(agent.id, event.eventType)
    const f = agent.eventFaults
    if (f === undefined) { this.enqueue(agent, event); return }
    if (f.drop > 0) { f.drop--; this.opts.log.info({ agent: agent.id, event: event.eventType }, 'fault: event dropped'); return }
    const copies = f.duplicate > 0 ? 2 : 1
    if (f.duplicate > 0) f.duplicate--
    for (let i = 0; i < copies; i++) {
      if (f.held !== undefined) f.held.push(event)
      else this.enqueue(agent, event)
    }
  }

  /** Into the agent's queue (a held poll takes it at once); a push agent's channel is kicked. */
  enqueue (agent: Agent, event: GatewayEvent): void {
    agent.queue.push(event)
    agent.push?.kick()
    this.push.mirror(event)
  }

  /**
   * Keep `event` in its agent's history: the last historySize events, at most HISTORY_LIMITS.agentBytes
   * of injected content per agent and HISTORY_LIMITS.totalBytes over all agents (the agents
   * remembered longest lose theirs first), at most HISTORY_LIMITS.agents agents, and each agent
   * its share of HISTORY_LIMITS.events.
   */
  private remember (agent: Agent, event: GatewayEvent): void {
    const size = this.opts.historySize ?? 100
    if (size <= 0) return
    let h = agent.history
    if (h === undefined || h.forgotten) {
      h = this.history.get(agent.id)
      if (h === undefined) {
        if (this.history.size >= HISTORY_LIMITS.agents) this.forgetHistory(this.history.keys().next().value!)
        h = { events: new EventRing(size), bytes: 0, forgotten: false }
        this.history.set(agent.id, h)
      }
      agent.history = h
    }
    const bytes = eventBytes(event)
    h.bytes += bytes
    this.historyBytes += bytes
    // Its share, and room for the new event within it: a ring out of slots grows to the share at once.
    const share = Math.min(size, Math.max(10, Math.floor(HISTORY_LIMITS.events / this.history.size)))
    while (h.events.length >= share) this.dropFromHistory(h, h.events.drop())
    h.events.push(event, bytes, share)
    while (h.bytes > HISTORY_LIMITS.agentBytes && h.events.length > 1) this.dropFromHistory(h, h.events.drop())
    while (this.historyBytes > HISTORY_LIMITS.totalBytes && this.history.size > 1) {
      const oldest = this.history.keys().next().value!
      this.forgetHistory(oldest === agent.id ? [...this.history.keys()][1]! : oldest)
    }
  }

  /** An event left the history: `bytes`, its measured size, no longer counts. */
  private dropFromHistory (h: { bytes: number }, bytes: number): void {
    h.bytes -= bytes
    this.historyBytes -= bytes
  }

  /**
   * Forget the event history of one agent, or of every agent (control API resets, and the bounds
   * in remember). Its events go at once: the agent's reference must not keep what was let go.
   */
  forgetHistory (agentId?: string): void {
    if (agentId === undefined) {
      for (const h of this.history.values()) letGo(h)
      this.history.clear()
      this.historyBytes = 0
      return
    }
    const h = this.history.get(agentId)
    if (h === undefined) return
    this.historyBytes -= h.bytes
    letGo(h)
    this.history.delete(agentId)
  }

  /** The last events of an agent (at most historySize), oldest first. */
  historyOf (agentId: string): GatewayEvent[] {
    const size = this.opts.historySize ?? 100
    const list = this.history.get(agentId)?.events.toArray() ?? []
    return list.length > size ? list.slice(list.length - size) : list
  }

  /** Run a machine command and enqueue its events; a refused command throws its code. */
  command (agent: Agent, cmd: AgentCommand, input?: CommandInput): void {
    // Spelled out rather than spread: this runs on every state-changing request.
    const r = transition(agent, cmd, {
      busyReason: input?.busyReason ?? agent.busyReason,
      restReason: input?.restReason ?? agent.restReason,
      loginTime: String(agent.loginTime),
      prolong: input?.prolong
    })
    if (!r.ok) fail(r.error)
    if (r.change.status !== undefined && r.change.status !== agent.status) agent.stateSince = this.clock.now()
    applyChange(agent, r.change)
    for (const e of r.emit) this.emit(agent, e)
    this.center.agentChanged(agent)
  }

  /** Like command, for transitions the simulator itself drives (they cannot be refused). */
  apply (agent: Agent, cmd: AgentCommand): void {
    const r = transition(agent, cmd, { busyReason: agent.busyReason, restReason: agent.restReason, loginTime: String(agent.loginTime) })
    if (!r.ok) { this.opts.log.warn({ agent: agent.id, status: agent.status, command: cmd }, 'simulator transition refused'); return }
    if (cmd === 'vacate' && this.wrapUpFirst(agent)) return
    if (r.change.status !== undefined && r.change.status !== agent.status) agent.stateSince = this.clock.now()
    applyChange(agent, r.change)
    for (const e of r.emit) this.emit(agent, e)
    if (cmd === 'vacate' && agent.status === 'rest') this.armRest(agent)
    this.center.agentChanged(agent)
  }

  /**
   * After a connected call, an agent with auto-enter-idle on spends the world's wrap-up time in
   * after-call work, then is idle by itself (wrapUpMs 0: idle at once, as without a wrap-up time).
   */
  private wrapUpFirst (agent: Agent): boolean {
    const ms = this.world.world.wrapUpMs
    if (ms <= 0 || !agent.lastCallConnected || !agent.autoEnterIdle || agent.pendingBusy || agent.pendingRest || agent.pendingWork) return false
    agent.status = 'work'
    agent.stateSince = this.clock.now()
    this.emit(agent, { eventType: 'AgentState_Work', content: null })
    const token = {}
    agent.wrapUp = token
    this.clock.setTimer(ms, () => {
      if (this.agents.get(agent.id) !== agent || agent.wrapUp !== token || agent.status !== 'work') return
      agent.wrapUp = undefined
      agent.status = 'idle'
      agent.stateSince = this.clock.now()
      this.emit(agent, { eventType: 'AgentState_Ready', content: null })
      this.center.agentChanged(agent)
    })
    return true
  }

  touch (agent: Agent): void { agent.lastActive = this.clock.now() }

  /** The 2-minute rule: one timer per agent, re-armed lazily from lastActive when it fires. */
  private armInactivity (agent: Agent): void {
    const timeout = this.settings.inactivityTimeoutMs
    if (timeout <= 0) return
    const due = agent.lastActive + timeout - this.clock.now()
    agent.inactivityTimer = this.clock.setTimer(due, () => {
      if (this.agents.get(agent.id) !== agent) return
      if (agent.queue.holding) this.touch(agent)
      if (this.clock.now() - agent.lastActive >= timeout) this.signOutNow(agent, 'inactivity')
      else this.armInactivity(agent)
    })
  }
}

/** The fields applyChange copies. Its callers do not compile when Change gains another: copy it there too. */
type CopiedChange = 'status' | 'pendingBusy' | 'pendingRest' | 'pendingWork'

/** A transition's change, field by field: direct stores, not Object.assign (this runs on every state change). */
function applyChange (agent: Agent, change: Change & Record<Exclude<keyof Change, CopiedChange>, never>): void {
  if (change.status !== undefined) agent.status = change.status
  if (change.pendingBusy !== undefined) agent.pendingBusy = change.pendingBusy
  if (change.pendingRest !== undefined) agent.pendingRest = change.pendingRest
  if (change.pendingWork !== undefined) agent.pendingWork = change.pendingWork
}
