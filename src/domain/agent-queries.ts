/**
 * Agent, group and skill-queue queries (Part D §D3.2–§D3.3): `agentgroup/*`, the agent and skill
 * queries of `queuedevice/*`, `querymonitor/*` and `qualitycontrol/allagent`. Everything is read
 * from the agent directory (directory.ts) and the world; shapes follow Part D's agent object.
 */
import type { Clock } from './clock.js'
import type { AgentDirectory, DirectoryEntry } from './directory.js'
import { fail } from './errors.js'
import type { AgentRole, Skill, WorkGroup, WorldIndex } from './world.js'

export interface QueryView {
  readonly directory: AgentDirectory
  readonly world: WorldIndex
  readonly clock: Clock
}

/** The one VDN the mock simulates (sign-in answers vdnid 1). */
export const VDN_ID = 1
/** The one gateway node (GUID suffix AgentGateway0). */
export const NODE_NAME = 'AgentGateway0'

const skillItem = (s: Skill): { name: string, id: number, mediatype: number } => ({ name: s.name, id: s.id, mediatype: 5 })

/** Part D §D3.3 agent object, keys in the documented order. */
export function agentObject (e: DirectoryEntry): Record<string, unknown> {
  return {
    workno: e.workno,
    name: e.name,
    status: e.agentState,
    ctiStatus: e.ctiStatus,
    groupid: e.group.id,
    groupname: e.group.name,
    skilllist: e.skills.map(skillItem),
    callids: e.callids,
    mediatype: 'TTF',
    vdnid: VDN_ID,
    phonenumber: e.phone,
    currentstatetime: e.stateSince ?? 0,
    logindate: e.loginTime ?? 0
  }
}

const nameItem = (e: DirectoryEntry): { workno: string, name: string } => ({ workno: e.workno, name: e.name })

export class AgentQueries {
  constructor (private readonly view: QueryView) {}

  private all (): DirectoryEntry[] { return this.view.directory.list() }
  private online (): DirectoryEntry[] { return this.all().filter(e => e.signedIn) }

  private entry (workno: string): DirectoryEntry {
    const e = this.view.directory.get(workno)
    if (e === undefined) fail('GROUP_NO_AGENT', `agent ${workno} does not exist`)
    return e
  }

  private groupInfo (g: WorkGroup): Record<string, unknown> {
    const monitor = g.monitorno === undefined ? undefined : this.view.directory.get(g.monitorno)
    return { id: g.id, name: g.name, monitorno: Number(g.monitorno ?? 0), monitorname: monitor?.name ?? '' }
  }

  // ---- agentgroup ---------------------------------------------------------------------------

  agentByWorkNo (workno: string): Record<string, unknown> { return agentObject(this.entry(workno)) }

  /** Signed-in agents with the skill (signed in to it). */
  /**
   * Agents signed in to the skill that may answer inbound calls (cec_07_1025); the optional body
   * `{"agentLimit":1..500,"agentStatus":[agentState...]}` (both or neither) keeps those in one of
   * the states, at most `agentLimit` of them.
   */
  agentsBySkill (skillId: number, filter: { agentLimit?: number | undefined, agentStatus?: number[] | undefined } = {}): Array<Record<string, unknown>> {
    if ((filter.agentLimit === undefined) !== (filter.agentStatus === undefined)) fail('INVALID_PARAMETER', 'agentLimit and agentStatus go together')
    const states = filter.agentStatus === undefined ? undefined : new Set(filter.agentStatus)
    const on = this.online().filter(e => e.skills.some(s => s.id === skillId) && e.talkRight !== false && (states === undefined || states.has(e.agentState)))
    return on.slice(0, filter.agentLimit ?? on.length).map(agentObject)
  }

  agentIdsBySkill (skillId: number): string[] {
    return this.online().filter(e => e.skills.some(s => s.id === skillId)).map(e => e.workno)
  }

  /** Agents the skill is configured for, signed in or not. */
  agentsByConfiguredSkill (skillId: number): Array<Record<string, unknown>> {
    return this.all().filter(e => e.configuredSkills.some(s => s.id === skillId)).map(agentObject)
  }

  /** The agent objects without `skilllist`, for the named agents (all signed-in agents when none named). */
  agentInfoNoSkills (worknos: string[] | undefined): Array<Record<string, unknown>> {
    const list = worknos === undefined ? this.online() : worknos.map(w => this.entry(w))
    return list.map(e => { const { skilllist: _, ...rest } = agentObject(e); return rest })
  }

  agentsByStatus (status: number): Array<Record<string, unknown>> {
    return this.all().filter(e => e.agentState === status).map(agentObject)
  }

  /** Agents of a group: `groupId`, or the asking agent's own group. */
  agentsOnGroup (askedBy: string, groupId: number | undefined): Array<Record<string, unknown>> {
    const id = groupId ?? this.entry(askedBy).group.id
    if (!this.view.world.groups().some(g => g.id === id)) fail('GROUP_NO_GROUP', `group ${id} does not exist`)
    return this.all().filter(e => e.group.id === id).map(agentObject)
  }

  restInfo (): Array<Record<string, unknown>> {
    return this.online().filter(e => e.rest !== undefined).map(e => ({
      workno: e.workno, name: e.name, restReason: e.rest?.reason ?? 0, restTime: e.rest?.seconds ?? 0, restBeginTime: e.stateSince ?? 0
    }))
  }

  names (): Array<{ workno: string, name: string }> { return this.all().map(nameItem) }

  allStatus (): Array<Record<string, unknown>> {
    return this.all().map(e => ({ workno: e.workno, status: e.agentState, name: e.name, groupName: e.group.name, ctiStatus: e.ctiStatus }))
  }

  groupByAgent (workno: string): Record<string, unknown> { return this.groupInfo(this.entry(workno).group) }

  groupsOnVdn (): Array<Record<string, unknown>> { return this.view.world.groups().map(g => this.groupInfo(g)) }

  idle (): Array<{ workno: string, name: string }> { return this.online().filter(e => e.agentState === 4).map(nameItem) }

  hasRole (workno: string, role: AgentRole): boolean { return this.entry(workno).roles.has(role) }

  phonesOnVdn (): Array<{ workno: string, phonenumber: string }> {
    return this.online().map(e => ({ workno: e.workno, phonenumber: e.phone }))
  }

  onlineOnVdn (): Array<Record<string, unknown>> { return this.online().map(agentObject) }

  statusAndTime (): Array<Record<string, unknown>> {
    return this.all().map(e => ({ workno: e.workno, name: e.name, status: e.agentState, ctiStatus: e.ctiStatus, currentstatetime: e.stateSince ?? 0 }))
  }

  statusAndSkills (): Array<Record<string, unknown>> {
    return this.all().map(e => ({ workno: e.workno, name: e.name, status: e.agentState, skilllist: e.skills.map(skillItem) }))
  }

  restReasons (): Array<{ restReason: string, restReasonId: number }> {
    return (this.view.world.world.restReasons ?? []).map(r => ({ restReason: r.name, restReasonId: r.id }))
  }

  // ---- qualitycontrol ------------------------------------------------------------------------

  /** The agents an inspector may monitor: every other agent of the VDN (300-001 for a non-inspector). */
  monitoredAgents (inspector: string): Array<Record<string, unknown>> {
    if (!this.hasRole(inspector, 'inspector')) fail('GROUP_NO_RIGHT', `agent ${inspector} is not an inspector`)
    return this.all().filter(e => e.workno !== inspector).map(agentObject)
  }

  // ---- queuedevice ---------------------------------------------------------------------------

  vdnSkills (vdnId: number = VDN_ID): Array<Record<string, unknown>> {
    if (vdnId !== VDN_ID) fail('QUEUE_NO_QUEUE', `VDN ${vdnId} does not exist (the mock simulates VDN ${VDN_ID})`)
    const skills = this.view.world.world.skills
    if (skills.length === 0) fail('QUEUE_QUERY_FAILED', 'no skill queue in the VDN')
    return skills.map(s => ({ name: s.name, id: s.id, mediatype: 5, serviceType: 0, realFlag: 1 }))
  }

  /** Skills the agent is signed in to. */
  agentSkills (workno: string): Array<{ name: string, id: number, mediatype: number }> {
    const e = this.view.directory.get(workno)
    if (e === undefined) fail('QUEUE_NO_SKILL', `agent ${workno} does not exist`)
    return e.skills.map(skillItem)
  }

  ivrs (): Array<Record<string, unknown>> {
    const ivrs = this.view.world.world.ivrs ?? []
    if (ivrs.length === 0) fail('QUEUE_NO_IVR')
    return ivrs.map(i => ({ access: i.access, id: i.id, description: i.description, serviceNo: i.serviceNo ?? 1 }))
  }

  // ---- querymonitor --------------------------------------------------------------------------

  clusters (): Array<Record<string, unknown>> {
    return [{ clusterName: NODE_NAME, clusterState: 0, agentNum: this.online().length }]
  }

  cluster (name: string): Record<string, unknown> {
    const c = this.clusters().find(x => x.clusterName === name)
    if (c === undefined) fail('INVALID_PARAMETER', `no cluster named ${name}`)
    return c
  }

  agentCluster (workno: string): Record<string, unknown> {
    const e = this.entry(workno)
    if (!e.signedIn) fail('NOT_SIGNED_IN', `agent ${workno} has not signed in`)
    return { workno, clusterName: NODE_NAME }
  }

  allAgentClusters (): Array<Record<string, unknown>> { return this.online().map(e => ({ workno: e.workno, clusterName: NODE_NAME })) }

  /** Agent counts of a skill (waiting-call figures are the queue engine's, issue #11). */
  skillStatistics (skillId: number): Record<string, unknown> {
    const skill = this.view.world.world.skills.find(s => s.id === skillId)
    if (skill === undefined) fail('QUEUE_NO_QUEUE', `skill ${skillId} does not exist`)
    const on = this.online().filter(e => e.skills.some(s => s.id === skillId))
    const count = (state: number): number => on.filter(e => e.agentState === state).length
    return {
      skillId,
      skillName: skill.name,
      loggedOnAgents: on.length,
      idleAgents: count(4),
      talkingAgents: count(7) + count(9),
      busyAgents: count(3),
      restAgents: count(8),
      workAgents: count(5)
    }
  }
}
