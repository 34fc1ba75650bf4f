/**
 * Model-based testing of the simulator (issue #7). fast-check generates random sequences of gateway
 * operations across three agents (1001-1003), simulated peers (9001, 9002, 9004) and external
 * numbers (5550100, 5550101): sign-in, state changes, calls, polls, sign-out, clock advances and
 * fault rules armed through the control API. A small reference model predicts every retcode from
 * the state the previous step observed (the agent machine and the call rules as documented in
 * docs/decisions.md, written out again here, not imported), and after every step the invariants of
 * issue #7 are checked against the control API:
 *
 * - every gateway answer is HTTP 200 JSON with a string retcode from the catalogue (or "0");
 * - an agent is in at most one active (not held) call, and an agent with no call is not in state 7;
 * - every callid in a delivered event belongs to a call the agent is or was in;
 * - each agent's events come out in the order they were produced, none lost or duplicated: the
 *   model keeps the queue it expects (from GET /__mock/agents/:id/history, with the queue cap and
 *   the clearing at sign-out applied) and compares it with every poll and with the queue's peek;
 * - `agentstatus` agrees with the last state event delivered once the queue is drained.
 *
 * The tap test (test/reliability/model.test.ts) runs it with a fixed seed and a bounded number of
 * runs; `npm run model -- --runs 500 [--seed N] [--max-commands 60] [--queue-cap 4]` runs longer.
 */
import fc from 'fast-check'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { pathToFileURL } from 'node:url'
import type { Config } from '../../src/config.js'
import type { ManualClock } from '../../src/domain/clock.js'
import { errorCatalogue } from '../../src/domain/error-catalogue.js'
import { build, GW } from '../helper.js'

export const AGENTS = ['1001', '1002', '1003'] as const
export const PEERS = ['9001', '9002', '9004'] as const
export const NUMBERS = ['5550100', '5550101'] as const
const INACTIVITY_MS = 120000

const RETCODES = new Set<string>(['0', ...Object.values(errorCatalogue).map(e => e.retcode)])

// ---- what the control API shows ---------------------------------------------------------------

type Status = 'idle' | 'notReady' | 'work' | 'rest' | 'occupied'

interface AgentView {
  id: string
  status: Status
  agentState: number
  isWorking: boolean
  pendingBusy: boolean
  pendingRest: boolean
  session: { guid: string }
  settings: { autoAnswer: boolean, autoEnterIdle: boolean, releasePhone: boolean }
  calls: string[]
  lastCallId: string | null
}

interface Leg { agentId: string, role: 'caller' | 'called', state: 'dialing' | 'ringing' | 'talking' | 'held' }
interface CallView { callid: string, state: 'alerting' | 'talking' | 'released', legs: Leg[], callerAgent: string, called: string, answerTime: number | null }
export interface Ev { eventType: string, workNo: string, content: unknown, genTime?: number }

interface Snapshot { agents: Map<string, AgentView>, calls: Map<string, CallView>, now: number }

/** A fault rule as the model mirrors it (FaultEngine.decide: first matching rule that may fire). */
interface ModelRule { op: string, agent: string, times: number, fired: number, action: FaultChoice }
export type FaultChoice = { retcode: string } | { forceSignOut: true } | { expireGuid: true }

/** Expected queue entry: the event and its index in the agent's history. */
interface QItem { seq: number, ev: Ev }

interface Track {
  histLen: number
  queue: QItem[]
  /** History index of the last state event produced in the current session, and of the last one delivered. */
  lastStateProduced: number
  lastStateDelivered: number
  lastStateType: string | undefined
  /** Status the agent had when its current run of calls began (for the state it returns to). */
  fromStatus: Status | undefined
}

export interface Stats { [k: string]: number }

export class Model {
  /** Newest GUID the client holds per agent. */
  readonly guid = new Map<string, string>()
  /** GUIDs the server should still accept, per agent. */
  readonly live = new Map<string, string>()
  /** GUIDs of sessions that ended (or expired). */
  readonly dead: string[] = []
  readonly lastActive = new Map<string, number>()
  /** Reason of the busy / rest the agent last asked for and got (shown again when a call ends in it). */
  readonly busyReason = new Map<string, string>()
  readonly restReason = new Map<string, string>()
  /** Rest length last granted, and when the current rest began (its AgentState_SetRest_Success). */
  readonly restSeconds = new Map<string, number>()
  readonly restBegan = new Map<string, number>()
  readonly rules: ModelRule[] = []
  /** callid → agents that are or were in it. */
  readonly parties = new Map<string, Set<string>>()
  readonly track = new Map<string, Track>()
  snap: Snapshot = { agents: new Map(), calls: new Map(), now: 0 }
  readonly stats: Stats

  constructor (readonly cap: number, stats: Stats) {
    this.stats = stats
    for (const a of AGENTS) this.track.set(a, { histLen: 0, queue: [], lastStateProduced: -1, lastStateDelivered: -1, lastStateType: undefined, fromStatus: undefined })
  }

  count (k: string): void { this.stats[k] = (this.stats[k] ?? 0) + 1 }
  tr (a: string): Track { return this.track.get(a)! }

  /** Mirror of FaultEngine.decide for one request. */
  decide (op: string, agent: string): ModelRule | undefined {
    for (const r of this.rules) {
      if (r.op.toLowerCase() !== op.toLowerCase() || r.agent !== agent) continue
      if (r.fired >= r.times) continue
      r.fired++
      return r
    }
    return undefined
  }

  endSession (agent: string): void {
    const g = this.live.get(agent)
    if (g !== undefined) this.dead.push(g)
    this.live.delete(agent)
  }
}

export interface Real { app: FastifyInstance, clock: ManualClock }

class Violation extends Error { override name = 'Violation' }

function check (cond: boolean, what: string, detail?: unknown): asserts cond {
  if (!cond) throw new Violation(detail === undefined ? what : `${what}: ${JSON.stringify(detail)}`)
}

// ---- talking to the mock ----------------------------------------------------------------------

async function admin<T> (r: Real, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object): Promise<{ status: number, body: T }> {
  const res = await r.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) })
  return { status: res.statusCode, body: res.json() as T }
}

export async function snapshot (r: Real): Promise<Snapshot> {
  const agents = (await admin<{ agents: AgentView[] }>(r, 'GET', '/__mock/agents')).body.agents
  const calls = (await admin<{ calls: CallView[] }>(r, 'GET', '/__mock/calls?all=true')).body.calls
  return { agents: new Map(agents.map(a => [a.id, a])), calls: new Map(calls.map(c => [c.callid, c])), now: r.clock.now() }
}

type Cred = 'own' | 'other' | 'stale' | 'cookie'

interface Envelope { message: string, retcode: string, result?: unknown, event?: Ev | null }

/** The envelope invariant, for every gateway answer. */
function envelope (res: LightMyRequestResponse, what: string): Envelope {
  check(res.statusCode === 200, `${what}: HTTP 200`, { status: res.statusCode, body: res.body })
  check(String(res.headers['content-type']).startsWith('application/json'), `${what}: JSON content type`, res.headers['content-type'])
  let body: Envelope
  try { body = JSON.parse(res.body) as Envelope } catch { throw new Violation(`${what}: body is not JSON: ${res.body}`) }
  check(typeof body.message === 'string' && typeof body.retcode === 'string', `${what}: {message, retcode} strings`, body)
  check(RETCODES.has(body.retcode), `${what}: retcode from the catalogue`, body.retcode)
  return body
}

function headersFor (m: Model, agent: string, cred: Cred | 'none'): Record<string, string> {
  const fake = 'ffffffff-ffff-4fff-8fff-ffffffffffff.AgentGateway0'
  switch (cred) {
    case 'none': return {}
    case 'own': { const g = m.guid.get(agent); return g === undefined ? {} : { guid: g } }
    case 'other': {
      const g = AGENTS.filter(a => a !== agent).map(a => m.guid.get(a)).find(x => x !== undefined)
      return { guid: g ?? fake }
    }
    case 'stale': return { guid: m.dead[m.dead.length - 1] ?? fake }
    case 'cookie': {
      const g = [...m.live.values()][0] ?? m.dead[0] ?? fake
      return { cookie: `JSESSIONID=${g}` }
    }
  }
}

interface Outcome { body: Envelope, expected: string, faulted: boolean }

/**
 * Send one gateway request and check its retcode against the prediction. The fault rule (if one
 * fires) is applied to the model first; `predict` then sees whether the agent is still signed in.
 */
async function gateway (
  m: Model, r: Real, op: string, agent: string, cred: Cred | 'none',
  req: { method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, payload?: object },
  predict: (signedIn: boolean) => string,
  auth = true
): Promise<Outcome> {
  const headers = headersFor(m, agent, cred)
  const rule = m.decide(op, agent)
  let signedIn = m.snap.agents.has(agent)
  let expected: string | undefined
  if (rule !== undefined) {
    m.count(`fault fired: ${Object.keys(rule.action)[0]}`)
    const a = rule.action
    if ('retcode' in a) expected = a.retcode
    else if (signedIn && 'forceSignOut' in a) {
      signedIn = false
      m.endSession(agent)
    } else if (signedIn && 'expireGuid' in a) m.endSession(agent)
  }
  if (expected === undefined && auth) {
    if (!signedIn) expected = '100-006'
    else {
      const live = m.live.get(agent)
      const ok = cred === 'own'
        ? live !== undefined && headers.guid === live
        : cred === 'cookie' && [...m.live.values()].some(g => headers.cookie === `JSESSIONID=${g}`)
      if (!ok) expected = '000-003'
    }
  }
  expected ??= predict(signedIn)
  const res = await r.app.inject({ method: req.method, url: `${GW}${req.path}`, headers, ...(req.payload === undefined ? {} : { payload: req.payload }) })
  const body = envelope(res, `${req.method} ${req.path}`)
  check(body.retcode === expected, `${op} ${agent} (${cred}): retcode`, { expected, got: body.retcode, message: body.message })
  m.count(`${op} → ${body.retcode}`)
  return { body, expected, faulted: rule !== undefined }
}

// ---- after every step: sync with the mock and check the invariants ----------------------------

const STATE_EVENTS = new Set([
  'AgentOther_InService', 'AgentState_Ready', 'AgentState_Busy', 'AgentState_Work', 'AgentState_SetNotReady_Success',
  'AgentState_CancelNotReady_Success', 'AgentState_SetRest_Success', 'AgentState_CancelRest_Success', 'AgentState_Rest_Timeout',
  'AgentState_SetWork_Success', 'AgentState_CancelWork_Success'
])

function callidOf (e: Ev): string | undefined {
  if (!e.eventType.startsWith('AgentEvent_')) return undefined
  if (typeof e.content === 'string') return e.content
  const c = e.content as { callid?: unknown } | null
  return typeof c?.callid === 'string' ? c.callid : undefined
}

function activeLeg (v: AgentView, calls: Map<string, CallView>): { call: CallView, leg: Leg } | undefined {
  for (const id of v.calls) {
    const call = calls.get(id)
    const leg = call?.legs.find(l => l.agentId === v.id)
    if (call !== undefined && leg !== undefined && leg.state !== 'held') return { call, leg }
  }
  return undefined
}

function legsOf (v: AgentView, calls: Map<string, CallView>): Leg[] {
  return v.calls.map(id => calls.get(id)?.legs.find(l => l.agentId === v.id)).filter((l): l is Leg => l !== undefined)
}

/** The status an agent lands in when its last call ends (docs/call-flows.md, "state event that ends a call"). */
function afterCalls (from: Status | undefined, pendingBusy: boolean, pendingRest: boolean, connected: boolean, autoEnterIdle: boolean): Status {
  if (pendingRest) return 'rest'
  if (pendingBusy) return 'notReady'
  if (from === 'work' || (connected && !autoEnterIdle)) return 'work'
  return 'idle'
}

/** agentState codes each last state event allows (docs/decisions.md, agent state). */
function stateAgrees (last: string, v: AgentView): boolean {
  if (v.calls.length > 0) {
    return ['AgentState_Busy', 'AgentState_CancelNotReady_Success', 'AgentState_CancelRest_Success'].includes(last) &&
      v.agentState === (v.pendingRest ? 9 : 7)
  }
  const code: Record<string, number> = {
    AgentState_Ready: 4,
    AgentState_SetNotReady_Success: 3,
    AgentState_SetRest_Success: 8,
    AgentState_Rest_Timeout: 8,
    AgentState_Work: 5,
    AgentState_SetWork_Success: 5,
    AgentState_CancelWork_Success: 4,
    AgentState_CancelNotReady_Success: 4,
    AgentState_CancelRest_Success: 4
  }
  return code[last] === v.agentState
}

/**
 * Fetch the mock's state and each agent's history; feed newly produced events into the expected
 * queues (cap applied, cleared at sign-out); check the invariants. Returns the new events per agent.
 */
export async function sync (m: Model, r: Real): Promise<Map<string, Ev[]>> {
  const pre = m.snap
  m.count('steps checked')
  const post = await snapshot(r)
  const fresh = new Map<string, Ev[]>()
  for (const a of AGENTS) {
    const t = m.tr(a)
    const hist = (await admin<{ events: Ev[] }>(r, 'GET', `/__mock/agents/${a}/history`)).body.events
    check(hist.length >= t.histLen, `${a}: history only grows`, { before: t.histLen, now: hist.length })
    const news = hist.slice(t.histLen)
    news.forEach((e, i) => {
      const seq = t.histLen + i
      check(e.workNo === a, `${a}: history event addressed to it`, e)
      // Rest expiry counts from the moment rest begins (spec: rest is in effect once the event arrives).
      if (e.eventType === 'AgentState_Rest_Timeout') {
        const began = m.restBegan.get(a)
        const due = began === undefined ? undefined : began + (m.restSeconds.get(a) ?? 0) * 1000
        check(e.genTime === due, `${a}: Rest_Timeout exactly when the rest time is over`, { at: e.genTime, due })
        m.restBegan.delete(a)
        m.count('rest timeouts')
      } else if (e.eventType === 'AgentState_SetRest_Success') m.restBegan.set(a, e.genTime ?? 0)
      else if (STATE_EVENTS.has(e.eventType) || e.eventType === 'AgentOther_ShutdownService') m.restBegan.delete(a)
      if (e.eventType === 'AgentOther_ShutdownService') {
        // Sign-out: the queue is dropped with the session (docs/decisions.md, sign-out).
        m.stats['events cleared at sign-out'] = (m.stats['events cleared at sign-out'] ?? 0) + t.queue.length + 1
        t.queue = []
        t.lastStateProduced = -1
        t.lastStateDelivered = -1
        return
      }
      if (e.eventType === 'AgentState_SetNotReady_Success') {
        check(JSON.stringify(e.content) === JSON.stringify({ reason: m.busyReason.get(a) ?? '0' }), `${a}: busy with the reason last granted`, { got: e.content, want: m.busyReason.get(a) ?? '0' })
      }
      if (e.eventType === 'AgentState_SetRest_Success') {
        check(JSON.stringify(e.content) === JSON.stringify({ reason: m.restReason.get(a) ?? '0' }), `${a}: rest with the cause last granted`, { got: e.content, want: m.restReason.get(a) ?? '0' })
      }
      if (t.queue.length >= m.cap) { t.queue.shift(); m.count('events dropped by the queue cap') }
      t.queue.push({ seq, ev: e })
      if (STATE_EVENTS.has(e.eventType)) t.lastStateProduced = seq
    })
    t.histLen = hist.length
    fresh.set(a, news)
    const v = post.agents.get(a)
    if (v !== undefined) {
      const peek = (await admin<{ events: Ev[] }>(r, 'GET', `/__mock/agents/${a}/events`)).body.events
      check(JSON.stringify(peek) === JSON.stringify(t.queue.map(q => q.ev)), `${a}: queued events are the produced ones, in order, none lost or duplicated`,
        { queued: peek.map(e => e.eventType), expected: t.queue.map(q => q.ev.eventType) })
    }
  }

  for (const [a, began] of m.restBegan) {
    const due = began + (m.restSeconds.get(a) ?? 0) * 1000
    check(!(post.agents.get(a)?.status === 'rest' && post.now >= due), `${a}: in rest past its time without AgentState_Rest_Timeout`, { began, due, now: post.now })
  }

  for (const c of post.calls.values()) {
    const set = m.parties.get(c.callid) ?? new Set<string>()
    for (const l of c.legs) set.add(l.agentId)
    m.parties.set(c.callid, set)
  }

  for (const v of post.agents.values()) {
    check(v.session.guid === m.live.get(v.id) || !m.live.has(v.id), `${v.id}: the session the model expects`, { server: v.session.guid, model: m.live.get(v.id) })
    const legs = legsOf(v, post.calls)
    check(legs.length === v.calls.length, `${v.id}: every call it is in has its leg`, v.calls)
    check(legs.filter(l => l.state !== 'held').length <= 1, `${v.id}: at most one active (not held) call`, legs)
    for (const id of v.calls) check(post.calls.get(id)?.state !== 'released', `${v.id}: no released call kept`, id)
    if (v.calls.length === 0) {
      check(v.status !== 'occupied' && v.agentState !== 7 && v.agentState !== 9, `${v.id}: no call, not busy in a call`, v)
    } else check(v.status === 'occupied', `${v.id}: in a call, occupied`, v)
    check(v.isWorking === legs.some(l => l.state === 'talking' || l.state === 'held'), `${v.id}: isWorking iff talking or holding`, v)

    // The state an agent returns to after its calls (same session only).
    const t = m.tr(v.id)
    const before = pre.agents.get(v.id)
    const sameSession = before !== undefined && before.session.guid === v.session.guid
    if (!sameSession) { t.fromStatus = undefined; continue }
    const newCall = [...post.calls.values()].some(c => !pre.calls.has(c.callid) && c.legs.some(l => l.agentId === v.id))
    if (before.status !== 'occupied' && (v.calls.length > 0 || newCall)) t.fromStatus = before.status
    if (v.calls.length === 0 && (before.status === 'occupied' || newCall)) {
      const last = v.lastCallId === null ? undefined : post.calls.get(v.lastCallId)
      const pb = before.status === 'occupied' ? before.pendingBusy : t.fromStatus === 'notReady'
      const pr = before.status === 'occupied' ? before.pendingRest : t.fromStatus === 'rest'
      const want = afterCalls(t.fromStatus, pb, pr, last?.answerTime !== null && last !== undefined, v.settings.autoEnterIdle)
      check(v.status === want, `${v.id}: the state after its calls`, { from: t.fromStatus, pendingBusy: pb, pendingRest: pr, want, got: v.status })
      t.fromStatus = undefined
      m.count('calls ended, state checked')
    }
  }
  for (const c of post.calls.values()) {
    if (c.state === 'released') continue
    for (const l of c.legs) check(post.agents.get(l.agentId)?.calls.includes(c.callid) === true, `call ${c.callid}: its agents are in it`, c)
  }
  m.snap = post
  return fresh
}

/** A delivered event: the head of the expected queue, for a call the agent is or was in. */
function delivered (m: Model, agent: string, got: Ev | null | undefined): void {
  const t = m.tr(agent)
  const want = t.queue.shift()
  const norm = (e: Ev | undefined | null): unknown => e == null ? null : { eventType: e.eventType, workNo: e.workNo, content: e.content }
  check(JSON.stringify(norm(got)) === JSON.stringify(norm(want?.ev)), `${agent}: poll delivers the next produced event`, { got: norm(got), want: norm(want?.ev) })
  if (want === undefined || got == null) { m.count('empty polls'); return }
  m.count('events delivered')
  const callid = callidOf(got)
  if (callid !== undefined) check(m.parties.get(callid)?.has(agent) === true, `${agent}: event for a call it is or was in`, got)
  if (STATE_EVENTS.has(got.eventType)) { t.lastStateDelivered = want.seq; t.lastStateType = got.eventType }
}

/** Drained and the last state event produced was delivered: agentstatus must agree with it. */
async function statusAgrees (m: Model, r: Real, agent: string): Promise<void> {
  const t = m.tr(agent)
  const v = m.snap.agents.get(agent)
  if (v === undefined || t.queue.length > 0 || t.lastStateProduced < 0 || t.lastStateDelivered !== t.lastStateProduced || t.lastStateType === undefined) return
  const out = await gateway(m, r, 'getAgentStatus', agent, 'own', { method: 'GET', path: `/onlineagent/${agent}/agentstatus` }, () => '0')
  await sync(m, r) // a fault rule may have fired on this request
  if (out.body.retcode !== '0') return
  const res = out.body.result as { agentState: number, isWorking: boolean }
  check(stateAgrees(t.lastStateType, { ...v, agentState: res.agentState }), `${agent}: agentstatus agrees with the last state event`, { last: t.lastStateType, agentState: res.agentState, calls: v.calls })
  m.count('agentstatus agreed with the last state event')
}

// ---- commands ---------------------------------------------------------------------------------

export type Cmd = fc.AsyncCommand<Model, Real>

abstract class Base implements Cmd {
  /** Run only while the agent is signed in (most generated commands are, to reach deeper states). */
  gated = false
  check (m: Readonly<Model>): boolean {
    const agent = (this as { agent?: string }).agent
    return !this.gated || agent === undefined || m.snap.agents.has(agent)
  }

  onlyIfSignedIn (gate: boolean): this { this.gated = gate; return this }
  abstract run (m: Model, r: Real): Promise<void>
  abstract toString (): string
}

export class SignIn extends Base {
  constructor (readonly agent: string, readonly force: boolean, readonly status: 3 | 4 | 5, readonly autoanswer: boolean, readonly autoenteridle: boolean, readonly releasephone: boolean | undefined) { super() }
  async run (m: Model, r: Real): Promise<void> {
    const body = { password: '', phonenum: `7${this.agent}`, status: this.status, autoanswer: this.autoanswer, autoenteridle: this.autoenteridle, ...(this.releasephone === undefined ? {} : { releasephone: this.releasephone }) }
    const out = await gateway(m, r, this.force ? 'forceLogin' : 'login', this.agent, 'none',
      { method: 'PUT', path: `/onlineagent/${this.agent}${this.force ? '/forcelogin' : ''}`, payload: body },
      (signedIn) => signedIn && !this.force ? '100-002' : '0', false)
    if (out.body.retcode === '0') {
      const res = await r.app.inject({ method: 'GET', url: `/__mock/agents/${this.agent}` })
      const guid = (res.json() as AgentView).session.guid
      m.endSession(this.agent)
      m.guid.set(this.agent, guid)
      m.live.set(this.agent, guid)
      m.lastActive.set(this.agent, r.clock.now())
      m.busyReason.delete(this.agent)
      m.restReason.delete(this.agent)
    }
    await sync(m, r)
    if (out.body.retcode === '0') {
      const v = m.snap.agents.get(this.agent)
      check(v !== undefined && v.status === ({ 3: 'notReady', 4: 'idle', 5: 'work' } as const)[this.status] && v.calls.length === 0 &&
        v.settings.autoAnswer === this.autoanswer && v.settings.autoEnterIdle === this.autoenteridle, `${this.agent}: signed in as asked`, v)
    }
  }

  toString (): string { return `${this.force ? 'forcelogin' : 'login'}(${this.agent}, status ${this.status}, autoanswer ${this.autoanswer}, autoenteridle ${this.autoenteridle}, releasephone ${String(this.releasephone)})` }
}

export class SignOut extends Base {
  constructor (readonly agent: string, readonly force: boolean, readonly cred: Cred) { super() }
  async run (m: Model, r: Real): Promise<void> {
    const out = await gateway(m, r, this.force ? 'forceLogout' : 'logout', this.agent, this.cred,
      { method: 'DELETE', path: `/onlineagent/${this.agent}/${this.force ? 'forcelogout' : 'logout'}` },
      () => !this.force && (m.snap.agents.get(this.agent)?.calls.length ?? 0) > 0 ? '100-010' : '0')
    if (out.body.retcode === '0') m.endSession(this.agent)
    await sync(m, r)
    if (out.body.retcode === '0') check(!m.snap.agents.has(this.agent), `${this.agent}: signed out`)
  }

  toString (): string { return `${this.force ? 'forcelogout' : 'logout'}(${this.agent}, ${this.cred})` }
}

type StateOp = 'sayBusy' | 'cancelBusy' | 'sayFree' | 'rest' | 'cancelRest' | 'work' | 'cancelWork'

interface StatePrediction { code: string, status?: Status, pendingBusy?: boolean, pendingRest?: boolean, events: Ev[] }

/** The agent machine as docs/decisions.md describes it ("Agent state"), written out independently. */
function predictState (op: StateOp, v: AgentView, prolong: boolean, reason: string, cause: string): StatePrediction {
  const e = (eventType: string, content: unknown = null): Ev => ({ eventType, workNo: v.id, content })
  const refused: StatePrediction = { code: '100-009', events: [] }
  const to = (status: Status, ...events: Ev[]): StatePrediction => ({ code: '0', status, events })
  const busy = e('AgentState_SetNotReady_Success', { reason })
  const rest = e('AgentState_SetRest_Success', { reason: cause })
  const s = v.status
  switch (op) {
    case 'sayBusy':
      if (s === 'idle' || s === 'work' || (s === 'notReady' && prolong)) return to('notReady', busy)
      if (s === 'occupied') return { code: '0', pendingBusy: true, pendingRest: false, events: [] }
      return refused
    case 'cancelBusy':
      if (s === 'notReady') return to('idle', e('AgentState_CancelNotReady_Success'))
      if (s === 'occupied' && v.pendingBusy) return { code: '0', pendingBusy: false, events: [e('AgentState_CancelNotReady_Success')] }
      return refused
    case 'sayFree':
      if (s === 'notReady') return to('idle', e('AgentState_CancelNotReady_Success'))
      if (s === 'work') return to('idle', e('AgentState_CancelWork_Success'))
      if (s === 'rest') return to('idle', e('AgentState_CancelRest_Success'))
      return refused
    case 'rest':
      if (s === 'idle' || s === 'notReady' || s === 'work' || (s === 'rest' && prolong)) return to('rest', rest)
      if (s === 'occupied') return { code: '0', pendingRest: true, pendingBusy: false, events: [] }
      return refused
    case 'cancelRest':
      if (s === 'rest') return to('idle', e('AgentState_CancelRest_Success'))
      if (s === 'occupied' && v.pendingRest) return { code: '0', pendingRest: false, events: [e('AgentState_CancelRest_Success')] }
      return refused
    case 'work':
      return s === 'idle' || s === 'notReady' ? to('work', e('AgentState_SetWork_Success')) : refused
    case 'cancelWork':
      return s === 'work' ? to('idle', e('AgentState_CancelWork_Success')) : refused
  }
}

export class StateChange extends Base {
  constructor (readonly agent: string, readonly op: StateOp, readonly prolong: boolean, readonly reason: number | undefined, readonly restTime: number, readonly cause: number, readonly cred: Cred) { super() }
  async run (m: Model, r: Real): Promise<void> {
    let path = `/onlineagent/${this.agent}/${this.op.toLowerCase()}`
    if (this.op === 'sayBusy') {
      const q = [this.reason === undefined ? '' : `reason=${this.reason}`, this.prolong ? 'prolong=true' : ''].filter(s => s !== '').join('&')
      path += q === '' ? '' : `?${q}`
    } else if (this.op === 'rest') path += `/${this.restTime}/${this.cause}${this.prolong ? '?prolong=true' : ''}`
    const v = m.snap.agents.get(this.agent)
    const badReason = this.op === 'sayBusy' && this.reason !== undefined && this.reason !== 0 && (this.reason < 200 || this.reason > 250)
    let prediction: StatePrediction | undefined
    const out = await gateway(m, r, this.op, this.agent, this.cred, { method: 'POST', path }, () => {
      if (badReason) return '000-002'
      prediction = predictState(this.op, v!, this.prolong, String(this.reason ?? 0), String(this.cause))
      return prediction.code
    })
    if (!out.faulted && out.body.retcode === '0') {
      if (this.op === 'sayBusy') m.busyReason.set(this.agent, String(this.reason ?? 0))
      if (this.op === 'rest') { m.restReason.set(this.agent, String(this.cause)); m.restSeconds.set(this.agent, this.restTime) }
    }
    const fresh = await sync(m, r)
    if (out.faulted || prediction === undefined) return
    const after = m.snap.agents.get(this.agent)!
    const mine = (fresh.get(this.agent) ?? []).map(e => ({ eventType: e.eventType, workNo: e.workNo, content: e.content }))
    check(JSON.stringify(mine) === JSON.stringify(prediction.events), `${this.op} ${this.agent}: the events it produces`, { got: mine, want: prediction.events })
    if (prediction.status !== undefined) check(after.status === prediction.status, `${this.op} ${this.agent}: new state`, { want: prediction.status, got: after.status })
    if (prediction.pendingBusy !== undefined) check(after.pendingBusy === prediction.pendingBusy, `${this.op} ${this.agent}: pending busy`, after)
    if (prediction.pendingRest !== undefined) check(after.pendingRest === prediction.pendingRest, `${this.op} ${this.agent}: pending rest`, after)
    if (prediction.code !== '0') check(after.status === v!.status, `${this.op} ${this.agent}: a refused change changes nothing`, after)
  }

  toString (): string {
    const extra = this.op === 'sayBusy' ? `, reason ${String(this.reason)}, prolong ${this.prolong}` : this.op === 'rest' ? `, ${this.restTime} s, cause ${this.cause}, prolong ${this.prolong}` : ''
    return `${this.op}(${this.agent}${extra}, ${this.cred})`
  }
}

export class Dial extends Base {
  constructor (readonly agent: string, readonly kind: 'callinner' | 'callout', readonly called: string, readonly cred: Cred) { super() }
  async run (m: Model, r: Real): Promise<void> {
    const v = m.snap.agents.get(this.agent)
    const callee = m.snap.agents.get(this.called)
    const out = await gateway(m, r, this.kind === 'callinner' ? 'callInner' : 'callout', this.agent, this.cred,
      { method: 'PUT', path: `/voicecall/${this.agent}/${this.kind}`, payload: { called: this.called } },
      () => {
        if (this.kind === 'callinner' && this.called === this.agent) return '000-002'
        if (activeLeg(v!, m.snap.calls) !== undefined) return this.kind === 'callinner' ? '200-018' : '100-007'
        return '0'
      })
    if (out.body.retcode === '0') {
      const callid = out.body.result
      check(typeof callid === 'string' && /^\d+-\d+$/.test(callid), `${this.kind}: the result is a callid`, out.body)
      m.parties.set(callid, new Set([this.agent]))
      m.count(`${this.kind} placed`)
    }
    await sync(m, r)
    if (out.body.retcode !== '0') return
    const call = m.snap.calls.get(out.body.result as string)
    check(call !== undefined && call.callerAgent === this.agent && call.called === this.called, `${this.kind}: the call is listed`, call)
    // Who takes it (docs/decisions.md, "Who can be called"; the default world's peers and numbers).
    let want: { state: CallView['state'], legs: number }
    if (this.kind === 'callout') want = this.called === '5550101' ? { state: 'released', legs: 1 } : { state: 'alerting', legs: 1 }
    else if (callee !== undefined) {
      want = callee.status === 'idle' && callee.calls.length === 0
        ? { state: callee.settings.autoAnswer ? 'talking' : 'alerting', legs: 2 }
        : { state: 'released', legs: 1 }
    } else want = (PEERS as readonly string[]).includes(this.called) ? { state: 'alerting', legs: 1 } : { state: 'released', legs: 1 }
    m.count(`${this.kind} to ${this.kind === 'callout' ? this.called : callee !== undefined ? 'an agent' : this.called}: ${call.state}`)
    check(call.state === want.state && call.legs.length === want.legs, `${this.kind} ${this.agent} → ${this.called}: how the far end takes it`, { want, got: call })
  }

  toString (): string { return `${this.kind}(${this.agent} → ${this.called}, ${this.cred})` }
}

type CallOp = 'answer' | 'release' | 'hold' | 'getHold'

export class CallControl extends Base {
  constructor (readonly agent: string, readonly op: CallOp, readonly cred: Cred) { super() }
  async run (m: Model, r: Real): Promise<void> {
    const v = m.snap.agents.get(this.agent)
    const route = {
      answer: { method: 'PUT', path: `/voicecall/${this.agent}/answer` },
      release: { method: 'DELETE', path: `/voicecall/${this.agent}/release` },
      hold: { method: 'POST', path: `/voicecall/${this.agent}/hold` },
      getHold: { method: 'POST', path: `/voicecall/${this.agent}/gethold` }
    }[this.op] as { method: 'PUT' | 'DELETE' | 'POST', path: string }
    const out = await gateway(m, r, this.op, this.agent, this.cred, route, () => {
      const legs = legsOf(v!, m.snap.calls)
      const active = activeLeg(v!, m.snap.calls)
      const held = legs.some(l => l.state === 'held')
      switch (this.op) {
        case 'answer': return legs.some(l => l.state === 'ringing') ? '0' : '200-002'
        case 'release': return active !== undefined || held ? '0' : '200-017'
        case 'hold': return active === undefined ? '200-013' : active.leg.state !== 'talking' ? '200-014' : '0'
        case 'getHold': return !held ? '200-015' : active !== undefined ? '200-016' : '0'
      }
    })
    // The call it acts on (docs/decisions.md, Calls): the ringing one, the active one, the newest held one.
    const find = (want: (l: Leg) => boolean, newest = false): string | undefined =>
      (newest ? [...(v?.calls ?? [])].reverse() : v?.calls ?? []).find(id => m.snap.calls.get(id)?.legs.some(l => l.agentId === this.agent && want(l)))
    const target = this.op === 'answer'
      ? find(l => l.state === 'ringing')
      : this.op === 'hold' ? find(l => l.state !== 'held') : this.op === 'getHold' ? find(l => l.state === 'held', true) : find(l => l.state !== 'held') ?? find(l => l.state === 'held', true)
    const fresh = await sync(m, r)
    if (out.body.retcode !== '0' || out.faulted || target === undefined) return
    const call = m.snap.calls.get(target)!
    const leg = call.legs.find(l => l.agentId === this.agent)
    const mine = (fresh.get(this.agent) ?? []).map(e => `${e.eventType} ${callidOf(e) ?? ''}`.trim())
    const want: Record<CallOp, () => boolean> = {
      answer: () => call.state === 'talking' && call.legs.every(l => l.state === 'talking') && mine.includes(`AgentEvent_Talking ${target}`),
      hold: () => leg?.state === 'held' && mine.join() === `AgentEvent_Hold ${target}`,
      getHold: () => leg?.state === 'talking' && mine.join() === `AgentEvent_Talking ${target}`,
      release: () => call.state === 'released' && m.snap.agents.get(this.agent)?.calls.includes(target) !== true
    }
    check(want[this.op](), `${this.op} ${this.agent}: call ${target} afterwards`, { call, events: mine })
    m.count(`${this.op} checked`)
  }

  toString (): string { return `${this.op}(${this.agent}, ${this.cred})` }
}

/** Whoever can do `op` with success does it (skipped when nobody can): reaches holds and consultations. */
export class Whoever extends Base {
  picked: string | undefined
  constructor (readonly op: CallOp, readonly nth: number) { super() }
  override check (m: Readonly<Model>): boolean { return this.candidates(m.snap).length > 0 }
  candidates (snap: Snapshot): string[] {
    return [...snap.agents.values()].filter(v => {
      const legs = legsOf(v, snap.calls)
      const active = activeLeg(v, snap.calls)
      switch (this.op) {
        case 'answer': return legs.some(l => l.state === 'ringing')
        case 'hold': return active?.leg.state === 'talking'
        case 'getHold': return active === undefined && legs.some(l => l.state === 'held')
        case 'release': return legs.length > 0
      }
      return false
    }).map(v => v.id)
  }

  async run (m: Model, r: Real): Promise<void> {
    const c = this.candidates(m.snap)
    this.picked = c[this.nth % c.length]
    if (this.picked !== undefined) await new CallControl(this.picked, this.op, 'own').run(m, r)
  }

  toString (): string { return `${this.op}(${this.picked ?? `whoever can, #${this.nth}`}, own)` }
}

export class Poll extends Base {
  constructor (readonly agent: string, readonly cred: Cred) { super() }
  async run (m: Model, r: Real): Promise<void> {
    const signedIn = m.snap.agents.has(this.agent)
    const before = m.tr(this.agent).queue.length
    const out = await gateway(m, r, 'getAgentEvent', this.agent, this.cred, { method: 'GET', path: `/agentevent/${this.agent}` }, () => '0')
    if (out.body.retcode === '0') {
      check(signedIn, 'a poll succeeds only for a signed-in agent')
      delivered(m, this.agent, out.body.event)
      m.lastActive.set(this.agent, r.clock.now())
    }
    await sync(m, r)
    if (out.body.retcode === '0' && before === 0) await statusAgrees(m, r, this.agent)
  }

  toString (): string { return `poll(${this.agent}, ${this.cred})` }
}

/** Poll until the queue is empty, then ask agentstatus. */
export class Drain extends Base {
  constructor (readonly agent: string) { super() }
  async run (m: Model, r: Real): Promise<void> {
    for (let i = 0; i < 2000; i++) {
      const out = await gateway(m, r, 'getAgentEvent', this.agent, 'own', { method: 'GET', path: `/agentevent/${this.agent}` }, () => '0')
      if (out.body.retcode !== '0') break
      m.lastActive.set(this.agent, r.clock.now())
      delivered(m, this.agent, out.body.event)
      if (out.body.event == null) break
    }
    await sync(m, r)
    await statusAgrees(m, r, this.agent)
  }

  toString (): string { return `drain(${this.agent})` }
}

export class StatusQuery extends Base {
  constructor (readonly agent: string, readonly cred: Cred) { super() }
  async run (m: Model, r: Real): Promise<void> {
    const v = m.snap.agents.get(this.agent)
    const out = await gateway(m, r, 'getAgentStatus', this.agent, this.cred, { method: 'GET', path: `/onlineagent/${this.agent}/agentstatus` }, () => '0')
    if (out.body.retcode === '0' && v !== undefined) {
      check(JSON.stringify(out.body.result) === JSON.stringify({ agentState: v.agentState, isWorking: v.isWorking }), `${this.agent}: agentstatus is what the control API shows`, { got: out.body.result, view: v })
    }
    await sync(m, r)
  }

  toString (): string { return `agentstatus(${this.agent}, ${this.cred})` }
}

export class HandShake extends Base {
  constructor (readonly agent: string) { super() }
  async run (m: Model, r: Real): Promise<void> {
    const out = await gateway(m, r, 'handShake', this.agent, 'own', { method: 'POST', path: `/onlineagent/${this.agent}/handshake` }, () => '0')
    if (out.body.retcode === '0') m.lastActive.set(this.agent, r.clock.now())
    await sync(m, r)
  }

  toString (): string { return `handshake(${this.agent})` }
}

export class Advance extends Base {
  constructor (readonly ms: number) { super() }
  async run (m: Model, r: Real): Promise<void> {
    const res = await admin<{ now: number }>(r, 'POST', '/__mock/clock/advance', { ms: this.ms })
    check(res.status === 200, 'clock advance answers 200', res)
    const now = r.clock.now()
    // The 2-minute rule: signed out exactly when lastActive + timeout has passed, and only then.
    const before = [...m.snap.agents.keys()]
    const due = before.filter(a => now >= (m.lastActive.get(a) ?? 0) + INACTIVITY_MS)
    for (const a of due) m.endSession(a)
    await sync(m, r)
    for (const a of before) {
      const signedIn = m.snap.agents.has(a)
      if (due.includes(a)) { check(!signedIn, `${a}: signed out after ${INACTIVITY_MS} ms without a poll`); m.count('inactivity sign-outs') } else check(signedIn, `${a}: still signed in after ${this.ms} ms`)
    }
  }

  toString (): string { return `advance(${this.ms} ms)` }
}

export class ArmFault extends Base {
  constructor (readonly op: string, readonly agent: string, readonly times: number, readonly action: FaultChoice) { super() }
  async run (m: Model, r: Real): Promise<void> {
    const res = await admin<{ id: string }>(r, 'POST', '/__mock/faults', { match: { operation: this.op, agent: this.agent }, fire: { times: this.times }, action: this.action })
    check(res.status === 201, 'a fault rule is armed with 201', res)
    m.rules.push({ op: this.op, agent: this.agent, times: this.times, fired: 0, action: this.action })
    m.count('fault rules armed')
    await sync(m, r)
  }

  toString (): string { return `armFault(${this.op} for ${this.agent}, ${this.times}×, ${JSON.stringify(this.action)})` }
}

// ---- arbitraries ------------------------------------------------------------------------------

const agentArb = fc.constantFrom(...AGENTS)
const credArb = fc.oneof({ weight: 12, arbitrary: fc.constant<Cred>('own') }, { weight: 1, arbitrary: fc.constantFrom<Cred>('other', 'stale', 'cookie') })
const FAULT_OPS = ['sayBusy', 'callInner', 'callout', 'getAgentEvent', 'answer', 'release', 'hold', 'getHold', 'login', 'forceLogin', 'logout', 'getAgentStatus', 'rest'] as const

const gate = fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })
/** Each generated command is a fresh object (fast-check re-maps while shrinking), gated or not. */
const gated = <A, C extends Base>(args: fc.Arbitrary<A>, make: (a: A) => C): fc.Arbitrary<C> => fc.tuple(args, gate).map(([a, g]) => make(a).onlyIfSignedIn(g))

export function commandArbitrary (): fc.Arbitrary<Cmd> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom<CallOp>('answer', 'hold', 'getHold', 'release'), fc.nat(2)).map(([op, n]) => new Whoever(op, n)) },
    { weight: 6, arbitrary: fc.tuple(agentArb, fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), fc.constantFrom<3 | 4 | 5>(4, 4, 4, 3, 5), fc.boolean(), fc.boolean(), fc.option(fc.boolean(), { nil: undefined })).map(([a, f, s, aa, ai, rp]) => new SignIn(a, f, s, aa, ai, rp)) },
    { weight: 2, arbitrary: gated(fc.tuple(agentArb, fc.boolean(), credArb), ([a, f, c]) => new SignOut(a, f, c)) },
    {
      weight: 12,
      arbitrary: gated(fc.tuple(agentArb, fc.constantFrom<StateOp>('sayBusy', 'cancelBusy', 'sayFree', 'rest', 'cancelRest', 'work', 'cancelWork'), fc.boolean(),
        fc.constantFrom<number | undefined>(undefined, 0, 201, 7), fc.constantFrom(1, 30, 600), fc.constantFrom(0, 5), credArb),
      ([a, op, p, reason, time, cause, c]) => new StateChange(a, op, p, reason, time, cause, c))
    },
    { weight: 12, arbitrary: gated(fc.tuple(agentArb, fc.constantFrom(...AGENTS, ...AGENTS, ...PEERS, '9003'), credArb), ([a, to, c]) => new Dial(a, 'callinner', to, c)) },
    { weight: 4, arbitrary: gated(fc.tuple(agentArb, fc.constantFrom(...NUMBERS), credArb), ([a, to, c]) => new Dial(a, 'callout', to, c)) },
    { weight: 12, arbitrary: gated(fc.tuple(agentArb, fc.constantFrom<CallOp>('answer', 'release', 'release', 'hold', 'getHold'), credArb), ([a, op, c]) => new CallControl(a, op, c)) },
    { weight: 12, arbitrary: gated(fc.tuple(agentArb, credArb), ([a, c]) => new Poll(a, c)) },
    { weight: 5, arbitrary: gated(agentArb, a => new Drain(a)) },
    { weight: 3, arbitrary: gated(fc.tuple(agentArb, credArb), ([a, c]) => new StatusQuery(a, c)) },
    { weight: 2, arbitrary: gated(agentArb, a => new HandShake(a)) },
    { weight: 8, arbitrary: fc.constantFrom(0, 0, 500, 1000, 1000, 2000, 5000, 30000, 61000).map(ms => new Advance(ms)) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...FAULT_OPS), agentArb, fc.integer({ min: 1, max: 3 }),
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom('100-007', '000-004', '200-018').map((retcode): FaultChoice => ({ retcode })) },
          { weight: 1, arbitrary: fc.constant<FaultChoice>({ forceSignOut: true }) },
          { weight: 1, arbitrary: fc.constant<FaultChoice>({ expireGuid: true }) }
        ))
        .map(([op, a, n, action]) => new ArmFault(op, a, n, action))
    }
  )
}

// ---- running ----------------------------------------------------------------------------------

export interface ModelRunOptions {
  /** Longest command sequence of a run (after the initial sign-ins). */
  maxCommands: number
  /** The app's --queue-cap, which the model applies to its expected queues. */
  queueCap: number
  /** One app per configuration (modelApp); each run starts from POST /__mock/reset. */
  real: Real
  /** Counters of what the runs reached, filled in as they go. */
  stats?: Stats
}

/** Each run starts from POST /__mock/reset on the given app (a fresh app costs ~300 ms). */
export async function runOne (real: Real, start: SignIn[], cmds: Iterable<Cmd>, queueCap: number, stats: Stats): Promise<void> {
  const reset = await real.app.inject({ method: 'POST', url: '/__mock/reset' })
  check(reset.statusCode === 200, 'reset', reset.body)
  const m = new Model(queueCap, stats)
  m.snap = await snapshot(real)
  for (const s of start) await s.run(m, real)
  await fc.asyncModelRun(() => ({ model: m, real }), cmds)
}

/** Each run starts with some agents signed in (with random sign-in options), then the commands. */
export function startArbitrary (): fc.Arbitrary<SignIn[]> {
  return fc.subarray([...AGENTS], { minLength: 0 }).chain(ids => fc.tuple(...ids.map(id =>
    fc.tuple(fc.constantFrom<3 | 4 | 5>(4, 4, 4, 3, 5), fc.boolean(), fc.boolean(), fc.option(fc.boolean(), { nil: undefined }))
      .map(([s, aa, ai, rp]) => new SignIn(id, false, s, aa, ai, rp)))))
}

export function property (opts: ModelRunOptions): fc.IAsyncPropertyWithHooks<[SignIn[], Iterable<Cmd>]> {
  const stats = opts.stats ?? {}
  return fc.asyncProperty(startArbitrary(), fc.commands([commandArbitrary()], { maxCommands: opts.maxCommands, size: 'max' }), async (start, cmds) => {
    stats.runs = (stats.runs ?? 0) + 1
    await runOne(opts.real, start, cmds, opts.queueCap, stats)
  })
}

/** An app for the model: default world, ManualClock, history large enough to keep every event. */
export async function modelApp (t: { teardown(fn: () => unknown): void }, config: Partial<Config> = {}): Promise<Real> {
  const { app, clock } = await build(t, { pollWaitMs: 0, inactivityTimeoutMs: INACTIVITY_MS, ...config })
  app.simulator.opts.historySize = 1_000_000
  return { app, clock }
}

/** Run a fixed command list (a shrunk counterexample) and return the stats. */
export async function replay (real: Real, cmds: Cmd[], queueCap = 1000): Promise<Stats> {
  const stats: Stats = {}
  await runOne(real, [], cmds, queueCap, stats)
  return stats
}

// ---- CLI: npm run model -- --runs N ------------------------------------------------------------

async function main (): Promise<void> {
  const { parseArgs } = await import('node:util')
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '500' },
      seed: { type: 'string' },
      'max-commands': { type: 'string', default: '80' },
      'queue-cap': { type: 'string', default: '1000' },
      path: { type: 'string' }
    }
  })
  const closers: Array<() => unknown> = []
  const real = await modelApp({ teardown: fn => { closers.push(fn) } }, { queueCap: Number(values['queue-cap']) })
  const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed)
  const stats: Stats = {}
  const started = Date.now()
  console.log(`model: ${values.runs} runs, seed ${seed}, up to ${values['max-commands']} commands, queue cap ${values['queue-cap']}`)
  const result = await fc.check(property({ maxCommands: Number(values['max-commands']), queueCap: Number(values['queue-cap']), real, stats }),
    { seed, numRuns: Number(values.runs), ...(values.path === undefined ? {} : { path: values.path }) })
  for (const c of closers) await c()
  console.log(Object.entries(stats).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `  ${k}: ${v}`).join('\n'))
  console.log(`model: ${result.numRuns} runs in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (result.failed) {
    console.error(fc.defaultReportMessage(result))
    process.exitCode = 1
  } else console.log('model: no invariant broken')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
