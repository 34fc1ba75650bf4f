/**
 * Transfer (Part D §D2.1) on the call engine's primitives: the customer's call keeps its callid
 * (§D1.1); the target joins it as a new connection (an agent, a simulated colleague, an external
 * number, or the skill queue the ACD serves), and the transferring agent leaves it when its mode
 * says. docs/call-flows.md draws every sequence; the events are phases of the flow table.
 */
import type { Agent } from './agent.js'
import type { CallEngine, CallHost } from './call-engine.js'
import { agentConnection, connect, liveConnections, liveParties, moveConnection, notInspecting, type Call, type Connection, type Device, type TransferMode } from './call-model.js'
import { fail } from './errors.js'
import type { PeerSpec } from './world.js'

export interface TransferInput {
  /** 1 skill, 2 agent, 3 IVR, 4 access code, 5 external number. */
  devicetype: number
  address: string
  mode: number
  callappdata?: string | undefined
}

/** Who can queue a call at a skill (the contact centre). */
export interface SkillRouter {
  /** The call waits at the skill's queue like a new customer (the skill exists). */
  transferToSkill(call: Call, skill: number): void
  /** A transfer to a skill taken back: the call leaves the queue, the ACD forgets it. */
  withdraw(call: Call): void
}

/** The mode matrix of Part D §D2.1: devicetype → mode number → mode. */
const MODES: Record<number, Partial<Record<number, TransferMode>>> = {
  1: { 0: 'release', 2: 'success' },
  2: { 0: 'release', 2: 'success', 3: 'success', 4: 'three' },
  3: { 0: 'release' },
  4: { 0: 'release', 2: 'success' },
  5: { 1: 'release', 2: 'success', 3: 'talk', 4: 'three' }
}

export class CallTransfers {
  router: SkillRouter | undefined

  constructor (private readonly engine: CallEngine, private readonly host: CallHost) {}

  transfer (agentId: string, input: TransferInput): void {
    const agent = this.host.signedIn(agentId)
    const active = this.engine.activeOf(agent)
    if (active === undefined || active.conn.state !== 'connected') fail('TRANSFER_NO_CALL')
    notInspecting(active.conn)
    const call = active.call
    if (call.pending !== undefined) fail('OPERATION_EXCEPTION', 'a transfer is already in progress on this call')
    const mode = MODES[input.devicetype]?.[input.mode]
    if (mode === undefined) fail('INVALID_PARAMETER', `mode ${input.mode} is not defined for devicetype ${input.devicetype}`)
    if (input.devicetype === 5 && mode === 'release' && call.feature === '7') fail('OPERATION_EXCEPTION', 'a call-out cannot be release-transferred to an external number')
    if (input.devicetype !== 5 && !/^[0-9]{1,24}$/.test(input.address)) fail('INVALID_PARAMETER', 'address: 1 to 24 digits')
    const target = this.resolve(agent, input)
    if (input.callappdata !== undefined) call.callappdata = input.callappdata
    call.transfrom = agent.id
    call.pending = { by: agent.id, mode, target: undefined, answered: false }
    if (mode === 'talk' || mode === 'three') this.holdOthers(call, agent)
    if (mode === 'release') this.engine.partyLeaves(call, agent, 'releaser', false)
    if (target.kind === 'skill') {
      this.router!.transferToSkill(call, target.skill)
      // Nobody answers a skill synchronously in success mode: the transfer completes on answer.
      if (mode === 'release') call.pending = undefined
      return
    }
    this.offer(call, target.device)
  }

  /**
   * `canceltransfer`: the target leg is dropped and the agent talks with the customer again. A
   * transfer to a skill (success mode) is taken back from the queue, or from the agent the ACD
   * offered it to while that agent's desk rings; `Customer_Release.number` names the skill then.
   */
  cancel (agentId: string): void {
    const agent = this.host.signedIn(agentId)
    const call = this.engine.findCall(agent, (_conn, c) => c.pending?.by === agent.id)
    if (call === undefined) fail('TRANSFER_NO_CALL', 'no transfer in progress to cancel')
    const target = call.pending!.target
    const queued = call.skillid !== undefined ? String(call.skillid) : ''
    if (target === undefined) {
      this.router!.withdraw(call)
      this.engine.leaveQueue(call)
      const offered = call.connections.find(c => c.device.kind === 'agent' && c.state === 'alerting')
      if (offered !== undefined) this.dropTarget(call, offered)
      call.pending = undefined
    } else this.dropTarget(call, target)
    this.resume(call, agent)
    this.engine.phase(call, agent, 'partyLeft', false, { otherParty: target?.device.id ?? queued })
    this.engine.phase(call, agent, 'unhold')
  }

  // ---- the engine's hooks ---------------------------------------------------------------------

  /** A connection answered in a call already talking. */
  joined (call: Call, conn: Connection): void {
    const p = call.pending
    if (p === undefined || (p.target !== undefined && p.target !== conn)) return
    p.target = conn
    this.engine.clearTimersOf(conn)
    const by = this.inCall(call, p.by)
    if (p.mode === 'talk') {
      p.answered = true
      if (by !== undefined) this.engine.phase(call, by, 'connect')
      return
    }
    call.pending = undefined
    if (by === undefined) return
    if (p.mode === 'success') {
      this.engine.phase(call, by, 'transferred', false, { result: 0 })
      this.engine.partyLeaves(call, by, 'releaser', false)
    } else if (p.mode === 'three') {
      this.resumeAll(call)
      this.engine.phase(call, by, 'conference', false, { partner: this.partners(call, by) })
    }
  }

  /** The target could not be reached (rejected, busy, rang out). */
  failed (call: Call, conn: Connection): void {
    const p = call.pending
    if (p === undefined || p.target !== conn) return
    this.dropTarget(call, conn)
    const by = this.inCall(call, p.by)
    if (by === undefined) {
      // The agent already left (release mode): nobody takes the customer.
      if (liveParties(call).length < 2) this.engine.end(call, undefined, 'farRelease')
      return
    }
    this.resume(call, by)
    if (p.mode === 'success') this.engine.phase(call, by, 'transferred', false, { result: 1 })
    else this.engine.phase(call, by, 'transferFailed')
  }

  /** An agent left a call: if it was transferring in talk mode, the held parties talk with the target. */
  left (call: Call, agent: Agent): void {
    const p = call.pending
    if (p === undefined || p.by !== agent.id) return
    if (p.mode !== 'success' && p.mode !== 'release') call.pending = undefined
    this.resumeAll(call)
  }

  // ---- internals ------------------------------------------------------------------------------

  private resolve (agent: Agent, input: TransferInput): { kind: 'skill', skill: number } | { kind: 'device', device: Device } {
    const address = input.address
    switch (input.devicetype) {
      case 1:
      case 4: {
        const skill = input.devicetype === 1 ? Number(address) : this.host.world.accessCodes.get(address)?.skill
        if (skill === undefined || !this.host.world.skills.has(skill)) fail('INVALID_PARAMETER', `no ${input.devicetype === 1 ? 'skill' : 'access code'} ${address}`)
        return { kind: 'skill', skill }
      }
      case 2: {
        if (address === agent.id) fail('INVALID_PARAMETER', 'address: an agent cannot transfer to itself')
        const target = this.host.agents.get(address)
        if (target !== undefined) {
          if (target.status !== 'idle' || target.calls.length > 0) fail('OPERATION_EXCEPTION', `agent ${address} is not idle`)
          return { kind: 'device', device: { kind: 'agent', id: address } }
        }
        const sim = this.host.world.simulated.get(address)
        if (sim === undefined) fail('INVALID_PARAMETER', `agent ${address} is not signed in`)
        return { kind: 'device', device: { kind: 'simAgent', id: address, spec: sim } }
      }
      case 3:
        // An IVR flow takes the customer and answers at once (flows are not simulated).
        return { kind: 'device', device: { kind: 'external', id: address, spec: { behaviour: 'answer' } } }
      default: {
        const peer = this.host.world.external(address)
        if (peer === undefined || peer.behaviour === 'invalid') fail('WRONG_OUTBOUND_NUMBER', `address: ${address} cannot be dialled`)
        return { kind: 'device', device: { kind: 'external', id: address, spec: peer } }
      }
    }
  }

  /** The target rings: an agent's desk (transfer:"yes"), or a simulated peer by its behaviour. */
  private offer (call: Call, device: Device): void {
    const p = call.pending!
    const by = this.inCall(call, p.by)
    if (device.kind === 'agent') {
      const target = this.host.agents.get(device.id)!
      this.engine.addAgent(call, target)
      const conn = agentConnection(call, target.id)!
      p.target = conn
      if (by !== undefined) this.engine.phase(call, by, 'alerting', false, { otherParty: device.id })
      this.engine.phase(call, target, 'offer')
      if (target.settings.autoAnswer) {
        this.engine.phase(call, target, 'presentAuto')
        this.engine.answerConn(call, conn)
      } else {
        this.engine.phase(call, target, 'presentManual')
        this.engine.connTimer(call, conn, this.host.world.world.ringTimeoutMs, () => this.ringOut(call, target))
      }
      return
    }
    const spec: PeerSpec = (device as { spec: PeerSpec }).spec
    const conn = connect(device, 'called', 'alerting')
    p.target = conn
    call.connections.push(conn)
    if (by !== undefined) this.engine.phase(call, by, 'alerting', false, { otherParty: device.id })
    if (spec.behaviour === 'busy' || spec.behaviour === 'notSignedIn' || spec.behaviour === 'invalid') { this.failed(call, conn); return }
    const then = spec.behaviour === 'answer' ? () => this.engine.answerConn(call, conn) : () => this.failed(call, conn)
    const ms = spec.behaviour === 'noAnswer' ? this.host.world.world.ringTimeoutMs : spec.afterMs ?? 0
    this.engine.connTimer(call, conn, ms, then)
  }

  /** A transferred-to agent let its desk ring out. */
  private ringOut (call: Call, target: Agent): void {
    const conn = agentConnection(call, target.id)
    if (conn === undefined || conn.state !== 'alerting') return
    moveConnection(conn, 'clear')
    call.connections = call.connections.filter(c => c !== conn)
    this.engine.leaveAgent(call, target, 'noAnswer', false, false)
    this.failed(call, conn)
  }

  private dropTarget (call: Call, conn: Connection): void {
    this.engine.clearTimersOf(conn)
    if (call.pending !== undefined) call.pending = undefined
    if (!call.connections.includes(conn)) return
    if (conn.device.kind === 'agent') {
      const agent = this.host.agents.get(conn.device.id)
      if (agent !== undefined) { this.engine.partyLeaves(call, agent, 'released', false); return }
    }
    moveConnection(conn, 'clear')
    call.connections = call.connections.filter(c => c !== conn)
  }

  /** Talk and three-party modes: the other parties wait on hold while the target rings. */
  private holdOthers (call: Call, agent: Agent): void {
    for (const c of liveConnections(call)) if (!(c.device.kind === 'agent' && c.device.id === agent.id) && c.state === 'connected') moveConnection(c, 'hold')
  }

  private resume (call: Call, agent: Agent): void {
    for (const c of liveConnections(call)) if (c.state === 'held' && !(c.device.kind === 'agent' && c.device.id === agent.id)) moveConnection(c, 'retrieve')
  }

  private resumeAll (call: Call): void {
    for (const c of liveConnections(call)) if (c.state === 'held' && c.device.kind !== 'agent') moveConnection(c, 'retrieve')
  }

  /** `partner` of AgentEvent_Conference: the original far party first, then the one who joined (§D2.3). */
  private partners (call: Call, agent: Agent): string {
    return liveConnections(call).filter(c => !(c.device.kind === 'agent' && c.device.id === agent.id)).map(c => c.device.id).join(',')
  }

  private inCall (call: Call, agentId: string): Agent | undefined {
    const conn = agentConnection(call, agentId)
    return conn === undefined || conn.state === 'cleared' ? undefined : this.host.agents.get(agentId)
  }
}
