/**
 * The call engine (spec §5–§6, issues #3 and #11): places, connects, holds and ends calls on the
 * call model of call-model.ts — devices, calls and connections, each connection moved only through
 * the model's transition table. Internal calls, call-outs and customers' inbound calls are uses of
 * the same model. The flow table (call-flows.ts) turns each change into the events of each agent;
 * the agent machine decides the state an agent lands in after a call.
 *
 * The engine talks to the rest of the simulator through `CallHost` only (no import of the
 * simulator), and tells whoever listens (the contact centre's ACD) when a call ends or an
 * offered customer must go back to its queue.
 */
import type { AgentCommand } from './agent-machine.js'
import type { Agent } from './agent.js'
import { callEventContent, type CallFlow, type CallPhase, type CallView } from './call-flows.js'
import {
  agentConnection, callerConnection, connect, liveConnections, liveParties, moveConnection, notInspecting,
  type Call, type CallFeature, type Connection, type Device
} from './call-model.js'
import { CallHelp } from './call-help.js'
import { CallPickup } from './call-pickup.js'
import { Supervision } from './supervision.js'
import { CallTransfers } from './call-transfer.js'
import type { Clock, TimerHandle } from './clock.js'
import { fail } from './errors.js'
import type { IdSource } from './ids.js'
import type { PeerSpec, WorldIndex } from './world.js'

export type { Call } from './call-model.js'

/** What the engine needs from the simulator around it. */
export interface CallHost {
  readonly clock: Clock
  readonly world: WorldIndex
  readonly agents: ReadonlyMap<string, Agent>
  signedIn(agentId: string): Agent
  emit(agent: Agent, event: { eventType: string, content: unknown }): void
  apply(agent: Agent, cmd: AgentCommand): void
}

/** Who hears about calls besides the agents in them (the ACD). */
export interface CallListener {
  /** The call was answered (its parties are connected). */
  connected(call: Call): void
  /** The call ended (every connection cleared). */
  ended(call: Call): void
  /** An offered inbound call was not answered in time: the customer waits again. */
  requeue(call: Call, agentId: string): void
}

export interface DialInput { called: string, caller?: string | undefined, skillid?: number | undefined, callappdata?: string | undefined }

/** A customer's call as the contact centre places it. */
export interface InboundInput {
  from: string
  /** The access code dialled (shown as `called`). */
  to: string
  skillid: number | undefined
  callappdata: string
  /** The customer hangs up this long after being connected (never when undefined). */
  talkMs: number | undefined
}

export type EndCause = 'release' | 'farRelease' | 'fail' | 'noAnswer'

const FINISHED_KEPT = 1000

/** DTMF digits of one seconddial request (Part D §D2.3). */
const DTMF = /^[0-9*#]{1,24}$/

/** Held calls an agent's phone keeps at most (docs/decisions.md: hold limits). */
export const MAX_HELD_CALLS = 8

export class CallEngine {
  readonly active = new Map<string, Call>()
  /** Recently finished calls, for call-data queries (bounded, oldest dropped first). */
  readonly finished = new Map<string, Call>()
  listener: CallListener | undefined
  /** What a manual-answer agent that let an inbound call ring out becomes (Part D §D1.5). */
  noAnswerThen: 'busy' | 'idle' = 'busy'

  private readonly connTimers = new WeakMap<Connection, TimerHandle>()
  /** Transfer, consultation and conference on the primitives below (call-transfer.ts). */
  readonly transfers: CallTransfers

  /** Internal help, conference and dropping one party (call-help.ts). */
  readonly help: CallHelp

  /** Inspectors listening, inserting, whispering and intercepting (supervision.ts). */
  readonly supervision: Supervision

  /** Picking up a colleague's ringing call (call-pickup.ts). */
  readonly pickup: CallPickup

  constructor (private readonly host: CallHost, private readonly ids: IdSource, public flow: CallFlow) {
    this.transfers = new CallTransfers(this, host)
    this.help = new CallHelp(this, host)
    this.supervision = new Supervision(this, host)
    this.pickup = new CallPickup(this, host)
  }

  // ---- placing calls ------------------------------------------------------------------------

  callInner (agentId: string, input: DialInput): string {
    const agent = this.host.signedIn(agentId)
    if (input.called === agentId) fail('INVALID_PARAMETER', 'called: an agent cannot call itself')
    if (this.activeOf(agent) !== undefined) fail('INNER_CALL_NOT_ALLOWED', 'the agent is in a call; hold it first')
    const callee = this.host.agents.get(input.called)
    const simulated = callee === undefined ? this.host.world.simulated.get(input.called) : undefined
    const call = this.dial(agent, input, '6')
    if (callee !== undefined) this.offerInternal(call, callee)
    else if (simulated !== undefined) this.offerToPeer(call, { kind: 'simAgent', id: simulated.id, spec: simulated })
    else this.end(call, undefined, 'fail') // nobody signed in with that id
    return call.callid
  }

  callOut (agentId: string, input: DialInput): string {
    const agent = this.host.signedIn(agentId)
    const peer = this.host.world.external(input.called)
    if (peer === undefined || peer.behaviour === 'invalid') fail('WRONG_OUTBOUND_NUMBER', `called: ${input.called} cannot be dialled`)
    if (this.activeOf(agent) !== undefined) fail('OPERATION_EXCEPTION', 'the agent is in a call; hold it first')
    const call = this.dial(agent, input, '7')
    this.offerToPeer(call, { kind: 'external', id: input.called, spec: peer })
    return call.callid
  }

  /** A customer's call enters the contact centre (no agent hears of it until it is offered). */
  inbound (input: InboundInput): Call {
    const call = this.newCall('0', input.from, input.to, input.callappdata, input.skillid)
    call.connections.push(connect({ kind: 'customer', id: input.from }, 'caller', 'initiated'))
    call.talkMs = input.talkMs
    return call
  }

  /** The customer waits in a skill queue (a queue connection; the ACD keeps the order). */
  enqueue (call: Call, skillId: number): void {
    call.skillid = skillId
    call.connections.push(connect({ kind: 'queue', id: String(skillId) }, 'called', 'queued'))
  }

  /** The ACD offers a waiting customer to an idle agent: its desk rings, or answers by itself. */
  offerInbound (call: Call, agent: Agent): void {
    this.leaveQueue(call)
    this.addAgent(call, agent)
    this.phase(call, agent, 'offer')
    if (agent.settings.autoAnswer) {
      this.phase(call, agent, 'presentAuto')
      this.answerConn(call, agentConnection(call, agent.id)!)
    } else {
      this.phase(call, agent, 'presentInbound')
      this.after(call, this.host.world.world.ringTimeoutMs, () => this.ringOut(call, agent))
    }
  }

  /** The ACD hands a waiting customer to a simulated colleague (it answers and hangs up by its spec). */
  offerToColleague (call: Call, id: string, spec: PeerSpec): void {
    this.leaveQueue(call)
    this.offerToPeer(call, { kind: 'simAgent', id, spec })
  }

  dial (agent: Agent, input: DialInput, feature: CallFeature): Call {
    const internal = feature === '6'
    // Internal calls show the calling agent unless the request names a caller number.
    const callerNumber = input.caller !== undefined && input.caller !== '' ? input.caller : (internal ? agent.id : this.host.world.world.defaultCaller)
    const call = this.newCall(feature, callerNumber, input.called, input.callappdata ?? '', input.skillid)
    call.connections.push(connect({ kind: 'agent', id: agent.id }, 'caller', 'initiated'))
    this.join(agent, call)
    this.phase(call, agent, 'dial')
    return call
  }

  private newCall (feature: CallFeature, callerNumber: string, called: string, callappdata: string, skillid: number | undefined): Call {
    const now = this.host.clock.now()
    const call: Call = {
      callid: this.ids.callId(now),
      feature,
      internal: feature === '6',
      callerNumber,
      called,
      connections: [],
      ended: false,
      farHeld: false,
      callappdata,
      skillid,
      beginTime: now,
      answerTime: undefined,
      endTime: undefined,
      timers: [],
      talkMs: undefined,
      dtmf: '',
      transfrom: '',
      pending: undefined,
      helpFor: undefined
    }
    this.active.set(call.callid, call)
    return call
  }

  join (agent: Agent, call: Call): void {
    if (agent.status !== 'occupied') this.host.apply(agent, 'occupy')
    agent.calls.push(call.callid)
  }

  addAgent (call: Call, agent: Agent): void {
    call.connections.push(connect({ kind: 'agent', id: agent.id }, 'called', 'alerting'))
    this.join(agent, call)
  }

  /** The call leaves its skill queue (offered, or a transfer to the skill taken back). */
  leaveQueue (call: Call): void {
    for (const c of call.connections) if (c.device.kind === 'queue' && c.state === 'queued') moveConnection(c, 'clear')
  }

  offerInternal (call: Call, callee: Agent): void {
    // Only an idle agent with no call can be offered a call; anything else fails the call.
    if (callee.status !== 'idle' || callee.calls.length > 0) { this.end(call, undefined, 'fail'); return }
    this.addAgent(call, callee)
    this.phase(call, callee, 'offer')
    this.phase(call, this.callerAgent(call), 'alerting')
    if (callee.settings.autoAnswer) {
      this.phase(call, callee, 'presentAuto')
      this.connectCall(call)
    } else {
      this.phase(call, callee, 'presentManual')
      this.after(call, this.host.world.world.ringTimeoutMs, () => this.end(call, callee.id, 'noAnswer'))
    }
  }

  private offerToPeer (call: Call, device: Extract<Device, { spec: PeerSpec }>): void {
    const peer = device.spec
    if (peer.behaviour === 'busy' || peer.behaviour === 'notSignedIn' || peer.behaviour === 'invalid') {
      this.end(call, undefined, 'fail')
      return
    }
    call.connections.push(connect(device, 'called', 'alerting'))
    this.phase(call, this.callerAgent(call), 'alerting')
    if (peer.behaviour === 'answer') this.after(call, peer.afterMs ?? 0, () => this.farAnswer(call.callid))
    else if (peer.behaviour === 'reject') this.after(call, peer.afterMs ?? 0, () => this.end(call, undefined, 'fail'))
    else this.after(call, this.host.world.world.ringTimeoutMs, () => this.end(call, undefined, 'fail'))
  }

  /**
   * A device answers. The first answer connects the call; in a call already talking (a transfer,
   * a help call) only that connection joins, and the transfer in progress hears of it.
   */
  answerConn (call: Call, conn: Connection): void {
    if (call.answerTime === undefined) { this.connectCall(call); return }
    if (call.ended || !moveConnection(conn, 'answer')) return
    if (conn.device.kind === 'agent') this.phase(call, this.host.agents.get(conn.device.id), 'connect')
    this.listener?.connected(call)
    this.transfers.joined(call, conn)
  }

  // ---- far end (simulated peers, customers, and the control API) ----------------------------

  farAnswer (callid: string): void {
    const call = this.active.get(callid)
    if (call === undefined) return
    if (call.answerTime !== undefined) {
      // A call already talking: a peer it was transferred to (or a helper) answers.
      const ringing = call.connections.find(c => c.state === 'alerting' && (c.device.kind === 'simAgent' || c.device.kind === 'external'))
      if (ringing !== undefined) this.answerConn(call, ringing)
      return
    }
    this.connectCall(call)
    const hangUp = this.farPeer(call)?.hangUpAfterMs
    if (hangUp !== undefined) this.after(call, hangUp, () => this.end(call, undefined, 'farRelease'))
  }

  farHold (callid: string): void {
    const call = this.active.get(callid)
    if (call !== undefined) call.farHeld = !call.farHeld
  }

  /** The far end (peer, number or customer) hangs up, whatever the call's stage. */
  farHangUp (callid: string): void {
    const call = this.active.get(callid)
    if (call !== undefined) this.end(call, undefined, call.answerTime !== undefined ? 'farRelease' : 'fail')
  }

  // ---- agent call control -------------------------------------------------------------------

  answer (agentId: string, callid: string | undefined): void {
    const agent = this.host.signedIn(agentId)
    const call = this.findCall(agent, (conn, c) => conn.state === 'alerting' && (callid === undefined || c.callid === callid))
    if (call === undefined) fail('NO_CALL_TO_ANSWER')
    this.answerConn(call, agentConnection(call, agent.id)!)
  }

  release (agentId: string): void {
    const agent = this.host.signedIn(agentId)
    const call = this.activeOf(agent)?.call ?? this.findCall(agent, conn => conn.state === 'held', true)
    if (call === undefined) fail('RELEASE_NO_CALL')
    this.hangUp(call, agent)
  }

  hold (agentId: string): void {
    const agent = this.host.signedIn(agentId)
    const active = this.activeOf(agent)
    if (active === undefined) fail('HOLD_NO_CALL')
    notInspecting(active.conn)
    if (active.conn.state !== 'connected') fail('HOLD_WRONG_STATE', `the call is ${legState(active.conn)}, not talking`)
    if (this.heldCount(agent) >= MAX_HELD_CALLS) fail('HOLD_WRONG_STATE', `the phone already holds ${MAX_HELD_CALLS} calls`)
    moveConnection(active.conn, 'hold')
    this.phase(active.call, agent, 'hold')
  }

  getHold (agentId: string, callid: string | undefined): void {
    const agent = this.host.signedIn(agentId)
    const call = this.findCall(agent, (conn, c) => conn.state === 'held' && (callid === undefined || c.callid === callid), true)
    if (call === undefined) fail('UNHOLD_NO_HELD_CALL')
    if (this.activeOf(agent) !== undefined) fail('UNHOLD_WRONG_STATE', 'release or hold the active call first')
    moveConnection(agentConnection(call, agent.id)!, 'retrieve')
    this.phase(call, agent, 'unhold')
  }

  /**
   * `holdlist`: the agent's held calls, newest last, in the `callinfo` shape (400-003 when none);
   * `holdlistex/{workno}`: another signed-in agent's (100-006 when it is not signed in).
   */
  holdList (agentId: string, workno = agentId): Array<Record<string, unknown>> {
    const agent = this.heldOf(agentId, workno)
    const held: Array<Record<string, unknown>> = []
    for (const id of agent.calls) {
      const call = this.active.get(id)
      if (call !== undefined && agentConnection(call, agent.id)?.state === 'held') held.push(this.callRecord(call))
    }
    if (held.length === 0) fail('CALLDATA_NO_HELD_CALL')
    return held
  }

  /** `agentholdnum/{workno}`: how many calls a signed-in agent holds (0 when none). */
  heldNum (agentId: string, workno: string): number { return this.heldCount(this.heldOf(agentId, workno)) }

  private heldOf (agentId: string, workno: string): Agent {
    this.host.signedIn(agentId)
    const agent = this.host.agents.get(workno)
    if (agent === undefined) fail('NOT_SIGNED_IN', `agent ${workno} has not signed in`)
    return agent
  }

  /**
   * `connecthold/{callid}`: the agent joins the other parties of its active call to its held call
   * `callid` and leaves both (Part D §D2.3): the held call (and its callid) goes on without it.
   */
  connectHold (agentId: string, callid: string): void {
    const agent = this.host.signedIn(agentId)
    const held = this.findCall(agent, (conn, c) => conn.state === 'held' && c.callid === callid)
    if (held === undefined) fail('CONNECT_HOLD_NO_HELD_CALL', `no held call ${callid}`)
    const active = this.activeOf(agent)
    if (active === undefined || active.conn.state !== 'connected') fail('CONNECT_HOLD_NO_CALL', 'no talking call to connect the held call to')
    notInspecting(active.conn)
    this.mergeInto(active.call, held, agent)
    this.end(active.call, agent.id, 'release')
    this.partyLeaves(held, agent, 'releaser', false)
  }

  /** `dropcall/{callid}`: the agent hangs up that one call, held or not (200-025 when it is not in it). */
  dropCall (agentId: string, callid: string): void {
    const agent = this.host.signedIn(agentId)
    const call = this.findCall(agent, (_conn, c) => c.callid === callid)
    if (call === undefined) fail('DROPCALL_NO_CALL')
    this.hangUp(call, agent)
  }

  /** `beginmute` / `endmute`: a flag on the agent's talking connection, no event (Part D §D2.4). */
  mute (agentId: string, on: boolean, what: 'muted' | 'videoMuted' = 'muted'): void {
    const agent = this.host.signedIn(agentId)
    const active = this.activeOf(agent)
    if (active === undefined) fail(on ? 'MUTE_NO_CALL' : 'UNMUTE_NO_CALL')
    notInspecting(active.conn)
    if (active.conn.state !== 'connected') fail(on ? 'MUTE_WRONG_STATE' : 'UNMUTE_WRONG_STATE', `the call is ${legState(active.conn)}, not talking`)
    const media = what === 'muted' ? 'the call' : 'the video'
    if (active.conn[what] === on) fail(on ? 'MUTE_WRONG_STATE' : 'UNMUTE_WRONG_STATE', on ? `${media} is already muted` : `${media} is not muted`)
    active.conn[what] = on
  }

  /** `seconddial` / `seconddialex`: DTMF digits on the talking call, recorded on it (no event). */
  secondDial (agentId: string, digits: string): void {
    const agent = this.host.signedIn(agentId)
    if (!DTMF.test(digits)) fail('INVALID_PARAMETER', 'number: 1 to 24 of 0-9 * #')
    const active = this.activeOf(agent)
    if (active === undefined || active.conn.state !== 'connected') fail('OPERATION_EXCEPTION', 'no talking call to send digits on')
    active.call.dtmf += digits
  }

  phonePickup (agentId: string): void {
    const agent = this.host.signedIn(agentId)
    const ringing = this.findCall(agent, conn => conn.state === 'alerting')
    if (agent.phoneOffHook && ringing === undefined) fail('OPERATION_EXCEPTION', 'the phone is already off-hook')
    this.phoneEvent(agent, 'AgentOther_PhoneOffhook')
    if (ringing !== undefined) this.answerConn(ringing, agentConnection(ringing, agent.id)!)
  }

  phoneHangup (agentId: string): void {
    const agent = this.host.signedIn(agentId)
    const active = this.activeOf(agent)
    if (active !== undefined) { this.end(active.call, agent.id, 'release'); return }
    if (!agent.phoneOffHook || agent.calls.length > 0) fail('OPERATION_EXCEPTION', 'no phone to hang up')
    this.hangUpPhone(agent)
  }

  /** Every call the agent is in ends as if it hung up (forced sign-out). */
  dropAllOf (agent: Agent): void {
    for (const callid of [...agent.calls]) {
      const call = this.active.get(callid)
      if (call !== undefined) this.end(call, agent.id, 'release')
    }
  }

  /** Forget every call (reset). Timers are cancelled; no events. */
  clear (): void {
    for (const call of this.active.values()) this.clearTimers(call)
    this.active.clear()
    this.finished.clear()
  }

  isTalking (agent: Agent): boolean {
    return agent.calls.some(id => { const s = agentConnection(this.active.get(id), agent.id)?.state; return s === 'connected' || s === 'held' })
  }

  // ---- call data ----------------------------------------------------------------------------

  callInfo (agentId: string, skipLastCall: boolean): Record<string, unknown> {
    const agent = this.host.signedIn(agentId)
    const current = this.activeOf(agent)?.call ?? this.findCall(agent, () => true, true)
    const call = current ?? (skipLastCall || agent.lastCallId === undefined ? undefined : this.get(agent.lastCallId))
    if (call === undefined) fail('CALLDATA_NO_CALL')
    return this.callRecord(call)
  }

  /** The `callinfo` shape of one call (also `callinfobeforeanswer`, the hold list). */
  callRecord (call: Call): Record<string, unknown> {
    return {
      callfeature: Number(call.feature),
      callid: call.callid,
      caller: call.callerNumber,
      called: call.called,
      callskill: this.skillName(call),
      callskillid: call.skillid ?? 1,
      orgicallednum: '',
      calldata: call.callappdata,
      begintime: call.beginTime,
      endtime: call.endTime ?? null,
      userPriority: 0,
      trunkNo: 65535,
      logontimes: 0
    }
  }

  callInfoByCallId (agentId: string, callid: string): Record<string, unknown> {
    this.host.signedIn(agentId)
    const call = this.get(callid)
    if (call === undefined) fail('CALLDATA_NO_CALL', `no call ${callid}`)
    return {
      called: call.called,
      caller: call.callerNumber,
      callid: call.callid,
      calldata: call.callappdata,
      orgicallednum: '',
      callfeature: Number(call.feature),
      callskill: this.skillName(call)
    }
  }

  private skillName (call: Call): string {
    return this.host.world.world.skills.find(s => s.id === (call.skillid ?? 1))?.name ?? 'voice'
  }

  get (callid: string): Call | undefined { return this.active.get(callid) ?? this.finished.get(callid) }

  /** The call an agent is ringing with (manual answer), if any. */
  ringingOf (agent: Agent): Call | undefined {
    return this.findCall(agent, conn => conn.state === 'alerting')
  }

  /** The simulated peer's behaviour in a call (simulated colleague or external number). */
  farPeer (call: Call): PeerSpec | undefined {
    for (const c of call.connections) if (c.device.kind === 'simAgent' || c.device.kind === 'external') return c.device.spec
    return undefined
  }

  // ---- parties joining and leaving a call (primitives of transfer and conference too) ---------

  /**
   * One agent hangs up its part of a call. A call of two parties ends; in a call of more (a
   * conference) only this agent leaves and the others are told who left.
   */
  hangUp (call: Call, agent: Agent): void {
    if (agentConnection(call, agent.id)?.supervisor !== undefined) this.supervision.leave(call, agent, 'releaser')
    else if (liveParties(call).length > 2) this.partyLeaves(call, agent, 'releaser')
    else this.end(call, agent.id, 'release')
  }

  /**
   * An agent leaves a call that goes on: its connection is removed, it gets the phase's events
   * and its state after the call; the agents still in the call get `partyLeft` (unless the leaving
   * is a hand-over they already heard of).
   */
  partyLeaves (call: Call, agent: Agent, phase: 'releaser' | 'released' | 'intercepted', tellOthers = true): void {
    const conn = agentConnection(call, agent.id)
    if (conn === undefined) return
    moveConnection(conn, 'clear')
    call.connections = call.connections.filter(c => c !== conn)
    this.leaveAgent(call, agent, phase, phase === 'releaser', true)
    this.supervision.partyLeft(call, agent)
    if (tellOthers) for (const other of this.agentsIn(call)) this.phase(call, other, 'partyLeft', false, { otherParty: agent.id })
    this.transfers.left(call, agent)
  }

  /**
   * The live parties of `from` other than `keep` move into `into` (same states, same roles); the
   * agents among them now take part in `into` instead of `from` and are told (`handedOver`).
   */
  mergeInto (from: Call, into: Call, keep: Agent): void {
    const moving = from.connections.filter(c => c.state !== 'cleared' && !(c.device.kind === 'agent' && c.device.id === keep.id))
    from.connections = from.connections.filter(c => !moving.includes(c))
    into.connections.push(...moving)
    for (const c of moving) {
      if (c.device.kind !== 'agent') continue
      const agent = this.host.agents.get(c.device.id)
      if (agent === undefined) continue
      agent.calls = agent.calls.map(id => id === from.callid ? into.callid : id)
      this.phase(into, agent, 'handedOver')
    }
  }

  /** The signed-in agents taking part in the call (live connections; inspectors are not parties). */
  agentsIn (call: Call): Agent[] {
    const out: Agent[] = []
    for (const c of call.connections) {
      if (c.device.kind !== 'agent' || c.state === 'cleared' || c.supervisor !== undefined) continue
      const agent = this.host.agents.get(c.device.id)
      if (agent !== undefined) out.push(agent)
    }
    return out
  }

  // ---- internals ----------------------------------------------------------------------------

  private connectCall (call: Call): void {
    if (call.answerTime !== undefined || call.ended) return
    this.clearTimers(call)
    call.answerTime = this.host.clock.now()
    for (const c of liveConnections(call)) if (c.state === 'initiated' || c.state === 'alerting') moveConnection(c, 'answer')
    for (const c of call.connections) if (c.device.kind === 'agent' && c.state === 'connected') this.phase(call, this.host.agents.get(c.device.id), 'connect')
    this.listener?.connected(call)
    if (call.helpFor !== undefined) this.help.answered(call)
    if (call.talkMs !== undefined) this.after(call, call.talkMs, () => this.end(call, undefined, 'farRelease'))
  }

  /** A manual-answer agent let an inbound call ring out: it is told, set busy (or idle), and the customer waits again. */
  private ringOut (call: Call, agent: Agent): void {
    const conn = agentConnection(call, agent.id)
    if (conn === undefined || conn.state !== 'alerting') return
    this.clearTimers(call)
    moveConnection(conn, 'clear')
    call.connections = call.connections.filter(c => c !== conn)
    if (this.noAnswerThen === 'busy') { agent.pendingBusy = true; agent.busyReason = '2' }
    this.leaveAgent(call, agent, 'noAnswer', false, false)
    this.listener?.requeue(call, agent.id)
  }

  /**
   * End a call. `by` is the agent that hung up (undefined: the far end, the customer or the
   * network). Connected calls: releaser/released phases. Unconnected: the caller gets the failure
   * phase, a ringing callee that let it ring out gets noAnswer, one that hung up gets releaser.
   */
  end (call: Call, by: string | undefined, cause: EndCause): void {
    if (call.ended) return
    const connected = call.answerTime !== undefined
    this.clearTimers(call)
    call.ended = true
    call.endTime = this.host.clock.now()
    this.active.delete(call.callid)
    this.finished.set(call.callid, call)
    if (this.finished.size > FINISHED_KEPT) this.finished.delete(this.finished.keys().next().value!)
    for (const conn of call.connections) {
      const wasLive = conn.state !== 'cleared'
      moveConnection(conn, 'clear')
      if (!wasLive || conn.device.kind !== 'agent') continue
      const agent = this.host.agents.get(conn.device.id)
      if (agent === undefined) continue
      let phase: CallPhase
      if (!connected && conn.role === 'caller' && by === agent.id) phase = 'callerCancel'
      else if (connected || conn.role === 'called' || by === agent.id) {
        if (cause === 'noAnswer' && agent.id === by) phase = 'noAnswer'
        else phase = by === agent.id ? 'releaser' : 'released'
      } else phase = call.helpFor !== undefined ? 'consultFail' : call.internal ? 'insideCallFail' : 'callOutFail'
      // An inspector's part ends with the call, without after-call work.
      this.leaveAgent(call, agent, phase, by === agent.id && cause !== 'noAnswer', connected && conn.supervisor === undefined)
    }
    this.listener?.ended(call)
  }

  /** The agent's part in a call is over: its phase's events, then its state after the call. */
  leaveAgent (call: Call, agent: Agent, phase: CallPhase, hungUpHere: boolean, connected: boolean, extra?: Partial<CallView>): void {
    agent.calls = agent.calls.filter(id => id !== call.callid)
    agent.lastCallId = call.callid
    agent.lastCallConnected = connected
    this.phase(call, agent, phase, hungUpHere, extra)
    if (agent.calls.length === 0) this.host.apply(agent, 'vacate')
  }

  /** Enqueue one phase's events for `agent`, with phone events filtered by its phone state. */
  phase (call: Call, agent: Agent | undefined, phase: CallPhase, hungUpHere = false, extra?: Partial<CallView>): void {
    if (agent === undefined) return
    const view = this.view(call, agent)
    if (extra !== undefined) Object.assign(view, extra)
    for (const type of this.flow[phase]) {
      // Already occupied by another (held) call: no second "occupied" event.
      if (type === 'AgentState_Busy' && agent.calls.some(id => id !== call.callid)) continue
      if (type === 'AgentOther_PhoneAlerting' && agent.phoneOffHook) continue
      if (type === 'AgentOther_PhoneOffhook') { if (agent.phoneOffHook) continue; agent.phoneOffHook = true }
      if (type === 'AgentOther_PhoneRelease') {
        // The phone goes on-hook only when the agent has no call left and is not always-off-hook.
        if (!agent.phoneOffHook || !agent.settings.releasePhone || agent.calls.length > 0) continue
        agent.phoneOffHook = false
      }
      this.host.emit(agent, { eventType: type, content: callEventContent(type, view, hungUpHere) })
    }
  }

  private phoneEvent (agent: Agent, type: 'AgentOther_PhoneOffhook'): void {
    agent.phoneOffHook = true
    this.host.emit(agent, { eventType: type, content: { type: 'main' } })
  }

  private hangUpPhone (agent: Agent): void {
    agent.phoneOffHook = false
    this.host.emit(agent, { eventType: 'AgentOther_PhoneRelease', content: { phoneState: 2 } })
  }

  private view (call: Call, agent: Agent): CallView {
    const isCaller = callerConnection(call)?.device.id === agent.id && callerConnection(call)?.device.kind === 'agent'
    return {
      callid: call.callid,
      feature: call.feature,
      caller: call.callerNumber,
      called: call.called,
      otherParty: isCaller ? call.called : call.callerNumber,
      isCaller,
      internal: call.internal,
      callerIsAgent: call.internal && call.callerNumber === this.callerAgentId(call),
      transfrom: call.transfrom
    }
  }

  /** The agent that placed the call, if an agent did. */
  callerAgentId (call: Call): string | undefined {
    const c = callerConnection(call)
    return c?.device.kind === 'agent' ? c.device.id : undefined
  }

  callerAgent (call: Call): Agent | undefined {
    const id = this.callerAgentId(call)
    return id === undefined ? undefined : this.host.agents.get(id)
  }

  /** The agent's call that is not on hold (dialling, ringing or talking), if any. */
  activeOf (agent: Agent): { call: Call, conn: Connection } | undefined {
    for (const id of agent.calls) {
      const call = this.active.get(id)
      const conn = agentConnection(call, agent.id)
      if (call !== undefined && conn !== undefined && conn.state !== 'held') return { call, conn }
    }
    return undefined
  }

  private heldCount (agent: Agent): number {
    let n = 0
    for (const id of agent.calls) if (agentConnection(this.active.get(id), agent.id)?.state === 'held') n++
    return n
  }

  findCall (agent: Agent, test: (conn: Connection, call: Call) => boolean, newestFirst = false): Call | undefined {
    const ids = newestFirst ? [...agent.calls].reverse() : agent.calls
    for (const id of ids) {
      const call = this.active.get(id)
      const conn = agentConnection(call, agent.id)
      if (call !== undefined && conn !== undefined && test(conn, call)) return call
    }
    return undefined
  }

  after (call: Call, ms: number, fn: () => void): void {
    call.timers.push(this.host.clock.setTimer(ms, fn))
  }

  /** A timer of one connection (a transfer target ringing), cancelled with the call or on its own. */
  connTimer (call: Call, conn: Connection, ms: number, fn: () => void): void {
    const handle = this.host.clock.setTimer(ms, fn)
    call.timers.push(handle)
    this.connTimers.set(conn, handle)
  }

  clearTimersOf (conn: Connection): void {
    this.connTimers.get(conn)?.cancel()
    this.connTimers.delete(conn)
  }

  clearTimers (call: Call): void {
    for (const t of call.timers) t.cancel()
    call.timers = []
  }
}

/** The leg states the control API has always shown for an agent's connection. */
export function legState (conn: Connection): 'dialing' | 'ringing' | 'talking' | 'held' | 'queued' {
  switch (conn.state === 'cleared' ? conn.lastLive : conn.state) {
    case 'initiated': return 'dialing'
    case 'alerting': return 'ringing'
    case 'held': return 'held'
    case 'queued': return 'queued'
    default: return 'talking'
  }
}
