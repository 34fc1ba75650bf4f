/**
 * The agent state machine as data (spec §3, Part C §2 and §4): for each state, the commands it
 * accepts, the state they lead to and the events they emit. `transition` is pure: it returns the
 * next state and the events to enqueue, or the catalogue key of the error the gateway answers.
 * A command with no entry is refused with its documented code, never ignored.
 */
import type { ErrorKey } from './error-catalogue.js'
import { ev, type EventSpec } from './events.js'

export type AgentStatus = 'signedOut' | 'idle' | 'notReady' | 'work' | 'rest' | 'occupied'

export type AgentCommand =
  | 'signInIdle' | 'signInBusy' | 'signInWork'
  | 'sayBusy' | 'cancelBusy' | 'sayFree' | 'rest' | 'cancelRest' | 'work' | 'cancelWork'
  | 'signOut' | 'forceSignOut' | 'occupy' | 'vacate' | 'restTimeout'

/** What the machine looks at besides the status. */
export interface AgentFacts {
  status: AgentStatus
  /** Busy asked for during a call: takes effect when the call ends (`preBusy`). */
  pendingBusy: boolean
  /** Rest asked for during a call: agentState 9 until the call ends (`preRest`). */
  pendingRest: boolean
  /** The agent was in wrap-up when it placed the call: back to wrap-up afterwards. */
  pendingWork: boolean
  /** The call that just ended was connected (decides wrap-up after it). */
  lastCallConnected: boolean
  autoEnterIdle: boolean
}

export interface CommandInput {
  busyReason?: string
  restReason?: string
  loginTime?: string
  prolong?: boolean
}

export type Change = Partial<Pick<AgentFacts, 'status' | 'pendingBusy' | 'pendingRest' | 'pendingWork'>>

export type TransitionResult =
  | { ok: true, change: Change, emit: EventSpec[] }
  | { ok: false, error: ErrorKey }

type Rule = (facts: AgentFacts, input: CommandInput) => TransitionResult | ErrorKey

const to = (status: AgentStatus, ...emit: EventSpec[]): TransitionResult =>
  ({ ok: true, change: { status, pendingBusy: false, pendingRest: false, pendingWork: false }, emit })

const setBusy = (_: AgentFacts, i: CommandInput): TransitionResult =>
  to('notReady', ev('AgentState_SetNotReady_Success', { reason: i.busyReason ?? '0' }))
const setRest = (_: AgentFacts, i: CommandInput): TransitionResult =>
  to('rest', ev('AgentState_SetRest_Success', { reason: i.restReason ?? '0' }))
const setWork = (): TransitionResult => to('work', ev('AgentState_SetWork_Success'))
const signOut = (_: AgentFacts, i: CommandInput): TransitionResult =>
  to('signedOut', ev('AgentOther_ShutdownService', { loginTime: i.loginTime ?? '' }))
const occupy = (f: AgentFacts): TransitionResult =>
  // Busy, rest and wrap-up agents may place calls; they come back to that state afterwards.
  ({ ok: true, change: { status: 'occupied', pendingBusy: f.status === 'notReady', pendingRest: f.status === 'rest', pendingWork: f.status === 'work' }, emit: [] })

/** After a call: pending rest wins, then pending busy, then wrap-up (was in wrap-up, or autoenteridle off), else idle. */
const vacate = (f: AgentFacts, i: CommandInput): TransitionResult => {
  if (f.pendingRest) return setRest(f, i)
  if (f.pendingBusy) return setBusy(f, i)
  if (f.pendingWork || (f.lastCallConnected && !f.autoEnterIdle)) return to('work', ev('AgentState_Work'))
  return to('idle', ev('AgentState_Ready'))
}

const signedIn = { signOut, forceSignOut: signOut, occupy }

/** The transition table. Missing (state, command) pairs answer `STATE_NOT_ALLOWED` (100-009). */
export const agentMachine: Record<AgentStatus, Partial<Record<AgentCommand, Rule>>> = {
  signedOut: {
    signInIdle: () => to('idle', ev('AgentOther_InService'), ev('AgentState_Ready')),
    signInBusy: (f, i) => to('notReady', ev('AgentOther_InService'), ev('AgentState_Ready'),
      ev('AgentState_SetNotReady_Success', { reason: i.busyReason ?? '0' })),
    signInWork: () => to('work', ev('AgentOther_InService'), ev('AgentState_Ready'), ev('AgentState_Work')),
    signOut: () => 'ALREADY_SIGNED_OUT',
    forceSignOut: () => 'NOT_SIGNED_IN'
  },
  idle: { ...signedIn, sayBusy: setBusy, rest: setRest, work: setWork },
  notReady: {
    ...signedIn,
    // Re-issuing busy while busy needs prolong=true (spec §3.1).
    sayBusy: (f, i) => i.prolong === true ? setBusy(f, i) : 'STATE_NOT_ALLOWED',
    cancelBusy: () => to('idle', ev('AgentState_CancelNotReady_Success')),
    sayFree: () => to('idle', ev('AgentState_CancelNotReady_Success')),
    rest: setRest,
    work: setWork
  },
  work: {
    ...signedIn,
    sayBusy: setBusy,
    cancelWork: () => to('idle', ev('AgentState_CancelWork_Success')),
    sayFree: () => to('idle', ev('AgentState_CancelWork_Success')),
    rest: setRest
  },
  rest: {
    ...signedIn,
    rest: (f, i) => i.prolong === true ? setRest(f, i) : 'STATE_NOT_ALLOWED',
    cancelRest: () => to('idle', ev('AgentState_CancelRest_Success')),
    sayFree: () => to('idle', ev('AgentState_CancelRest_Success')),
    restTimeout: () => ({ ok: true, change: {}, emit: [ev('AgentState_Rest_Timeout')] })
  },
  occupied: {
    // Spec §2.4: a talking agent is not signed out; forcelogout releases the call first.
    signOut: () => 'LOGOUT_WRONG_STATE',
    forceSignOut: signOut,
    sayBusy: () => ({ ok: true, change: { pendingBusy: true, pendingRest: false }, emit: [] }),
    cancelBusy: (f) => f.pendingBusy
      ? { ok: true, change: { pendingBusy: false }, emit: [ev('AgentState_CancelNotReady_Success')] }
      : 'STATE_NOT_ALLOWED',
    rest: () => ({ ok: true, change: { pendingRest: true, pendingBusy: false }, emit: [] }),
    cancelRest: (f) => f.pendingRest
      ? { ok: true, change: { pendingRest: false }, emit: [ev('AgentState_CancelRest_Success')] }
      : 'STATE_NOT_ALLOWED',
    vacate
  }
}

export function transition (facts: AgentFacts, command: AgentCommand, input: CommandInput = {}): TransitionResult {
  const rule = agentMachine[facts.status][command]
  if (rule === undefined) return { ok: false, error: facts.status === 'signedOut' ? 'NOT_SIGNED_IN' : 'STATE_NOT_ALLOWED' }
  const result = rule(facts, input)
  return typeof result === 'string' ? { ok: false, error: result } : result
}

/** `agentState` codes of `GET agentstatus` (Part C §2 table "CCGateway状态"). */
export function agentStateCode (facts: Pick<AgentFacts, 'status' | 'pendingRest'>): number {
  switch (facts.status) {
    case 'signedOut': return 2
    case 'notReady': return 3
    case 'idle': return 4
    case 'work': return 5
    case 'rest': return 8
    case 'occupied': return facts.pendingRest ? 9 : 7
  }
}
