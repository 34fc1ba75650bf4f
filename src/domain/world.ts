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

export interface Skill { id: number, name: string }

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
}

/** The group every agent belongs to when the world names none. */
export const DEFAULT_GROUP: WorkGroup = { id: 1, name: 'default' }

export const emptyWorld = (): World => ({
  ringTimeoutMs: 30000,
  defaultCaller: '10086',
  skills: [{ id: 1, name: 'voice' }],
  roster: [],
  simulatedAgents: [],
  externalNumbers: []
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
  private readonly exact = new Map<string, ExternalNumber>()
  private readonly patterns: Array<{ re: NumberPattern | undefined, source: string, spec: ExternalNumber }> = []

  constructor (readonly world: World) {
    for (const a of world.roster) this.roster.set(a.id, a)
    for (const a of world.simulatedAgents) this.simulated.set(a.id, a)
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
