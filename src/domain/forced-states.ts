/**
 * An inspector acting on other agents (`qualitycontrol`, issue #13): forced busy, idle, rest and
 * sign-out go through the same agent machine as the agent's own requests (so the agent gets the same
 * events, and a state that refuses the change answers 900-005), and the state monitoring of
 * `beginmonitor` / `endmonitor` (QC_AgentState_Notify when a watched agent signs in or out).
 */
import type { Agent } from './agent.js'
import { GatewayError, fail } from './errors.js'
import { checkInspector } from './supervision.js'
import type { WorldIndex } from './world.js'

/** What the forced changes need from the simulator (the Simulator satisfies it). */
export interface ForceHost {
  readonly world: WorldIndex
  readonly agents: ReadonlyMap<string, Agent>
  signedIn(agentId: string): Agent
  sayBusy(agentId: string, reason: number | undefined, prolong: boolean): void
  sayFree(agentId: string): void
  rest(agentId: string, seconds: number, cause: number, prolong: boolean): void
  forceLogout(agentId: string, reason?: number): void
  emit(agent: Agent, event: { eventType: string, content: unknown }): void
}

/** Work numbers of `agents=` (comma or semicolon separated). */
const AGENT_LIST = /^[0-9]{3,6}([,;][0-9]{3,6})*$/

export class ForcedStates {
  /** Inspector → the agents whose sign-in and sign-out it watches. */
  private readonly watching = new Map<string, Set<string>>()

  constructor (private readonly host: ForceHost) {}

  forceBusy (inspector: string, workNo: string): void { this.force(inspector, workNo, () => this.host.sayBusy(workNo, undefined, false)) }
  forceIdle (inspector: string, workNo: string): void { this.force(inspector, workNo, () => this.host.sayFree(workNo)) }
  forceRest (inspector: string, workNo: string, seconds: number, reason: number): void {
    if (seconds < 1 || seconds > 86399) fail('INVALID_PARAMETER', 'time: 1 to 86399 seconds')
    if (reason > 255) fail('INVALID_PARAMETER', 'reason: 0 to 255')
    this.force(inspector, workNo, () => this.host.rest(workNo, seconds, reason, false))
  }

  forceLogout (inspector: string, workNo: string): void { this.force(inspector, workNo, () => this.host.forceLogout(workNo)) }

  /** beginmonitor?agents=: watch these agents' sign-in and sign-out. */
  beginMonitor (inspector: string, agents: string): void {
    const set = this.watching.get(inspector) ?? new Set<string>()
    for (const id of this.parse(inspector, agents)) set.add(id)
    this.watching.set(inspector, set)
  }

  /** endmonitor?agents=: stop watching them (900-001 when none of them was watched). */
  endMonitor (inspector: string, agents: string): void {
    const ids = this.parse(inspector, agents)
    const set = this.watching.get(inspector)
    if (set === undefined || !ids.some(id => set.has(id))) fail('INSPECTION_ERROR', `inspector ${inspector} does not monitor ${agents}`)
    for (const id of ids) set.delete(id)
  }

  /** A watched agent signed in or out: each inspector watching it polls QC_AgentState_Notify (cec_07_0541). */
  notify (workNo: string, what: 'Login' | 'Logout'): void {
    for (const [inspectorId, set] of this.watching) {
      if (!set.has(workNo)) continue
      const inspector = this.host.agents.get(inspectorId)
      if (inspector === undefined) continue
      const name = this.host.world.roster.get(workNo)?.name ?? workNo
      this.host.emit(inspector, { eventType: 'QC_AgentState_Notify', content: { subtype: `QC_AgentState_${what}`, monitoredagent: workNo, agentname: name, mediaserver: 'CtiServer' } })
    }
  }

  /** An inspector signed out: its watch list goes. */
  forget (inspector: string): void { this.watching.delete(inspector) }

  /** Forget everything (reset). */
  clear (): void { this.watching.clear() }

  private parse (inspector: string, agents: string): string[] {
    this.host.signedIn(inspector)
    checkInspector(this.host.world, inspector)
    if (!AGENT_LIST.test(agents)) fail('INVALID_PARAMETER', 'agents: work numbers separated by commas')
    return agents.split(/[,;]/)
  }

  /** Rights, the target signed in (900-003), then the machine's own change; its refusal is 900-005. */
  private force (inspector: string, workNo: string, change: () => void): void {
    this.host.signedIn(inspector)
    checkInspector(this.host.world, inspector, workNo)
    if (!this.host.agents.has(workNo)) fail('INSPECTED_NOT_SIGNED_IN', `agent ${workNo} has not signed in`)
    try {
      change()
    } catch (err) {
      if (err instanceof GatewayError && err.key === 'STATE_NOT_ALLOWED') fail('INSPECTED_WRONG_STATE', `agent ${workNo}: ${err.message}`)
      throw err
    }
  }
}
