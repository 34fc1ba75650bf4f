/**
 * What the control API, scenario timelines and fault rules do to the simulator directly, in one
 * place: force a state, inject an event, arm event faults, expire a GUID, run a timeline action,
 * reset. The gateway's own operations stay in the Simulator; nothing here is reachable from a
 * gateway route.
 */
import type { CustomerCallInput } from './contact-center.js'
import { contentBytesToMeasure } from './event-size.js'
import type { ForcedState, TimelineAction } from './scenario.js'
import type { Agent } from './agent.js'
import type { Simulator } from './simulator.js'

export class Control {
  constructor (private readonly sim: Simulator) {}

  /** GUID expiry: the agent stays signed in but its GUIDs stop working (clients must sign in again). */
  expireGuid (agentId: string): void { this.sim.sessions.expire(this.sim.signedIn(agentId).session) }

  /** Jump to a state without replaying calls: any call is released by the far end first. */
  setState (agentId: string, state: ForcedState): void {
    const agent = this.sim.signedIn(agentId)
    if (state === 'signedOut') { this.sim.signOutNow(agent, 'forced by control'); return }
    for (const callid of [...agent.calls]) this.sim.calls.farHangUp(callid)
    agent.restTimer?.cancel()
    agent.restTimer = undefined
    const target = { idle: 'idle', busy: 'notReady', rest: 'rest', work: 'work' } as const
    Object.assign(agent, { status: target[state], pendingBusy: false, pendingRest: false, pendingWork: false, stateSince: this.sim.clock.now() })
    const event = {
      idle: { eventType: 'AgentState_Ready', content: null },
      busy: { eventType: 'AgentState_SetNotReady_Success', content: { reason: agent.busyReason } },
      rest: { eventType: 'AgentState_SetRest_Success', content: { reason: agent.restReason } },
      work: { eventType: 'AgentState_Work', content: null }
    }[state]
    this.sim.emit(agent, event)
    this.sim.center.agentChanged(agent)
  }

  /** Queue any event for a signed-in agent. Its content is measured: queues and histories bound it. */
  inject (agentId: string, eventType: string, content: unknown): void {
    this.sim.emit(this.sim.signedIn(agentId), { eventType, content }, contentBytesToMeasure(content))
  }

  /** Arm an event fault for the agent's next events. */
  eventFault (agentId: string, kind: 'drop' | 'duplicate' | 'delay', delayMs = 0): void {
    const agent = this.sim.signedIn(agentId)
    const f = agent.eventFaults ??= { drop: 0, duplicate: 0, held: undefined }
    if (kind === 'drop') f.drop++
    else if (kind === 'duplicate') f.duplicate++
    else if (f.held === undefined) {
      f.held = []
      this.sim.clock.setTimer(delayMs, () => {
        const held = f.held ?? []
        f.held = undefined
        if (this.sim.agents.get(agent.id) === agent) for (const e of held) this.sim.enqueue(agent, e)
      })
    }
  }

  /** Carry out a timeline action; `agent` fills in when the step names none. */
  perform (action: TimelineAction, agent: string | undefined, source: string): void {
    const who = (a: { agent?: string | undefined }): string => {
      const id = a.agent ?? agent
      if (id === undefined) throw new Error('no agent named and none triggered the step')
      return id
    }
    try {
      if ('farHangUp' in action) this.activeCallOf(who(action.farHangUp), id => this.sim.calls.farHangUp(id))
      else if ('farAnswer' in action) this.activeCallOf(who(action.farAnswer), id => this.sim.calls.farAnswer(id))
      else if ('signOut' in action) this.sim.signOutNow(this.sim.signedIn(who(action.signOut)), source)
      else if ('expireGuid' in action) this.expireGuid(who(action.expireGuid))
      else if ('setState' in action) this.setState(who(action.setState), action.setState.state)
      else if ('customerCall' in action) this.customerCall(action.customerCall)
      // Every agent's receiver when the step names none (not the triggering agent's only).
      else if ('pushDown' in action) this.sim.push.receiverDown(action.pushDown.agent, action.pushDown.forMs)
      else if ('inject' in action) this.inject(who(action.inject), action.inject.eventType, action.inject.content ?? null)
      // Armed as part of the scenario: cleared with it on reset and deactivate.
      else this.sim.faults.arm({ ...action.armFault, name: action.armFault.name ?? source }, 'scenario')
      this.sim.opts.log.info({ source, action: Object.keys(action)[0], agent }, 'scenario step')
    } catch (err) {
      this.sim.opts.log.warn({ source, action: Object.keys(action)[0], agent, err: (err as Error).message }, 'scenario step could not run')
    }
  }

  private activeCallOf (agentId: string, run: (callid: string) => void): void {
    const agent = this.sim.signedIn(agentId)
    const callid = agent.calls[agent.calls.length - 1]
    if (callid === undefined) throw new Error(`agent ${agentId} has no call`)
    run(callid)
  }

  /** A customer calls in (control API, timeline step): to an access code, a skill, or one agent. */
  customerCall (input: CustomerCallInput): string {
    return this.sim.center.customerCall(input).callid
  }

  /** Sign every agent out silently (no events), drop calls and history: a fresh start. */
  resetAll (): void {
    const agents = [...this.sim.agents.values()]
    // All out of the agent map first: a call ending with one agent's reset queues nothing for the
    // other party either (reset later, it would have pushed the release before its own reset).
    this.sim.agents.clear()
    for (const agent of agents) this.resetSignedIn(agent)
    this.sim.forgetHistory()
    this.sim.calls.clear()
    this.sim.center.reset()
    this.sim.recordings.clear()
    this.sim.forced.clear()
    this.sim.push.reset()
  }

  /** One agent back to signed out, silently; its held poll is answered empty. */
  resetAgent (agentId: string): void {
    const agent = this.sim.agents.get(agentId)
    if (agent === undefined) {
      this.sim.forgetHistory(agentId)
      // Signed out already: what its earlier sessions still send stops too.
      this.sim.push.signedOut(agentId, undefined, false)
      return
    }
    this.resetSignedIn(agent)
  }

  private resetSignedIn (agent: Agent): void {
    const agentId = agent.id
    // Out of the agent map first (as in signOutNow): its calls end without queueing events for it,
    // so a held poll is answered empty, not with the first event of the release.
    this.sim.agents.delete(agentId)
    this.sim.center.agentChanged(agent)
    for (const callid of [...agent.calls]) this.sim.calls.farHangUp(callid)
    agent.restTimer?.cancel()
    agent.inactivityTimer?.cancel()
    this.sim.sessions.close(agent.session)
    this.sim.push.signedOut(agentId, agent.push, false)
    agent.queue.clear()
    agent.queue.wake()
    // Last, when nothing reaches the agent any more: its history (its calls' events too) is forgotten.
    this.sim.forgetHistory(agentId)
  }
}
