/** JSON views of simulator state for the control API (what `GET /__mock/agents`, `/calls` show). */
import { agentStateCode } from '../../domain/agent-machine.js'
import type { Agent } from '../../domain/agent.js'
import { legState } from '../../domain/call-engine.js'
import { callerConnection, callState, type Call } from '../../domain/call-model.js'
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
    skills: a.skills,
    // Push agents only (Part D §D5): their delivery counters.
    ...(a.push === undefined ? {} : { push: sim.push.status(a.id).push })
  }
}

export function callView (c: Call): Record<string, unknown> {
  const caller = callerConnection(c)
  const far = c.connections.find(x => x.device.kind === 'simAgent' || x.device.kind === 'external')
  return {
    callid: c.callid,
    feature: c.feature,
    internal: c.internal,
    state: callState(c),
    farHeld: c.farHeld,
    callerAgent: caller?.device.kind === 'agent' ? caller.device.id : null,
    caller: c.callerNumber,
    called: c.called,
    legs: c.connections.filter(x => x.device.kind === 'agent').map(x => ({ agentId: x.device.id, role: x.role, state: legState(x), muted: x.muted, ...(x.videoMuted ? { videoMuted: true } : {}), ...(x.supervisor === undefined ? {} : { supervise: x.supervisor.mode }) })),
    dtmf: c.dtmf,
    peer: far !== undefined && 'spec' in far.device ? far.device.spec : null,
    callappdata: c.callappdata,
    skillid: c.skillid ?? null,
    beginTime: c.beginTime,
    answerTime: c.answerTime ?? null,
    endTime: c.endTime ?? null
  }
}

/** `GET /__mock/queues`: every skill with its waiting customers, agents and figures. */
export function queuesView (sim: Simulator): Array<Record<string, unknown>> {
  const now = sim.clock.now()
  return sim.world.world.skills.map(skill => {
    const waiting = sim.center.queueEntries(skill.id)
    const figures = sim.center.figures.get(skill.id)
    const agents = sim.center.agentsOn(skill.id)
    return {
      skillid: skill.id,
      name: skill.name,
      capacity: skill.capacity ?? 100,
      waiting: waiting.map(w => ({ callid: w.call.callid, from: w.call.callerNumber, called: w.call.called, priority: w.priority, waitingMs: now - w.since, requeues: w.requeues })),
      longestWaitMs: waiting.reduce((m, w) => Math.max(m, now - w.since), 0),
      agents: { loggedOn: agents.loggedOn, idle: agents.idle },
      figures: figures ?? { offered: 0, answered: 0, abandoned: 0, overflowed: 0, totalWaitMs: 0, longestWaitMs: 0, withinServiceLevel: 0 }
    }
  })
}
