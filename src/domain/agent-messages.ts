/**
 * The `onlineagent` interfaces beyond sign-in and state (issue #13): notes and bulletins delivered
 * to the receivers as events, another agent's skills, binding a phone, passwords, and the settings
 * the gateway keeps per sign-in (forwarding, talk right, self-recording).
 */
import type { Agent } from './agent.js'
import type { AgentDirectory, DirectoryEntry } from './directory.js'
import { fail } from './errors.js'
import type { Skill, WorldIndex } from './world.js'

export interface MessagesView {
  readonly agents: ReadonlyMap<string, Agent>
  readonly world: WorldIndex
  readonly directory: AgentDirectory
  signedIn(agentId: string): Agent
  emit(agent: Agent, event: { eventType: string, content: unknown }): void
}

/** What an agent set for its current sign-in (a new sign-in starts from the defaults). */
export interface AgentSettingsExtra {
  forwarding: Record<string, unknown> | undefined
  selfRecord: { record: boolean, beforeTalking: boolean }
}

/** Bulletin targets (`targettype`): the whole VDN, a work group, a skill queue, or listed agents. */
export type BulletinTarget = 'vdn' | 'group' | 'skill' | 'agents'
const TARGETS: Record<string, BulletinTarget> = { 0: 'vdn', 1: 'group', 2: 'skill', 3: 'agents' }

export const MAX_NOTE_RECEIVERS = 100
export const PASSWORD_LENGTH = { min: 8, max: 30 }

export class AgentMessages {
  private readonly settings = new WeakMap<Agent, AgentSettingsExtra>()

  constructor (private readonly view: MessagesView) {}

  /** The work number an account signs in as: a roster agent's name or work number (any valid work number without a roster). */
  accountOwner (account: string): string {
    const roster = this.view.world.roster
    if (roster.has(account)) return account
    for (const r of roster.values()) if (r.name === account) return r.id
    if (roster.size === 0) return account
    fail('WRONG_PASSWORD', `no agent with the account ${account}`)
  }

  /** Skills configured for another agent of the VDN (signed in or not). */
  skillsOf (workno: string): Skill[] {
    const e = this.view.directory.get(workno)
    if (e === undefined) fail('GROUP_NO_AGENT', `agent ${workno} does not exist`)
    return e.configuredSkills
  }

  bindPhone (agentId: string, phone: string): void {
    this.view.signedIn(agentId).settings.phoneNum = phone
  }

  /** The roster password (when the roster names the agent); old must match, new 8–30 characters. */
  changePassword (agentId: string, oldPassword: string, newPassword: string): void {
    this.view.signedIn(agentId)
    if (newPassword.length < PASSWORD_LENGTH.min || newPassword.length > PASSWORD_LENGTH.max) fail('PASSWORD_LENGTH_INVALID')
    const roster = this.view.world.roster
    const r = roster.get(agentId)
    if (r === undefined) return // no roster entry: any password signs in, nothing to change
    if (r.password !== undefined && r.password !== oldPassword) fail('OLD_PASSWORD_WRONG')
    if (oldPassword === newPassword) fail('MODIFY_PASSWORD_FAILED', 'the new password is the old one')
    // Only in the running world's index: activating the scenario again restores the file's password.
    roster.set(agentId, { ...r, password: newPassword })
  }

  /** A note (`AgentOther_Note {sender, context}`) to each receiver signed in; the ones not signed in are returned. */
  sendNote (from: string, receivers: string[], text: string): string[] {
    this.view.signedIn(from)
    if (receivers.length === 0 || receivers.length > MAX_NOTE_RECEIVERS) fail('INVALID_PARAMETER', `give 1 to ${MAX_NOTE_RECEIVERS} receivers`)
    const missed: string[] = []
    const unique = new Set(receivers)
    for (const id of unique) {
      const agent = this.view.agents.get(id)
      if (agent === undefined) missed.push(id)
      else this.view.emit(agent, { eventType: 'AgentOther_Note', content: { sender: from, context: text } })
    }
    if (missed.length === unique.size) fail('INVALID_PARAMETER', `no receiver is signed in: ${missed.join(', ')}`)
    return missed
  }

  /** A bulletin (`AgentOther_Bulletin {sender, context}`) to the signed-in agents of the target; returns who got it. */
  bulletin (from: string, targetType: string, targetName: string, text: string): string[] {
    this.view.signedIn(from)
    const target = TARGETS[targetType]
    if (target === undefined) fail('INVALID_PARAMETER', 'targettype must be 0 (VDN), 1 (work group), 2 (skill queue) or 3 (agents)')
    const online = this.view.directory.list().filter(e => e.signedIn && e.workno !== from)
    const names = targetName.split(/[,;]/).map(s => s.trim()).filter(s => s !== '')
    const match = (id: number, name: string): boolean => names.includes(String(id)) || names.includes(name)
    const pick: Record<BulletinTarget, (e: DirectoryEntry) => boolean> = {
      vdn: () => true,
      group: e => match(e.group.id, e.group.name),
      skill: e => e.skills.some(s => match(s.id, s.name)),
      agents: e => names.includes(e.workno)
    }
    if (target !== 'vdn' && names.length === 0) fail('INVALID_PARAMETER', 'targetname is required for this targettype')
    const to = online.filter(pick[target]).map(e => e.workno)
    for (const id of to) {
      const agent = this.view.agents.get(id)
      if (agent !== undefined) this.view.emit(agent, { eventType: 'AgentOther_Bulletin', content: { sender: from, context: text } })
    }
    return to
  }

  settingsOf (agentId: string): AgentSettingsExtra {
    const agent = this.view.signedIn(agentId)
    let s = this.settings.get(agent)
    if (s === undefined) {
      s = { forwarding: undefined, selfRecord: { record: false, beforeTalking: false } }
      this.settings.set(agent, s)
    }
    return s
  }
}
