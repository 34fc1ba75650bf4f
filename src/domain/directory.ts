/**
 * The agent directory (issue #13): ONE list of every agent the gateway knows, with its state —
 * real signed-in agents, and roster agents that are signed out. Every agent and group query
 * (agentgroup, queuedevice, querymonitor, qualitycontrol/allagent) reads this list and nothing
 * else, so agents from another source (simulated colleagues, issue #11) appear in all of them as
 * soon as that source is added with `addSource`.
 */
import { agentStateCode } from './agent-machine.js'
import type { Agent } from './agent.js'
import type { Clock } from './clock.js'
import type { AgentRole, Skill, WorkGroup, WorldIndex } from './world.js'

/** One agent as the queries see it. */
export interface DirectoryEntry {
  workno: string
  name: string
  signedIn: boolean
  /** The CC-Gateway agentState (Part C §2): 2 signed out, 3 busy, 4 idle, 5 wrap-up, 7 in a call, 8 rest, 9 pre-rest. */
  agentState: number
  /** The CTI platform state (Part C §2): 0 signed out, 1 idle, 2 pre-occupied, 5 talking, 6 wrap-up, 7 busy, 8 rest. */
  ctiStatus: number
  group: WorkGroup
  phone: string
  /** Skills configured for the agent (roster), whatever it signed in to. */
  configuredSkills: Skill[]
  /** Skills the agent is signed in to; [] when signed out. */
  skills: Skill[]
  loginTime: number | undefined
  /** When the current state began (sign-in time for roster agents never seen: undefined). */
  stateSince: number | undefined
  callids: string[]
  roles: ReadonlySet<AgentRole>
  /** While in rest: the rest reason and granted length. */
  rest: { reason: number, seconds: number } | undefined
  /** false after `settalkright?flag=0` (no customer offered); absent: the right is there. */
  talkRight?: boolean | undefined
}

/** Another population of agents (e.g. simulated colleagues); a real signed-in agent wins on the same work number. */
export type DirectorySource = () => Iterable<DirectoryEntry>

/** What the directory reads from the simulator (the Simulator satisfies it). */
export interface DirectoryView {
  readonly agents: ReadonlyMap<string, Agent>
  readonly world: WorldIndex
  readonly clock: Clock
  readonly calls: { isTalking(agent: Agent): boolean }
}

export const DEFAULT_ROLES: ReadonlySet<AgentRole> = new Set(['callout'])

function ctiStatusOf (agent: Agent, talking: boolean): number {
  switch (agent.status) {
    case 'signedOut': return 0
    case 'idle': return 1
    case 'occupied': return talking ? 5 : 2
    case 'work': return 6
    case 'notReady': return 7
    case 'rest': return 8
  }
}

export class AgentDirectory {
  private readonly sources: DirectorySource[] = []

  constructor (private readonly view: DirectoryView) {}

  addSource (source: DirectorySource): void { this.sources.push(source) }

  /** Every agent, ordered by work number. */
  list (): DirectoryEntry[] {
    const out = new Map<string, DirectoryEntry>()
    for (const agent of this.view.agents.values()) out.set(agent.id, this.signedInEntry(agent))
    for (const r of this.view.world.roster.values()) if (!out.has(r.id)) out.set(r.id, this.signedOutEntry(r.id))
    for (const source of this.sources) for (const e of source()) if (!out.has(e.workno)) out.set(e.workno, e)
    return [...out.values()].sort((a, b) => Number(a.workno) - Number(b.workno))
  }

  /** One agent by work number, or undefined when the gateway does not know it. */
  get (workno: string): DirectoryEntry | undefined {
    const agent = this.view.agents.get(workno)
    if (agent !== undefined) return this.signedInEntry(agent)
    if (this.view.world.roster.has(workno)) return this.signedOutEntry(workno)
    for (const source of this.sources) for (const e of source()) if (e.workno === workno) return e
    return undefined
  }

  private common (workno: string): Pick<DirectoryEntry, 'workno' | 'name' | 'group' | 'configuredSkills' | 'roles'> {
    const world = this.view.world
    const r = world.roster.get(workno)
    return {
      workno,
      name: r?.name ?? workno,
      group: world.groupOf(workno),
      configuredSkills: world.skillsOf(workno),
      roles: r?.roles === undefined ? DEFAULT_ROLES : new Set(r.roles)
    }
  }

  private signedInEntry (agent: Agent): DirectoryEntry {
    const talking = agent.status === 'occupied' && this.view.calls.isTalking(agent)
    return {
      ...this.common(agent.id),
      signedIn: true,
      agentState: agentStateCode(agent),
      ctiStatus: ctiStatusOf(agent, talking),
      phone: agent.settings.phoneNum,
      skills: agent.skills,
      loginTime: agent.loginTime,
      stateSince: agent.stateSince ?? agent.loginTime,
      callids: [...agent.calls],
      rest: agent.status === 'rest' ? { reason: Number(agent.restReason), seconds: agent.restSeconds ?? 0 } : undefined,
      talkRight: agent.noTalkRight !== true
    }
  }

  private signedOutEntry (workno: string): DirectoryEntry {
    return {
      ...this.common(workno),
      signedIn: false,
      agentState: 2,
      ctiStatus: 0,
      phone: this.view.world.roster.get(workno)?.phone ?? '',
      skills: [],
      loginTime: undefined,
      stateSince: undefined,
      callids: [],
      rest: undefined
    }
  }
}
