/**
 * `snatchpickup` (Part D §D2.3, cec_07_0387): an idle agent with the pick-up right takes over a
 * call ringing at a colleague of its work group. The ringing connection moves from the colleague's
 * phone to the picking agent's, which rings and answers at once: a customer offered by the ACD is
 * answered by the picker, a transfer ringing at the colleague completes with the picker.
 */
import type { CallEngine, CallHost } from './call-engine.js'
import { agentConnection } from './call-model.js'
import { fail } from './errors.js'

export class CallPickup {
  constructor (private readonly engine: CallEngine, private readonly host: CallHost) {}

  /** The documented codes are only 000-002, 100-006 and 100-007: every refused precondition is 100-007. */
  snatch (agentId: string, destWorkNo: string): void {
    const agent = this.host.signedIn(agentId)
    if (destWorkNo === agentId) fail('INVALID_PARAMETER', 'destWorkNo: an agent cannot pick up its own call')
    if (this.host.world.roster.get(agentId)?.roles?.includes('pickup') !== true) fail('OPERATION_EXCEPTION', `agent ${agentId} has no pick-up right`)
    if (agent.status !== 'idle' || agent.calls.length > 0) fail('OPERATION_EXCEPTION', `agent ${agentId} is not idle`)
    const target = this.host.agents.get(destWorkNo)
    if (target === undefined) fail('OPERATION_EXCEPTION', `agent ${destWorkNo} has not signed in`)
    if (this.host.world.groupOf(destWorkNo).id !== this.host.world.groupOf(agentId).id) fail('OPERATION_EXCEPTION', `agent ${destWorkNo} is not in the work group of ${agentId}`)
    const call = this.engine.ringingOf(target)
    if (call === undefined || call.internal) fail('OPERATION_EXCEPTION', `agent ${destWorkNo} has no ringing call to pick up (internal calls cannot be)`)
    const conn = agentConnection(call, destWorkNo)!
    // The colleague's desk stops ringing: told who took the call, then its state (never a ring-out busy).
    this.engine.leaveAgent(call, target, 'snatched', false, false, { otherParty: agentId })
    conn.device = { kind: 'agent', id: agentId }
    this.engine.join(agent, call)
    this.engine.phase(call, agent, 'snatch')
    this.engine.answerConn(call, conn)
  }
}
