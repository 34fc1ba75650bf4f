/**
 * `calldata` queries that need no customer queue (issue #13): the calls of an agent or of the VDN,
 * remote numbers, counts, statistics, call records of finished calls and per-call business data.
 * Calls are read only through the CallEngine's public side (`get`, `active`, `finished`).
 */
import type { Agent } from './agent.js'
import type { Call } from './call-engine.js'
import { agentConnection, callerConnection, type ConnState } from './call-model.js'
import type { Clock } from './clock.js'
import type { AgentDirectory } from './directory.js'
import { fail } from './errors.js'
import type { WorldIndex } from './world.js'

export interface CallQueryView {
  readonly calls: { get(callid: string): Call | undefined, callRecord(call: Call): Record<string, unknown>, readonly active: ReadonlyMap<string, Call>, readonly finished: ReadonlyMap<string, Call> }
  readonly agents: ReadonlyMap<string, Agent>
  readonly world: WorldIndex
  readonly directory: AgentDirectory
  readonly clock: Clock
  signedIn(agentId: string): Agent
}

/** Filters of the call-record queries (`callRecordInfoList`, `queryselfcallrecordinfolist`). */
export interface RecordFilter {
  workno?: string | undefined
  skillid?: number | undefined
  /** ms since the epoch, or a date the JavaScript Date parser reads ("2026-11-29 08:00:00"). */
  startdate?: string | undefined
  enddate?: string | undefined
  /** 1-based positions of the first and last record wanted (default 1 and 100). */
  startposition?: number | undefined
  endposition?: number | undefined
}

export const BUSINESS_DATA_MAX = 16384

const LEG_STATE: Record<ConnState, string> = { initiated: 'dialing', queued: 'queued', alerting: 'ringing', connected: 'talking', held: 'held', cleared: 'released' }

/** The agents in a call (work numbers), callers first as the call lists them. */
export function agentsIn (c: Call): string[] {
  return c.connections.filter(x => x.device.kind === 'agent').map(x => x.device.id)
}

function callerAgent (c: Call): string | undefined {
  const d = callerConnection(c)?.device
  return d?.kind === 'agent' ? d.id : undefined
}

/** A time filter value: digits are ms since the epoch, anything else a date string. */
export function parseTime (value: string, field: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value.replace(' ', 'T'))
  if (!Number.isFinite(ms)) fail('INVALID_PARAMETER', `${field} is not a time: ${value}`)
  return ms
}

export class CallQueries {
  /** Business data per call (setcallbusinessdata): goes with the call when the engine forgets it (or is reset). */
  private readonly business = new WeakMap<Call, string>()

  constructor (private readonly view: CallQueryView) {}

  /** The callinfo object (spec §6 sample) of any call. */
  info (call: Call): Record<string, unknown> {
    return this.view.calls.callRecord(call)
  }

  private callsOf (agent: Agent): Call[] {
    return agent.calls.map(id => this.view.calls.get(id)).filter((c): c is Call => c !== undefined)
  }

  allCallIds (agentId: string): string[] { return [...this.view.signedIn(agentId).calls] }

  /** The other party of each of the agent's calls. */
  remoteNumbers (agentId: string): string[] {
    const agent = this.view.signedIn(agentId)
    return [...new Set(this.callsOf(agent).map(c => callerAgent(c) === agent.id ? c.called : c.callerNumber))]
  }

  callNums (agentId: string): number { return this.view.signedIn(agentId).calls.length }

  isProcessCall (agentId: string): boolean { return this.view.signedIn(agentId).calls.length > 0 }

  /** The calls of another agent of the VDN ([] when it is signed out); `ex` adds the agent's leg state. */
  callsOfAgent (workno: string, ex: boolean): Array<Record<string, unknown>> {
    if (this.view.directory.get(workno) === undefined) fail('GROUP_NO_AGENT', `agent ${workno} does not exist`)
    const agent = this.view.agents.get(workno)
    if (agent === undefined) return []
    return this.callsOf(agent).map(c => ex ? { ...this.info(c), callstate: LEG_STATE[agentConnection(c, workno)?.state ?? 'connected'], mediatype: 5 } : this.info(c))
  }

  callsInVdn (): Array<Record<string, unknown>> { return [...this.view.calls.active.values()].map(c => this.info(c)) }

  /** How the agent's calls since its sign-in went (finished and current). */
  statistics (agentId: string): Record<string, number> {
    const agent = this.view.signedIn(agentId)
    const mine = [...this.view.calls.finished.values(), ...this.view.calls.active.values()]
      .filter(c => c.beginTime >= agent.loginTime && agentsIn(c).includes(agentId))
    const answered = mine.filter(c => c.answerTime !== undefined)
    const now = this.view.clock.now()
    const talk = answered.reduce((sum, c) => sum + Math.max(0, (c.endTime ?? now) - c.answerTime!), 0)
    return {
      callNum: mine.length,
      callOutNum: mine.filter(c => callerAgent(c) === agentId).length,
      callInNum: mine.filter(c => callerAgent(c) !== agentId).length,
      answeredNum: answered.length,
      totalTalkTime: Math.round(talk / 1000),
      avgTalkTime: answered.length === 0 ? 0 : Math.round(talk / 1000 / answered.length)
    }
  }

  /** One record per agent of each finished call, oldest first, filtered and paged. */
  records (filter: RecordFilter): Array<Record<string, unknown>> {
    const from = filter.startdate === undefined || filter.startdate === '' ? -Infinity : parseTime(filter.startdate, 'startdate')
    const to = filter.enddate === undefined || filter.enddate === '' ? Infinity : parseTime(filter.enddate, 'enddate')
    const first = filter.startposition ?? 1
    const last = filter.endposition ?? first + 99
    if (first < 1 || last < first) fail('INVALID_PARAMETER', 'startposition and endposition must satisfy 1 <= start <= end')
    const out: Array<Record<string, unknown>> = []
    for (const c of this.view.calls.finished.values()) {
      if (c.beginTime < from || c.beginTime > to) continue
      if (filter.skillid !== undefined && (c.skillid ?? 1) !== filter.skillid) continue
      for (const workno of agentsIn(c)) {
        if (filter.workno !== undefined && filter.workno !== '' && workno !== filter.workno) continue
        out.push({
          callid: c.callid,
          workno,
          callfeature: Number(c.feature),
          caller: c.callerNumber,
          called: c.called,
          skillid: c.skillid ?? 1,
          begintime: c.beginTime,
          answertime: c.answerTime ?? null,
          endtime: c.endTime ?? null,
          talktime: c.answerTime === undefined ? 0 : Math.round(((c.endTime ?? c.answerTime) - c.answerTime) / 1000)
        })
      }
    }
    return out.slice(first - 1, last)
  }

  private callFor (agentId: string, callid: string | undefined): Call {
    const agent = this.view.signedIn(agentId)
    const id = callid ?? agent.calls[agent.calls.length - 1]
    const call = id === undefined ? undefined : this.view.calls.get(id)
    if (call === undefined) fail('CALLDATA_NO_CALL', id === undefined ? 'the agent has no call' : `no call ${id}`)
    return call
  }

  setBusinessData (agentId: string, callid: string | undefined, data: string): void {
    if (Buffer.byteLength(data, 'utf8') > BUSINESS_DATA_MAX) fail('INVALID_PARAMETER', `data is longer than ${BUSINESS_DATA_MAX} bytes`)
    const call = this.callFor(agentId, callid)
    this.business.set(call, data)
  }

  businessData (agentId: string, callid: string | undefined): string {
    return this.business.get(this.callFor(agentId, callid)) ?? ''
  }

  /** IVR figures: no call is ever in an IVR flow in the mock (yet). */
  ivrCalls (ivrId: number): number {
    if (!(this.view.world.world.ivrs ?? []).some(i => i.id === ivrId)) fail('QUEUE_NO_IVR', `no IVR ${ivrId}`)
    return 0
  }
}
