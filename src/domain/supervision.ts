/**
 * Supervision of calls (`qualitycontrol`, issue #13) on the call engine's model: an inspector
 * listening to, inserting into (barge in) or whispering in an agent's call is an extra connection of
 * that call, marked `supervisor` with its mode, never a party (a call of a customer and an agent stays
 * a two-party call: when either leaves, the call ends and the inspector is released with it).
 * Intercepting turns the inspector into the agent's replacement. docs/call-flows.md draws every flow;
 * docs/decisions.md lists the result codes chosen where Huawei's pages are silent.
 */
import type { Agent } from './agent.js'
import type { CallEngine, CallHost } from './call-engine.js'
import { agentConnection, connect, type Call, type Connection, type SuperviseMode } from './call-model.js'
import { fail } from './errors.js'
import type { WorldIndex } from './world.js'

/** qcType of AgentOther_BeQcStart / BeQcStop (cec_07_0542). */
export const QC_TYPE: Record<SuperviseMode, number> = { listen: 8, insert: 9, whisper: 20172 }

/** `switchtype` of requestswitchinsertwhisperagent: 0 listen, 1 insert, 2 whisper. */
export const SWITCH_TYPES: readonly SuperviseMode[] = ['listen', 'insert', 'whisper']

/** The roster gives the inspector right (`roles: [inspector]`); 900-002 without it, 000-005 on oneself. */
export function checkInspector (world: WorldIndex, inspector: string, target?: string): void {
  if (world.roster.get(inspector)?.roles?.includes('inspector') !== true) fail('INSPECTOR_NO_RIGHT', `agent ${inspector} is not an inspector`)
  if (target === inspector) fail('INSPECTOR_IS_SELF', 'an inspector cannot inspect itself')
}

export class Supervision {
  constructor (private readonly engine: CallEngine, private readonly host: CallHost) {}

  /** addsupervise / addinsert / requestwhisperagent: the idle inspector joins the agent's talking call. */
  start (inspectorId: string, workNo: string, mode: SuperviseMode): void {
    const inspector = this.host.signedIn(inspectorId)
    checkInspector(this.host.world, inspectorId, workNo)
    const { call } = this.talkingCallOf(workNo)
    if (inspector.status !== 'idle' || inspector.calls.length > 0) fail('INSPECTION_ERROR', `inspector ${inspectorId} is not idle`)
    const conn = connect({ kind: 'agent', id: inspectorId }, 'called', 'connected')
    conn.supervisor = { mode, of: workNo }
    call.connections.push(conn)
    this.engine.join(inspector, call)
    this.engine.phase(call, inspector, 'supervise')
    this.engine.phase(call, this.host.agents.get(workNo), 'beQcStart', false, { qcType: QC_TYPE[mode], qcAgentId: inspectorId })
  }

  /** switch/{workNo}: listen ↔ insert (no event, as the page says). */
  toggle (inspectorId: string, workNo: string): void {
    const conn = this.inspecting(inspectorId, workNo).conn
    if (conn.supervisor!.mode === 'whisper') fail('INSPECTION_ERROR', 'whispering: switch with requestswitchinsertwhisperagent')
    conn.supervisor!.mode = conn.supervisor!.mode === 'listen' ? 'insert' : 'listen'
  }

  /** requestswitchinsertwhisperagent: any of listen, insert, whisper (no event). */
  switchTo (inspectorId: string, workNo: string | undefined, mode: SuperviseMode): void {
    this.inspecting(inspectorId, workNo).conn.supervisor!.mode = mode
  }

  /** DELETE {workNo} (any mode) and requeststopwhisperagent (whisper only): the inspector leaves. */
  stop (inspectorId: string, workNo: string | undefined, onlyWhisper = false): void {
    const { call, conn } = this.inspecting(inspectorId, workNo)
    if (onlyWhisper && conn.supervisor!.mode !== 'whisper') fail('INSPECTION_ERROR', `inspector ${inspectorId} is not whispering`)
    this.leave(call, this.host.agents.get(inspectorId)!, 'releaser')
  }

  /** intercept/{workNo}: the inspector talks with the customer instead of the agent, who is released. */
  intercept (inspectorId: string, workNo: string): void {
    const { call, conn } = this.inspecting(inspectorId, workNo)
    conn.supervisor = undefined
    const inspector = this.host.agents.get(inspectorId)!
    this.engine.phase(call, inspector, 'intercept')
    const agent = this.host.agents.get(workNo)
    if (agent !== undefined) this.engine.partyLeaves(call, agent, 'intercepted', false)
  }

  /** forcedropcall/{callid}: the call ends for everybody in it, as if the far end hung up. */
  forceDrop (inspectorId: string, callid: string): void {
    this.host.signedIn(inspectorId)
    checkInspector(this.host.world, inspectorId)
    const call = this.engine.active.get(callid)
    if (call === undefined) fail('INSPECTED_NOT_TALKING', `no call ${callid}`)
    this.engine.end(call, undefined, 'farRelease')
  }

  // ---- the engine's hooks ---------------------------------------------------------------------

  /** An inspector's connection ends (it hung up, or stopped): its release events, BeQcStop to the agent. */
  leave (call: Call, inspector: Agent, phase: 'releaser' | 'released'): void {
    const conn = agentConnection(call, inspector.id)
    if (conn?.supervisor === undefined) return
    const { mode, of } = conn.supervisor
    conn.state = 'cleared'
    call.connections = call.connections.filter(c => c !== conn)
    // Inspecting is no call of the inspector's own: no after-call work follows it.
    this.engine.leaveAgent(call, inspector, phase, phase === 'releaser', false)
    const agent = this.host.agents.get(of)
    if (agent !== undefined && agentConnection(call, of) !== undefined) this.engine.phase(call, agent, 'beQcStop', false, { qcType: QC_TYPE[mode], qcAgentId: inspector.id })
  }

  /** A party left a call that goes on: the inspectors of that agent leave with it. */
  partyLeft (call: Call, agent: Agent): void {
    for (const c of [...call.connections]) {
      if (c.supervisor?.of !== agent.id) continue
      const inspector = this.host.agents.get(c.device.id)
      if (inspector !== undefined) this.leave(call, inspector, 'released')
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  /** The inspected agent's talking call: 900-003 not signed in, 900-004 no call, 900-005 not talking in it or inspected already. */
  private talkingCallOf (workNo: string): { call: Call, conn: Connection } {
    const agent = this.host.agents.get(workNo)
    if (agent === undefined) fail('INSPECTED_NOT_SIGNED_IN', `agent ${workNo} has not signed in`)
    if (agent.calls.length === 0) fail('INSPECTED_NOT_TALKING', `agent ${workNo} is not in a call`)
    const active = this.engine.activeOf(agent)
    if (active === undefined || active.conn.state !== 'connected' || active.call.answerTime === undefined || active.conn.supervisor !== undefined) {
      fail('INSPECTED_WRONG_STATE', `agent ${workNo} is not talking (ringing, holding or inspecting)`)
    }
    if (active.call.connections.some(c => c.supervisor?.of === workNo)) fail('INSPECTED_WRONG_STATE', `agent ${workNo} is inspected already`)
    return active
  }

  /** The call in which the inspector inspects `workNo` (its current one when undefined); 900-001 when none. */
  private inspecting (inspectorId: string, workNo: string | undefined): { call: Call, conn: Connection } {
    const inspector = this.host.signedIn(inspectorId)
    checkInspector(this.host.world, inspectorId, workNo)
    for (const id of inspector.calls) {
      const call = this.engine.active.get(id)
      const conn = agentConnection(call, inspectorId)
      if (call !== undefined && conn?.supervisor !== undefined && (workNo === undefined || conn.supervisor.of === workNo)) return { call, conn }
    }
    fail('INSPECTION_ERROR', `inspector ${inspectorId} is not inspecting ${workNo ?? 'any agent'}`)
  }
}
