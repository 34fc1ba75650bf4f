/**
 * One signed-in agent as the simulator keeps it: machine facts, sign-in options, phone, calls,
 * event queue and liveness. Plain data; the Simulator changes it.
 */
import type { AgentFacts } from './agent-machine.js'
import type { TimerHandle } from './clock.js'
import type { EventQueue } from './event-queue.js'
import type { EventRing } from './event-ring.js'
import type { PushChannel } from './push/channel.js'
import type { Session } from './sessions.js'
import type { Skill } from './world.js'

export interface AgentSettings {
  autoAnswer: boolean
  autoEnterIdle: boolean
  releasePhone: boolean
  phoneNum: string
  agentType: number
}

export interface Agent extends AgentFacts {
  id: string
  session: Session
  loginTime: number
  /** When the agent's status last changed (agentgroup queries: `currentstatetime`). */
  stateSince?: number | undefined
  settings: AgentSettings
  busyReason: string
  restReason: string
  restTimer: TimerHandle | undefined
  /** Rest length last granted, in seconds: the rest timer runs from each time rest begins. */
  restSeconds?: number | undefined
  /** The agent's phone is off-hook (always-off-hook agents keep it so between calls). */
  phoneOffHook: boolean
  /** Calls the agent is in, active or held, oldest first. */
  calls: string[]
  lastCallId: string | undefined
  lastActive: number
  inactivityTimer: TimerHandle | undefined
  queue: EventQueue
  skills: Skill[]
  /** The automatic wrap-up in progress (a token: a later state change makes its timer a no-op). */
  wrapUp?: object | undefined
  /** Set when the agent signed in with a push callback (Part D §D5): its events are pushed. */
  push?: PushChannel | undefined
  /** Event faults armed by a scenario: drop or duplicate the next events, or hold them back. */
  eventFaults: EventFaults | undefined
  /** Its entry in the simulator's event history, kept here rather than looked up per event (looked up again once let go). */
  history: EventHistory | undefined
  /** `settalkright?flag=false`: the ACD offers this agent no customer (cec_07_0356) until it is set again. */
  noTalkRight?: boolean | undefined
}

/** One agent's remembered events; `forgotten` once the history let it go (a reference kept elsewhere is then stale). */
export interface EventHistory {
  events: EventRing
  bytes: number
  forgotten: boolean
}

export interface EventFaults {
  drop: number
  duplicate: number
  /** Events queued while held back, delivered in order when the timer fires. */
  held: import('./events.js').GatewayEvent[] | undefined
}
