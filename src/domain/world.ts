/**
 * The simulated contact centre around the agents a client signs in (issue #3): the agent roster,
 * simulated agents that answer internal calls, and external numbers for call-out. Loaded from a
 * world file (see src/world/); this module only holds the shapes and the look-ups.
 */
import { RE2JS } from 're2js'

export type PeerBehaviour = 'answer' | 'noAnswer' | 'reject' | 'busy' | 'notSignedIn' | 'invalid'

export interface PeerSpec {
  behaviour: PeerBehaviour
  /** answer / reject: ms of ringing first. */
  afterMs?: number | undefined
  /** answer: the far end hangs up this many ms after answering. */
  hangUpAfterMs?: number | undefined
}

export interface SimulatedAgent extends PeerSpec { id: string, name?: string | undefined, phone?: string | undefined }

export interface ExternalNumber extends PeerSpec {
  /** Exact number, or... */
  number?: string | undefined
  /** ...a regular expression matched against the whole dialled number. */
  pattern?: string | undefined
  name?: string | undefined
}

export interface Skill {
  id: number
  name: string
  /** Customers the skill's queue holds at most (queryacdstat `maxQueueSize`). */
  capacity?: number | undefined
  /** A customer arriving at a full queue: a busy signal, or the queue of another skill. */
  overflow?: 'busy' | number | undefined
}

/**
 * A duration or a count drawn from `--seed`: a fixed number, `{mean}` (exponential, as arrivals,
 * patience and talk times are in queueing models) or `{min, max}` (uniform).
 */
export type Draw = number | { mean: number } | { min: number, max: number }

/** A hotline number (access code) that leads to a skill queue, optionally after an IVR. */
export interface AccessCode {
  inno: string
  skill: number
  description?: string | undefined
  /** Time in the IVR before the customer joins the queue. */
  ivrDelayMs?: number | undefined
}

/**
 * Simulated colleagues that take customers' calls like signed-in agents: one (`id`) or a
 * population (`count` agents numbered from `idFrom`).
 */
export interface ColleagueSpec {
  id?: string | undefined
  count?: number | undefined
  idFrom?: string | undefined
  name?: string | undefined
  skills: number[]
  /** Ringing before the colleague answers. */
  answerAfterMs?: Draw | undefined
  /** How long the colleague talks before it hangs up (the customer may hang up first). */
  handleTimeMs?: Draw | undefined
  /** After-call work before the colleague is idle again. */
  wrapUpMs?: Draw | undefined
}

/** Background customers: arrivals at a hotline or skill, by a rate or a schedule by time of day. */
export interface TrafficSpec {
  /** The access code dialled, or... */
  to?: string | undefined
  /** ...the skill queue joined directly. */
  skill?: number | undefined
  /** Mean arrivals per hour (Poisson), all day. */
  perHour?: number | undefined
  /** Or mean arrivals per hour by time of day (UTC, `HH:MM`, from inclusive, to exclusive). */
  schedule?: Array<{ from: string, to: string, perHour: number }> | undefined
  /** How long a waiting customer waits before hanging up. Never, when absent. */
  patienceMs?: Draw | undefined
  /** How long a customer talks once answered. Until the agent hangs up, when absent. */
  talkMs?: Draw | undefined
  /** Caller numbers are this prefix and a sequence number. */
  callerPrefix?: string | undefined
  priority?: number | undefined
  callappdata?: string | undefined
}

/** Rights an agent may have (roster `roles`); absent roles → only `callout`. */
export type AgentRole = 'inspector' | 'pickup' | 'callout' | 'monitor' | 'spyMonitor' | 'reportManager' | 'system'

export interface RosterAgent {
  id: string
  password?: string | undefined
  phone?: string | undefined
  name?: string | undefined
  skills?: number[] | undefined
  /** Work group id (`groups`); absent → the first group. */
  group?: number | undefined
  roles?: AgentRole[] | undefined
}

/** A work group (agentgroup queries); `monitorno` is its inspector's work number. */
export interface WorkGroup { id: number, name: string, monitorno?: string | undefined }

export interface RestReason { id: number, name: string }

/** An IVR flow of the VDN (`queuedevice/ivrinfo`). */
export interface Ivr { id: number, access: string, description: string, serviceNo?: number | undefined }

export interface World {
  /** Manual-answer ring timeout for real agents and `noAnswer` peers. */
  ringTimeoutMs: number
  /** Caller number shown for call-outs when the request leaves `caller` empty. */
  defaultCaller: string
  skills: Skill[]
  /** Empty: any agent id in range may sign in with any password. */
  roster: RosterAgent[]
  simulatedAgents: SimulatedAgent[]
  externalNumbers: ExternalNumber[]
  /** Optional (issue #13): work groups, rest reasons and IVR flows for the agent and queue queries. */
  groups?: WorkGroup[] | undefined
  restReasons?: RestReason[] | undefined
  ivrs?: Ivr[] | undefined
  accessCodes: AccessCode[]
  colleagues: ColleagueSpec[]
  traffic: TrafficSpec[]
  /** After-call work of an agent with auto-enter-idle on: this long in wrap-up, then idle (0: idle at once). */
  wrapUpMs: number
  /** A manual-answer agent that lets a customer's call ring out is set busy (reason 2) or left idle. */
  noAnswerThen: 'busy' | 'idle'
  /** Who the ACD offers a customer to first: signed-in agents before simulated colleagues, or whoever is idle longest. */
  distribution: 'realFirst' | 'longestIdle'
}

/** The group every agent belongs to when the world names none. */
export const DEFAULT_GROUP: WorkGroup = { id: 1, name: 'default' }

export const emptyWorld = (): World => ({
  ringTimeoutMs: 30000,
  defaultCaller: '10086',
  skills: [{ id: 1, name: 'voice' }],
  roster: [],
  simulatedAgents: [],
  externalNumbers: [],
  accessCodes: [],
  colleagues: [],
  traffic: [],
  wrapUpMs: 0,
  noAnswerThen: 'busy',
  distribution: 'realFirst'
})

/** A compiled `externalNumbers[].pattern`: matches whole numbers only. */
export interface NumberPattern { matches(input: string): boolean }

/**
 * Compile an external-number pattern with RE2 syntax and linear-time matching (re2js, a port of
 * RE2): a pattern from a world file can never block the server (issue #16, finding 5), whatever
 * it is. Throws on a pattern RE2 refuses (back-references, look-arounds, repeat counts over 1000).
 */
export function compileNumberPattern (pattern: string): NumberPattern {
  return RE2JS.compile(pattern)
}

export class WorldIndex {
  readonly roster = new Map<string, RosterAgent>()
  readonly simulated = new Map<string, SimulatedAgent>()
  readonly accessCodes = new Map<string, AccessCode>()
  readonly skills = new Map<number, Skill>()
  private readonly exact = new Map<string, ExternalNumber>()
  private readonly patterns: Array<{ re: NumberPattern | undefined, source: string, spec: ExternalNumber }> = []

  constructor (readonly world: World) {
    for (const a of world.roster) this.roster.set(a.id, a)
    for (const a of world.simulatedAgents) this.simulated.set(a.id, a)
    for (const c of world.accessCodes) this.accessCodes.set(c.inno, c)
    for (const k of world.skills) this.skills.set(k.id, k)
    for (const n of world.externalNumbers) {
      if (n.number !== undefined) this.exact.set(n.number, n)
      else if (n.pattern !== undefined) this.patterns.push({ re: undefined, source: n.pattern, spec: n })
    }
  }

  external (number: string): ExternalNumber | undefined {
    return this.exact.get(number) ?? this.patterns.find(p => (p.re ??= compileNumberPattern(p.source)).matches(number))?.spec
  }

  groups (): WorkGroup[] {
    const groups = this.world.groups ?? []
    return groups.length > 0 ? groups : [DEFAULT_GROUP]
  }

  /** The agent's work group: its roster `group`, else the first group. */
  groupOf (agentId: string): WorkGroup {
    const groups = this.groups()
    const id = this.roster.get(agentId)?.group
    return groups.find(g => g.id === id) ?? groups[0] ?? DEFAULT_GROUP
  }

  skillsOf (agentId: string): Skill[] {
    const ids = this.roster.get(agentId)?.skills
    if (ids === undefined) return this.world.skills
    return this.world.skills.filter(s => ids.includes(s.id))
  }
}
