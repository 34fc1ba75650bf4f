/**
 * Internal help, conference and dropping one party (Part D §D2.2, §D2.3) on the call engine's
 * primitives. A help call is a call of its own (feature 51 two-party, 52 three-party) placed while
 * the customer's call is held; joining calls (`confjoin`, a three-party help answered) moves the
 * parties of the active call into the held one, which keeps its callid (§D1.1).
 * docs/call-flows.md draws the sequences.
 */
import type { Agent } from './agent.js'
import type { CallEngine, CallHost } from './call-engine.js'
import { agentConnection, liveConnections, liveParties, moveConnection, notInspecting, type Call } from './call-model.js'
import { fail } from './errors.js'

export interface HelpInput {
  dstaddress: string
  /** 1 skill, 2 agent (default). */
  devicetype: number
  /** 1 two-party help (default), 2 three-party help. */
  mode: number
  callappdata?: string | undefined
}

export class CallHelp {
  constructor (private readonly engine: CallEngine, private readonly host: CallHost) {}

  /** `innerhelp`: hold the talking call and call a helper; answers the help call's callid. */
  innerHelp (agentId: string, input: HelpInput): string {
    const agent = this.host.signedIn(agentId)
    const active = this.engine.activeOf(agent)
    if (active === undefined || active.conn.state !== 'connected') fail('INNER_CALL_NOT_ALLOWED', 'no call to ask for internal help')
    notInspecting(active.conn)
    if (active.call.helpFor !== undefined) fail('OPERATION_EXCEPTION', 'the agent is already in a help call')
    if (input.mode !== 1 && input.mode !== 2) fail('INVALID_PARAMETER', 'mode: 1 two-party or 2 three-party help')
    const helper = this.helper(agent, input)
    this.engine.hold(agent.id)
    const help = this.engine.dial(agent, { called: helper?.id ?? input.dstaddress, caller: agent.id, callappdata: input.callappdata }, input.mode === 1 ? '51' : '52')
    help.internal = true
    help.helpFor = active.call.callid
    // Nobody to help (or the helper is not idle): AgentEvent_Consult_Fail, the customer stays held.
    if (helper === undefined) this.engine.end(help, undefined, 'fail')
    else this.engine.offerInternal(help, helper)
    return help.callid
  }

  /** The helper answered: a three-party help joins the customer's call at once. */
  answered (help: Call): void {
    if (help.feature !== '52') return
    const held = this.engine.active.get(help.helpFor ?? '')
    const agentId = this.engine.callerAgentId(help)
    const agent = agentId === undefined ? undefined : this.host.agents.get(agentId)
    if (held === undefined || agent === undefined || agentConnection(held, agent.id)?.state !== 'held') return
    this.join(agent, held, help, help.callid)
  }

  /** `confjoin {"callid":<held>}`: the held call and the talking call become one conference. */
  confJoin (agentId: string, callid: string): void {
    const agent = this.host.signedIn(agentId)
    const active = this.engine.activeOf(agent)
    if (active === undefined || active.conn.state !== 'connected') fail('CONFERENCE_NO_CALL')
    notInspecting(active.conn)
    const held = this.engine.findCall(agent, (conn, c) => conn.state === 'held' && c.callid === callid)
    if (held === undefined) fail('CONFERENCE_NO_HELD_CALL', `no held call ${callid}`)
    this.join(agent, held, active.call, held.callid)
  }

  /**
   * `disconnect/{number}`: one party leaves the agent's current call: the agent itself (its own
   * id or phone), or another party by its number or work number.
   */
  disconnect (agentId: string, number: string): void {
    const agent = this.host.signedIn(agentId)
    const call = this.engine.activeOf(agent)?.call ?? this.engine.findCall(agent, () => true, true)
    if (call === undefined) fail('DISCONNECT_NO_CALL')
    if (number === agent.id || number === agent.settings.phoneNum) { this.engine.hangUp(call, agent); return }
    const conn = liveConnections(call).find(c => c.device.id === number && c.device.kind !== 'queue')
    if (conn === undefined) fail('DISCONNECT_NO_NUMBER', `${number} is not a party of call ${call.callid}`)
    const other = conn.device.kind === 'agent' ? this.host.agents.get(number) : undefined
    if (other !== undefined) this.engine.partyLeaves(call, other, 'released')
    else {
      moveConnection(conn, 'clear')
      call.connections = call.connections.filter(c => c !== conn)
      for (const a of this.engine.agentsIn(call)) this.engine.phase(call, a, 'partyLeft', false, { otherParty: number })
    }
    if (liveParties(call).length < 2) this.engine.end(call, undefined, 'farRelease')
  }

  // ---- internals ------------------------------------------------------------------------------

  /** The helper: a signed-in agent by id, or an idle agent of the skill (undefined: nobody). */
  private helper (agent: Agent, input: HelpInput): Agent | undefined {
    if (!/^[0-9]{1,24}$/.test(input.dstaddress)) fail('INVALID_PARAMETER', 'dstaddress: 1 to 24 digits')
    if (input.devicetype === 1) {
      const skill = Number(input.dstaddress)
      if (!this.host.world.skills.has(skill)) fail('INVALID_PARAMETER', `no skill ${input.dstaddress}`)
      for (const a of this.host.agents.values()) {
        if (a !== agent && a.status === 'idle' && a.calls.length === 0 && a.skills.some(s => s.id === skill)) return a
      }
      return undefined
    }
    if (input.devicetype !== 2) fail('INVALID_PARAMETER', 'devicetype: 1 skill or 2 agent')
    if (input.dstaddress === agent.id) fail('INVALID_PARAMETER', 'dstaddress: an agent cannot help itself')
    const helper = this.host.agents.get(input.dstaddress)
    if (helper === undefined) fail('INVALID_PARAMETER', `agent ${input.dstaddress} is not signed in`)
    return helper
  }

  /**
   * The parties of `active` join `held`; the agent's part of `active` ends without events, its
   * held connection is retrieved, and it polls AgentEvent_Conference (`partner`: the held call's
   * far party first, then who joined).
   */
  private join (agent: Agent, held: Call, active: Call, eventCallid: string): void {
    this.engine.mergeInto(active, held, agent)
    active.connections = active.connections.filter(c => !(c.device.kind === 'agent' && c.device.id === agent.id))
    agent.calls = agent.calls.filter(id => id !== active.callid)
    this.engine.end(active, undefined, 'farRelease')
    moveConnection(agentConnection(held, agent.id)!, 'retrieve')
    const partner = liveConnections(held).filter(c => !(c.device.kind === 'agent' && c.device.id === agent.id)).map(c => c.device.id).join(',')
    this.engine.phase(held, agent, 'conference', false, { partner, callid: eventCallid })
  }
}
