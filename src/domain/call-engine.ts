/**
 * Voice calls (spec §5–§6, issue #3): internal calls between agents, call-outs to external
 * numbers, answer, release, hold and retrieve, phone linkage and call data. Simulated peers from
 * the world file act as the far end on the clock's timers. Event order comes from the CallFlow
 * table; the agent machine decides the state each agent lands in after a call.
 */
import type { Agent } from './agent.js'
import { callEventContent, type CallFlow, type CallPhase, type CallView } from './call-flows.js'
import type { TimerHandle } from './clock.js'
import { fail } from './errors.js'
import type { IdSource } from './ids.js'
import type { Simulator } from './simulator.js'
import type { PeerSpec } from './world.js'

export type LegState = 'dialing' | 'ringing' | 'talking' | 'held'

export interface Leg { agentId: string, role: 'caller' | 'called', state: LegState }

export interface Call {
  callid: string
  feature: '6' | '7'
  internal: boolean
  callerAgentId: string
  /** Shown as caller in events and call data. */
  callerNumber: string
  /** Called agent id or dialled number. */
  called: string
  /** The simulated far end, when the called party is not a signed-in agent. */
  peer: PeerSpec | undefined
  state: 'alerting' | 'talking' | 'released'
  /** The far end has put the call on hold (control API; the gateway sends no event for it). */
  farHeld: boolean
  legs: Leg[]
  callappdata: string
  skillid: number | undefined
  beginTime: number
  answerTime: number | undefined
  endTime: number | undefined
  timers: TimerHandle[]
}

export interface DialInput { called: string, caller?: string | undefined, skillid?: number | undefined, callappdata?: string | undefined }

type EndCause = 'release' | 'farRelease' | 'fail' | 'noAnswer'

const FINISHED_KEPT = 1000

export class CallEngine {
  readonly active = new Map<string, Call>()
  /** Recently finished calls, for call-data queries (bounded, oldest dropped first). */
  readonly finished = new Map<string, Call>()

  constructor (private readonly sim: Simulator, private readonly ids: IdSource, public flow: CallFlow) {}

  // ---- placing calls ------------------------------------------------------------------------

  callInner (agentId: string, input: DialInput): string {
    const agent = this.sim.signedIn(agentId)
    if (input.called === agentId) fail('INVALID_PARAMETER', 'called: an agent cannot call itself')
    if (this.activeLeg(agent) !== undefined) fail('INNER_CALL_NOT_ALLOWED', 'the agent is in a call; hold it first')
    const callee = this.sim.agents.get(input.called)
    const simulated = callee === undefined ? this.sim.world.simulated.get(input.called) : undefined
    const call = this.start(agent, input, '6', simulated)
    if (callee !== undefined) this.offerToAgent(call, callee)
    else if (simulated !== undefined) this.offerToPeer(call, simulated)
    else this.end(call, undefined, 'fail') // nobody signed in with that id
    return call.callid
  }

  callOut (agentId: string, input: DialInput): string {
    const agent = this.sim.signedIn(agentId)
    const peer = this.sim.world.external(input.called)
    if (peer === undefined || peer.behaviour === 'invalid') fail('WRONG_OUTBOUND_NUMBER', `called: ${input.called} cannot be dialled`)
    if (this.activeLeg(agent) !== undefined) fail('OPERATION_EXCEPTION', 'the agent is in a call; hold it first')
    const call = this.start(agent, input, '7', peer)
    this.offerToPeer(call, peer)
    return call.callid
  }

  private start (agent: Agent, input: DialInput, feature: '6' | '7', peer: PeerSpec | undefined): Call {
    const now = this.sim.clock.now()
    const internal = feature === '6'
    const call: Call = {
      callid: this.ids.callId(now),
      feature,
      internal,
      callerAgentId: agent.id,
      // Internal calls show the calling agent unless the request names a caller number.
      callerNumber: input.caller !== undefined && input.caller !== '' ? input.caller : (internal ? agent.id : this.sim.world.world.defaultCaller),
      called: input.called,
      peer,
      state: 'alerting',
      farHeld: false,
      legs: [{ agentId: agent.id, role: 'caller', state: 'dialing' }],
      callappdata: input.callappdata ?? '',
      skillid: input.skillid,
      beginTime: now,
      answerTime: undefined,
      endTime: undefined,
      timers: []
    }
    this.active.set(call.callid, call)
    this.join(agent, call)
    this.phase(call, agent, 'dial')
    return call
  }

  private join (agent: Agent, call: Call): void {
    if (agent.status !== 'occupied') this.sim.apply(agent, 'occupy')
    agent.calls.push(call.callid)
  }

  private offerToAgent (call: Call, callee: Agent): void {
    // Only an idle agent with no call can be offered a call; anything else fails the call.
    if (callee.status !== 'idle' || callee.calls.length > 0) { this.end(call, undefined, 'fail'); return }
    call.legs.push({ agentId: callee.id, role: 'called', state: 'ringing' })
    this.join(callee, call)
    this.phase(call, callee, 'offer')
    this.phase(call, this.caller(call), 'alerting')
    if (callee.settings.autoAnswer) {
      this.phase(call, callee, 'presentAuto')
      this.connect(call)
    } else {
      this.phase(call, callee, 'presentManual')
      this.after(call, this.sim.world.world.ringTimeoutMs, () => this.end(call, callee.id, 'noAnswer'))
    }
  }

  private offerToPeer (call: Call, peer: PeerSpec): void {
    if (peer.behaviour === 'busy' || peer.behaviour === 'notSignedIn' || peer.behaviour === 'invalid') {
      this.end(call, undefined, 'fail')
      return
    }
    this.phase(call, this.caller(call), 'alerting')
    if (peer.behaviour === 'answer') this.after(call, peer.afterMs ?? 0, () => this.farAnswer(call.callid))
    else if (peer.behaviour === 'reject') this.after(call, peer.afterMs ?? 0, () => this.end(call, undefined, 'fail'))
    else this.after(call, this.sim.world.world.ringTimeoutMs, () => this.end(call, undefined, 'fail'))
  }

  // ---- far end (simulated peers, and the admin API later) -----------------------------------

  farAnswer (callid: string): void {
    const call = this.active.get(callid)
    if (call === undefined || call.state !== 'alerting') return
    this.connect(call)
    const hangUp = call.peer?.hangUpAfterMs
    if (hangUp !== undefined) this.after(call, hangUp, () => this.end(call, undefined, 'farRelease'))
  }

  farHold (callid: string): void {
    const call = this.active.get(callid)
    if (call !== undefined) call.farHeld = !call.farHeld
  }

  farHangUp (callid: string): void {
    const call = this.active.get(callid)
    if (call !== undefined) this.end(call, undefined, call.state === 'talking' ? 'farRelease' : 'fail')
  }

  // ---- agent call control -------------------------------------------------------------------

  answer (agentId: string, callid: string | undefined): void {
    const agent = this.sim.signedIn(agentId)
    const call = this.findCall(agent, (leg, c) => leg.state === 'ringing' && (callid === undefined || c.callid === callid))
    if (call === undefined) fail('NO_CALL_TO_ANSWER')
    this.connect(call)
  }

  release (agentId: string): void {
    const agent = this.sim.signedIn(agentId)
    const call = this.activeLeg(agent)?.call ?? this.findCall(agent, leg => leg.state === 'held', true)
    if (call === undefined) fail('RELEASE_NO_CALL')
    this.end(call, agent.id, 'release')
  }

  hold (agentId: string): void {
    const agent = this.sim.signedIn(agentId)
    const active = this.activeLeg(agent)
    if (active === undefined) fail('HOLD_NO_CALL')
    if (active.leg.state !== 'talking') fail('HOLD_WRONG_STATE', `the call is ${active.leg.state}, not talking`)
    active.leg.state = 'held'
    this.phase(active.call, agent, 'hold')
  }

  getHold (agentId: string, callid: string | undefined): void {
    const agent = this.sim.signedIn(agentId)
    const call = this.findCall(agent, (leg, c) => leg.state === 'held' && (callid === undefined || c.callid === callid), true)
    if (call === undefined) fail('UNHOLD_NO_HELD_CALL')
    if (this.activeLeg(agent) !== undefined) fail('UNHOLD_WRONG_STATE', 'release or hold the active call first')
    this.legOf(call, agent.id)!.state = 'talking'
    this.phase(call, agent, 'unhold')
  }

  phonePickup (agentId: string): void {
    const agent = this.sim.signedIn(agentId)
    const ringing = this.findCall(agent, leg => leg.state === 'ringing')
    if (agent.phoneOffHook && ringing === undefined) fail('OPERATION_EXCEPTION', 'the phone is already off-hook')
    this.phoneEvent(agent, 'AgentOther_PhoneOffhook')
    if (ringing !== undefined) this.connect(ringing)
  }

  phoneHangup (agentId: string): void {
    const agent = this.sim.signedIn(agentId)
    const active = this.activeLeg(agent)
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
    return agent.calls.some(id => { const l = this.legOf(this.active.get(id), agent.id); return l?.state === 'talking' || l?.state === 'held' })
  }

  // ---- call data ----------------------------------------------------------------------------

  callInfo (agentId: string, skipLastCall: boolean): Record<string, unknown> {
    const agent = this.sim.signedIn(agentId)
    const current = this.activeLeg(agent)?.call ?? this.findCall(agent, () => true, true)
    const call = current ?? (skipLastCall || agent.lastCallId === undefined ? undefined : this.get(agent.lastCallId))
    if (call === undefined) fail('CALLDATA_NO_CALL')
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
    this.sim.signedIn(agentId)
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
    return this.sim.world.world.skills.find(s => s.id === (call.skillid ?? 1))?.name ?? 'voice'
  }

  get (callid: string): Call | undefined { return this.active.get(callid) ?? this.finished.get(callid) }

  // ---- internals ----------------------------------------------------------------------------

  private connect (call: Call): void {
    if (call.state !== 'alerting') return
    this.clearTimers(call)
    call.state = 'talking'
    call.answerTime = this.sim.clock.now()
    for (const leg of call.legs) leg.state = 'talking'
    for (const leg of call.legs) this.phase(call, this.sim.agents.get(leg.agentId), 'connect')
  }

  /**
   * End a call. `by` is the agent that hung up (undefined: the far end or the network).
   * Connected calls: releaser/released phases. Unconnected: the caller gets the failure phase,
   * a ringing callee that let it ring out gets noAnswer, one that hung up gets releaser.
   */
  private end (call: Call, by: string | undefined, cause: EndCause): void {
    if (call.state === 'released') return
    const connected = call.state === 'talking'
    this.clearTimers(call)
    call.state = 'released'
    call.endTime = this.sim.clock.now()
    this.active.delete(call.callid)
    this.finished.set(call.callid, call)
    if (this.finished.size > FINISHED_KEPT) this.finished.delete(this.finished.keys().next().value!)
    for (const leg of call.legs) {
      const agent = this.sim.agents.get(leg.agentId)
      if (agent === undefined) continue
      let phase: CallPhase
      if (!connected && leg.role === 'caller' && by === leg.agentId) phase = 'callerCancel'
      else if (connected || leg.role === 'called' || by === leg.agentId) {
        if (cause === 'noAnswer' && leg.agentId === by) phase = 'noAnswer'
        else phase = by === leg.agentId ? 'releaser' : 'released'
      } else phase = call.internal ? 'insideCallFail' : 'callOutFail'
      agent.calls = agent.calls.filter(id => id !== call.callid)
      agent.lastCallId = call.callid
      agent.lastCallConnected = connected
      this.phase(call, agent, phase, by === leg.agentId && cause !== 'noAnswer')
      if (agent.calls.length === 0) this.sim.apply(agent, 'vacate')
    }
  }

  /** Enqueue one phase's events for `agent`, with phone events filtered by its phone state. */
  private phase (call: Call, agent: Agent | undefined, phase: CallPhase, hungUpHere = false): void {
    if (agent === undefined) return
    const view = this.view(call, agent)
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
      this.sim.emit(agent, { eventType: type, content: callEventContent(type, view, hungUpHere) })
    }
  }

  private phoneEvent (agent: Agent, type: 'AgentOther_PhoneOffhook'): void {
    agent.phoneOffHook = true
    this.sim.emit(agent, { eventType: type, content: { type: 'main' } })
  }

  private hangUpPhone (agent: Agent): void {
    agent.phoneOffHook = false
    this.sim.emit(agent, { eventType: 'AgentOther_PhoneRelease', content: { phoneState: 2 } })
  }

  private view (call: Call, agent: Agent): CallView {
    const isCaller = call.callerAgentId === agent.id
    return {
      callid: call.callid,
      feature: call.feature,
      caller: call.callerNumber,
      called: call.called,
      otherParty: isCaller ? call.called : call.callerNumber,
      isCaller,
      internal: call.internal,
      callerIsAgent: call.internal && call.callerNumber === call.callerAgentId
    }
  }

  private caller (call: Call): Agent | undefined { return this.sim.agents.get(call.callerAgentId) }

  private legOf (call: Call | undefined, agentId: string): Leg | undefined {
    return call?.legs.find(l => l.agentId === agentId)
  }

  /** The agent's call that is not on hold (dialing, ringing or talking), if any. */
  private activeLeg (agent: Agent): { call: Call, leg: Leg } | undefined {
    for (const id of agent.calls) {
      const call = this.active.get(id)
      const leg = this.legOf(call, agent.id)
      if (call !== undefined && leg !== undefined && leg.state !== 'held') return { call, leg }
    }
    return undefined
  }

  private findCall (agent: Agent, test: (leg: Leg, call: Call) => boolean, newestFirst = false): Call | undefined {
    const ids = newestFirst ? [...agent.calls].reverse() : agent.calls
    for (const id of ids) {
      const call = this.active.get(id)
      const leg = this.legOf(call, agent.id)
      if (call !== undefined && leg !== undefined && test(leg, call)) return call
    }
    return undefined
  }

  private after (call: Call, ms: number, fn: () => void): void {
    call.timers.push(this.sim.clock.setTimer(ms, fn))
  }

  private clearTimers (call: Call): void {
    for (const t of call.timers) t.cancel()
    call.timers = []
  }
}
