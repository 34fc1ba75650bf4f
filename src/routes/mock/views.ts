/** JSON views of simulator state for the control API (what `GET /__mock/agents`, `/calls` show). */
import { agentStateCode } from '../../domain/agent-machine.js'
import type { Agent } from '../../domain/agent.js'
import type { Call } from '../../domain/call-engine.js'
import type { Simulator } from '../../domain/simulator.js'

export function agentView (sim: Simulator, a: Agent): Record<string, unknown> {
  return {
    id: a.id,
    status: a.status,
    agentState: agentStateCode(a),
    isWorking: sim.calls.isTalking(a),
    pendingBusy: a.pendingBusy,
    pendingRest: a.pendingRest,
    session: { guid: a.session.guid, loginTime: a.loginTime, open: a.session.open },
    settings: a.settings,
    phoneOffHook: a.phoneOffHook,
    calls: a.calls,
    lastCallId: a.lastCallId ?? null,
    queueLength: a.queue.length,
    holdingPoll: a.queue.holding,
    lastActive: a.lastActive,
    skills: a.skills
  }
}

export function callView (c: Call): Record<string, unknown> {
  return {
    callid: c.callid,
    feature: c.feature,
    internal: c.internal,
    state: c.state,
    farHeld: c.farHeld,
    callerAgent: c.callerAgentId,
    caller: c.callerNumber,
    called: c.called,
    legs: c.legs,
    peer: c.peer ?? null,
    callappdata: c.callappdata,
    skillid: c.skillid ?? null,
    beginTime: c.beginTime,
    answerTime: c.answerTime ?? null,
    endTime: c.endTime ?? null
  }
}
