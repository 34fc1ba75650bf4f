/**
 * The call model (issue #11), after the one telephony standards use (ECMA-269 CSTA): devices
 * (an agent's phone, a simulated agent, an external number, a customer, a skill queue), calls, and
 * connections between a call and a device, each with its own state. Connection changes go through
 * `connectionMachine`, a pure transition table like the agent machine's; the call engine applies
 * them and the flow table (call-flows.ts) turns them into each agent's events. docs/call-model.md
 * draws it.
 */
import type { TimerHandle } from './clock.js'
import { fail } from './errors.js'
import type { PeerSpec } from './world.js'

/** A device a call can connect: who or what is on the other end of a connection. */
export type Device =
  | { kind: 'agent', id: string }
  /** A simulated colleague of the world file (answers internal calls by its behaviour). */
  | { kind: 'simAgent', id: string, spec: PeerSpec }
  /** A dialled number outside the contact centre (call-out). */
  | { kind: 'external', id: string, spec: PeerSpec }
  /** A customer calling in; `id` is the caller number. */
  | { kind: 'customer', id: string }
  /** A skill queue holding a customer's call until the ACD offers it. `id` is the skill id. */
  | { kind: 'queue', id: string }

/**
 * CSTA connection states: `initiated` (the caller dialled, nobody answered yet), `queued` (held by
 * a queue device), `alerting` (ringing at the device), `connected`, `held`, `cleared`.
 */
export type ConnState = 'initiated' | 'queued' | 'alerting' | 'connected' | 'held' | 'cleared'

/** What can happen to one connection. */
export type ConnOp = 'answer' | 'hold' | 'retrieve' | 'clear'

/** The transition table: a missing (state, op) pair is refused (the engine answers its retcode). */
export const connectionMachine: Record<ConnState, Partial<Record<ConnOp, ConnState>>> = {
  initiated: { answer: 'connected', clear: 'cleared' },
  queued: { clear: 'cleared' },
  alerting: { answer: 'connected', clear: 'cleared' },
  connected: { hold: 'held', clear: 'cleared' },
  held: { retrieve: 'connected', clear: 'cleared' },
  cleared: {}
}

/** The next state, or undefined when the table refuses the operation. Pure. */
export function nextConnState (state: ConnState, op: ConnOp): ConnState | undefined {
  return connectionMachine[state][op]
}

export interface Connection {
  device: Device
  /** The side that placed the call, or a side it reached. */
  role: 'caller' | 'called'
  state: ConnState
  /** The last state before `cleared` (what the control API shows for an ended call). */
  lastLive: ConnState
  /** The device's microphone is muted (beginmute; no event). Reset when held or cleared. */
  muted: boolean
  /** beginmutevideo: the video is muted (a voice call has none: only the flag, shown by the control API). */
  videoMuted: boolean
  /** An inspector's connection (qualitycontrol, supervision.ts): not a party of the call. */
  supervisor?: Supervising | undefined
}

/** How an inspector takes part in a call: hears it (listen), talks in it (insert), or talks to the agent only (whisper). */
export type SuperviseMode = 'listen' | 'insert' | 'whisper'

export interface Supervising {
  mode: SuperviseMode
  /** The inspected agent. */
  of: string
}

/**
 * `0` inbound (ACD), `6` internal, `7` call-out, `51` two-party help, `52` three-party help
 * (spec: feature is fixed for the whole call; Part D §D2.2).
 */
export type CallFeature = '0' | '6' | '7' | '51' | '52'

export interface Call {
  callid: string
  feature: CallFeature
  internal: boolean
  /** Shown as caller in events and call data. */
  callerNumber: string
  /** Called agent id, dialled number, or the access code a customer dialled. */
  called: string
  connections: Connection[]
  /** Ended: every connection cleared, kept for call-data queries. */
  ended: boolean
  /** The far end has put the call on hold (control API; the gateway sends no event for it). */
  farHeld: boolean
  callappdata: string
  skillid: number | undefined
  beginTime: number
  answerTime: number | undefined
  endTime: number | undefined
  timers: TimerHandle[]
  /** A customer's call: the customer hangs up this long after being connected. */
  talkMs: number | undefined
  /** DTMF digits sent on the call (seconddial / seconddialex), in order, as the control API shows them. */
  dtmf: string
  /** The agent that last transferred the call ('' never): `transfer:"yes"`, `transfrom` of Ringing / Auto_Answer. */
  transfrom: string
  /** A transfer in progress on this call (call-transfer.ts). */
  pending: PendingTransfer | undefined
  /** A help call (innerhelp): the callid of the call the helped agent holds meanwhile. */
  helpFor: string | undefined
}

/**
 * How the transferring agent takes part (Part D §D2.1): `release` it leaves at once; `success` it
 * leaves when the target answers (else keeps talking); `talk` it talks with the answered target
 * while the customer is held, and leaves when it hangs up; `three` the target joins a conference.
 */
export type TransferMode = 'release' | 'success' | 'talk' | 'three'

export interface PendingTransfer {
  /** The transferring agent. */
  by: string
  mode: TransferMode
  /** The target's connection (undefined while the call waits in a skill queue). */
  target: Connection | undefined
  /** The target answered (talk mode: the agent now talks with it). */
  answered: boolean
}

/** The call as a whole, as the control API shows it. */
export function callState (call: Call): 'alerting' | 'talking' | 'released' {
  if (call.ended) return 'released'
  return call.answerTime === undefined ? 'alerting' : 'talking'
}

/** Apply an operation to a connection; false when the table refuses it (nothing changes). */
export function moveConnection (conn: Connection, op: ConnOp): boolean {
  const next = nextConnState(conn.state, op)
  if (next === undefined) return false
  if (next === 'cleared') conn.lastLive = conn.state
  else conn.lastLive = next
  conn.state = next
  // Mute belongs to the talking connection: holding or leaving the call ends it (Part D §D2.4).
  if (next === 'held' || next === 'cleared') { conn.muted = false; conn.videoMuted = false }
  return true
}

export function connect (device: Device, role: Connection['role'], state: ConnState): Connection {
  return { device, role, state, lastLive: state, muted: false, videoMuted: false }
}

/** The connection of an agent's phone in a call, if any. */
export function agentConnection (call: Call | undefined, agentId: string): Connection | undefined {
  if (call === undefined) return undefined
  for (const c of call.connections) if (c.device.kind === 'agent' && c.device.id === agentId) return c
  return undefined
}

/** The connection of the call's caller. */
export function callerConnection (call: Call): Connection | undefined {
  return call.connections.find(c => c.role === 'caller')
}

/** Live (not cleared) connections. */
export function liveConnections (call: Call): Connection[] {
  return call.connections.filter(c => c.state !== 'cleared')
}

/** Live connections of the call's parties (inspectors listening, inserting or whispering are not parties). */
export function liveParties (call: Call): Connection[] {
  return call.connections.filter(c => c.state !== 'cleared' && c.supervisor === undefined)
}

/** Whether an agent takes part in a call (connected, held, ringing or dialling): the strict-auth check. */
export function callHasParty (call: Call, agentId: string): boolean {
  return agentConnection(call, agentId) !== undefined
}

/** Call control of the parties only: an inspector's connection answers 100-007 (it only leaves, or is switched). */
export function notInspecting (conn: Connection): void {
  if (conn.supervisor !== undefined) fail('OPERATION_EXCEPTION', 'an inspector cannot control the call it inspects (qualitycontrol)')
}
