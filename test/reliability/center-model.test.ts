/**
 * Model-based test of the contact centre (issue #11). fast-check generates sequences of customers
 * calling (hotlines, skills, priorities, patience), customers hanging up, agents signing in and
 * out, changing state, answering, releasing and resetting skills, and the clock moving. After every
 * step, from the control API and the gateway's queries:
 *
 * - every customer is in exactly one place (queued, offered, talking, ended) and ends one way;
 * - an agent is offered a customer only when it was idle with no call, and only with the skill;
 * - no agent holds two offers; an offered agent is occupied;
 * - the queue queries (waitnum, skillwaitnum, waitnumbyagent, queryacdstat) equal the model's counts;
 * - the figures add up: offered = answered + abandoned + waiting + ringing;
 * - no event lost: each agent's queued events are exactly the ones produced since its last poll.
 */
import t from 'tap'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { admin, build, call, GW } from '../helper.js'

const AGENTS = ['1001', '1002', '1003'] as const
const SKILLS_OF: Record<string, number[]> = { 1001: [1], 1002: [2], 1003: [1, 2] }

interface Real { app: FastifyInstance, clock: ManualClock }
interface Leg { agentId: string, state: string }
interface CallV { callid: string, state: string, feature: string, legs: Leg[], skillid: number | null }
interface AgentV { id: string, status: string, calls: string[], skills: Array<{ id: number }> }
interface QueueV { skillid: number, waiting: Array<{ callid: string }>, figures: { offered: number, answered: number, abandoned: number, overflowed: number } }

interface M {
  customers: Set<string>
  guid: Map<string, string>
  /** Agent status before the step (to check offers went to idle agents). */
  before: Map<string, AgentV>
  seenLegs: Set<string>
  events: Map<string, number>
}

async function json<T> (r: Real, url: string): Promise<T> { return (await admin(r.app, 'GET', url)).json() as T }

async function invariants (m: M, r: Real): Promise<void> {
  const calls = new Map((await json<{ calls: CallV[] }>(r, '/__mock/calls?all=true')).calls.map(c => [c.callid, c]))
  const agents = new Map((await json<{ agents: AgentV[] }>(r, '/__mock/agents')).agents.map(a => [a.id, a]))
  const queues = (await json<{ queues: QueueV[] }>(r, '/__mock/queues')).queues
  const queued = new Map<string, number>()
  for (const q of queues) for (const w of q.waiting) { if (queued.has(w.callid)) throw new Error(`${w.callid} waits in two queues`); queued.set(w.callid, q.skillid) }

  let ringing = 0
  for (const id of m.customers) {
    const c = calls.get(id)
    if (c === undefined) continue // dropped from the finished list (bounded): it ended
    const places = [queued.has(id), c.state === 'alerting' && !queued.has(id), c.state === 'talking', c.state === 'released'].filter(Boolean).length
    if (places !== 1) throw new Error(`customer ${id} is in ${places} places: ${JSON.stringify({ c, queued: queued.has(id) })}`)
    if (queued.has(id) && c.state !== 'alerting') throw new Error(`queued customer ${id} is ${c.state}`)
    if (c.state === 'alerting' && !queued.has(id)) ringing++
    for (const leg of c.legs) {
      const key = `${id}:${leg.agentId}`
      if (m.seenLegs.has(key)) continue
      m.seenLegs.add(key)
      if (!SKILLS_OF[leg.agentId]!.includes(c.skillid ?? -1)) throw new Error(`agent ${leg.agentId} offered ${id} of skill ${c.skillid} without the skill`)
      await offeredWhileIdle(r, leg.agentId, id)
    }
  }
  for (const a of agents.values()) {
    const offers = a.calls.filter(id => calls.get(id)?.legs.some(l => l.agentId === a.id && l.state === 'ringing')).length
    if (offers > 1) throw new Error(`agent ${a.id} holds ${offers} offers`)
    if (a.calls.length > 0 && a.status !== 'occupied') throw new Error(`agent ${a.id} in a call but ${a.status}`)
  }
  let offered = 0
  let settled = 0
  for (const q of queues) { offered += q.figures.offered; settled += q.figures.answered + q.figures.abandoned + q.waiting.length }
  if (offered !== settled + ringing) throw new Error(`figures: offered ${offered} != answered + abandoned + waiting + ringing ${settled + ringing}`)

  // The gateway's queries agree with the queues.
  const waitingIn = (skill: number): number => queues.find(q => q.skillid === skill)?.waiting.length ?? 0
  for (const a of agents.values()) {
    const g = m.guid.get(a.id)!
    const wn = (await call(r.app, g, 'GET', `/queuedevice/${a.id}/waitnum`)).json().result
    const want = SKILLS_OF[a.id]!.reduce((n, s) => n + waitingIn(s), 0)
    if (wn !== want) throw new Error(`waitnum of ${a.id}: ${wn}, queues say ${want}`)
    const byAgent = (await call(r.app, g, 'GET', `/queuedevice/${a.id}/waitnumbyagent`)).json().result
    if (byAgent !== a.skills.reduce((n, s) => n + waitingIn(s.id), 0)) throw new Error(`waitnumbyagent of ${a.id}: ${byAgent}`)
    for (const s of [1, 2]) {
      if ((await call(r.app, g, 'GET', `/queuedevice/${a.id}/skillwaitnum/${s}`)).json().result !== waitingIn(s)) throw new Error(`skillwaitnum ${s}`)
    }
    const acd = (await call(r.app, g, 'POST', `/queuedevice/${a.id}/queryacdstat`, { skills: [1, 2] })).json().result as Array<{ deviceNo: number, queueSize: number }>
    for (const row of acd) if (row.queueSize !== waitingIn(row.deviceNo)) throw new Error(`queryacdstat ${row.deviceNo}: ${row.queueSize}`)
    // No event lost: what waits in the queue is the tail of the history, in order.
    const hist = (await json<{ events: unknown[] }>(r, `/__mock/agents/${a.id}/history`)).events
    const queue = (await json<{ events: unknown[] }>(r, `/__mock/agents/${a.id}/events`)).events
    if (JSON.stringify(hist.slice(hist.length - queue.length)) !== JSON.stringify(queue)) throw new Error(`${a.id}: queued events are not the last produced ones`)
  }
  m.before = agents
}

interface Ev { eventType: string, content: unknown }
const IDLE_EVENTS = new Set(['AgentState_Ready', 'AgentState_CancelNotReady_Success', 'AgentState_CancelWork_Success', 'AgentState_CancelRest_Success'])

/** In the agent's history, the offer of `callid` (Busy, phone events, Ringing/Auto_Answer) follows a state event that made it idle. */
async function offeredWhileIdle (r: Real, agent: string, callid: string): Promise<void> {
  const hist = (await json<{ events: Ev[] }>(r, `/__mock/agents/${agent}/history`)).events
  const at = hist.findIndex(e => (e.eventType === 'AgentEvent_Ringing' || e.eventType === 'AgentEvent_Auto_Answer') && (e.content as { callid?: string }).callid === callid)
  if (at < 0) return // older than the history keeps
  let j = at - 1
  while (j >= 0 && hist[j]!.eventType.startsWith('AgentOther_Phone')) j--
  if (hist[j]?.eventType !== 'AgentState_Busy') throw new Error(`${agent}: the offer of ${callid} does not start with AgentState_Busy`)
  for (j--; j >= 0 && !hist[j]!.eventType.startsWith('AgentState_'); j--) {
    if (hist[j]!.eventType.startsWith('AgentEvent_')) throw new Error(`${agent}: offered ${callid} while in another call`)
  }
  if (j >= 0 && !IDLE_EVENTS.has(hist[j]!.eventType)) throw new Error(`${agent}: offered ${callid} after ${hist[j]!.eventType}, not while idle`)
}

type Cmd = fc.AsyncCommand<M, Real>

const step = (name: string, run: (m: M, r: Real) => Promise<void>): Cmd => ({
  check: () => true,
  run: async (m, r) => { await run(m, r); await invariants(m, r) },
  toString: () => name
})

const agentArb = fc.constantFrom(...AGENTS)

const customerCmd = fc.record({ to: fc.constantFrom('6001', '6002', undefined), skill: fc.constantFrom(1, 2), priority: fc.integer({ min: 0, max: 3 }), patience: fc.option(fc.integer({ min: 1, max: 60000 }), { nil: undefined }), talk: fc.option(fc.integer({ min: 1, max: 60000 }), { nil: undefined }) })
  .map(c => step(`customer ${JSON.stringify(c)}`, async (m, r) => {
    const res = await admin(r.app, 'POST', '/__mock/customers', { from: '13900001111', ...(c.to === undefined ? { skillid: c.skill } : { to: c.to }), priority: c.priority, ...(c.patience === undefined ? {} : { patienceMs: c.patience }), ...(c.talk === undefined ? {} : { talkMs: c.talk }) })
    if (res.statusCode !== 200) throw new Error(`customer refused: ${res.body}`)
    m.customers.add(res.json().callid)
  }))

const signInCmd = fc.tuple(agentArb, fc.boolean()).map(([a, auto]) => step(`sign in ${a} autoanswer=${auto}`, async (m, r) => {
  const res = await r.app.inject({ method: 'PUT', url: `${GW}/onlineagent/${a}/forcelogin`, payload: { password: '', phonenum: `7${a}`, autoanswer: auto, releasephone: true } })
  m.guid.set(a, String(res.headers['set-guid']).replace('JSESSIONID=', ''))
}))

/** Customers and sign-ins weigh more, so runs reach offers, queues and ring-outs. */
const commands = [
  customerCmd,
  customerCmd,
  customerCmd,
  signInCmd,
  signInCmd,
  fc.nat(20).map(i => step(`customer #${i} hangs up`, async (m, r) => {
    const id = [...m.customers][i % Math.max(1, m.customers.size)]
    if (id !== undefined) await admin(r.app, 'POST', `/__mock/calls/${id}/hangup`)
  })),
  fc.tuple(agentArb, fc.constantFrom('saybusy', 'cancelbusy', 'sayfree', 'cancelwork', 'forcelogout')).map(([a, op]) => step(`${a} ${op}`, async (m, r) => {
    const g = m.guid.get(a) ?? ''
    if (op === 'forcelogout') await call(r.app, g, 'DELETE', `/onlineagent/${a}/forcelogout`)
    else await call(r.app, g, 'POST', `/onlineagent/${a}/${op}`)
  })),
  fc.tuple(agentArb, fc.constantFrom('answer', 'release')).map(([a, op]) => step(`${a} ${op}`, async (m, r) => {
    const g = m.guid.get(a) ?? ''
    await call(r.app, g, op === 'answer' ? 'PUT' : 'DELETE', `/voicecall/${a}/${op}`)
  })),
  agentArb.map(a => step(`${a} drains its events`, async (m, r) => {
    const g = m.guid.get(a) ?? ''
    for (let i = 0; i < 200; i++) { const b = (await call(r.app, g, 'GET', `/agentevent/${a}`)).json(); if (b.event === undefined) break }
  })),
  fc.integer({ min: 0, max: 40000 }).map(ms => step(`advance ${ms} ms`, async (_m, r) => { r.clock.advance(ms) }))
]

t.test('random customer and agent sequences keep every contact-centre invariant', async (t) => {
  const world = { name: 'model', extends: 'default', colleagues: [], agents: AGENTS.map(id => ({ id, skills: SKILLS_OF[id] })), skills: [{ id: 1, name: 'voice', capacity: 4 }, { id: 2, name: 'billing', capacity: 4, overflow: 1 }] }
  let runs = 0
  let offers = 0
  let customers = 0
  await fc.assert(fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: 'medium' }), async (cmds) => {
    const { app, clock } = await build({ teardown: () => {} })
    try {
      const created = await admin(app, 'POST', '/__mock/scenarios', world)
      if (created.statusCode !== 201) throw new Error(created.body)
      await admin(app, 'POST', '/__mock/scenarios/model/activate')
      const m: M = { customers: new Set(), guid: new Map(), before: new Map(), seenLegs: new Set(), events: new Map() }
      await fc.asyncModelRun(() => ({ model: m, real: { app, clock } }), cmds)
      runs++
      offers += m.seenLegs.size
      customers += m.customers.size
    } finally { await app.close() }
  }), { seed: 20261129, numRuns: 25, endOnFailure: true })
  t.equal(runs, 25, 'every run checked')
  t.ok(customers > 60 && offers > 20, `the runs reached the interesting states (${customers} customers, ${offers} offers to agents)`)
})
