/**
 * Customers calling in (issue #11, Part D §D1): a customer dials a hotline, waits in the skill
 * queue, the ACD offers the call to an idle agent with the skill; ringing or auto answer, the
 * customer or the agent hangs up, after-call work, ring-out and re-queueing, abandon, priority and
 * order, calls straight to one agent. Every agent's event stream is asserted whole, on the wire.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { admin, build, call, drain, signIn, ev, busy, phoneAlerting, offhook, talking, customerRelease, phoneRelease, ready, callRelease, type PolledEvent } from '../helper.js'

const A = '1001'
const B = '1002'
const CUSTOMER = '13900001111'
const VOICE = '6001'

interface Ctx { app: FastifyInstance, clock: ManualClock }

/** A fresh app whose simulated colleagues are out of the way (a world with none). */
async function center (tt: Parameters<typeof build>[0]): Promise<Ctx> {
  const ctx = await build(tt)
  await admin(ctx.app, 'POST', '/__mock/scenarios', { name: 'no-colleagues', extends: 'default', colleagues: [] })
  await admin(ctx.app, 'POST', '/__mock/scenarios/no-colleagues/activate')
  return ctx
}

async function agent (app: FastifyInstance, id: string, body: Record<string, unknown> = {}): Promise<string> {
  const guid = await signIn(app, id, { body: { password: '', phonenum: `7${id}`, ...body } })
  await drain(app, id, guid)
  return guid
}

async function customer (app: FastifyInstance, body: Record<string, unknown>): Promise<string> {
  const res = await admin(app, 'POST', '/__mock/customers', { from: CUSTOMER, ...body })
  if (res.statusCode !== 200) throw new Error(`customer call refused: ${res.body}`)
  return res.json().callid
}

const ringing = (w: string, callid: string, called = VOICE, caller = CUSTOMER): PolledEvent =>
  ev(w, 'AgentEvent_Ringing', { caller, transfer: 'no', callid, transfrom: '', called, type: 'main', mediaAbility: '1', feature: '0', mediaType: '5' })
const autoAnswer = (w: string, callid: string, called = VOICE, caller = CUSTOMER): PolledEvent =>
  ev(w, 'AgentEvent_Auto_Answer', { caller, transfer: 'no', callid, transfrom: '', called, type: 'main', mediaAbility: '1', feature: '0', mediaType: 5 })
const customerAlerting = (w: string, callid: string, otherPhone = CUSTOMER): PolledEvent =>
  ev(w, 'AgentEvent_Customer_Alerting', { callid, otherPhoneWorkno: '', otherPhone, type: 'main' })

t.test('a customer calls the hotline; the idle agent answers automatically; the customer hangs up', async (t) => {
  const { app } = await center(t)
  const ga = await agent(app, A)
  const callid = await customer(app, { to: VOICE })
  t.match(callid, /^\d+-\d+$/)
  t.strictSame(await drain(app, A, ga), [busy(A), phoneAlerting(A), offhook(A), autoAnswer(A, callid), talking(A, callid, CUSTOMER, VOICE, '0')])
  const info = (await call(app, ga, 'GET', `/calldata/${A}/callinfo`)).json().result
  t.match(info, { callfeature: 0, callid, caller: CUSTOMER, called: VOICE, callskill: 'voice', callskillid: 1, endtime: null })

  const hangup = await admin(app, 'POST', `/__mock/calls/${callid}/hangup`)
  t.equal(hangup.statusCode, 200)
  t.strictSame(await drain(app, A, ga), [customerRelease(A, callid, CUSTOMER), phoneRelease(A, 3), ready(A)])
})

t.test('manual answer: Ringing then Customer_Alerting; answer; the agent releases into after-call work', async (t) => {
  const { app } = await center(t)
  const ga = await agent(app, A, { autoanswer: false, autoenteridle: false })
  const callid = await customer(app, { to: VOICE, callappdata: 'order=42' })
  t.strictSame(await drain(app, A, ga), [busy(A), phoneAlerting(A), offhook(A), ringing(A, callid), customerAlerting(A, callid)])
  t.same((await call(app, ga, 'GET', `/onlineagent/${A}/agentstatus`)).json().result, { agentState: 7, isWorking: false })
  t.equal((await call(app, ga, 'PUT', `/voicecall/${A}/answer`)).json().retcode, '0')
  t.strictSame(await drain(app, A, ga), [talking(A, callid, CUSTOMER, VOICE, '0')])
  t.equal((await call(app, ga, 'GET', `/calldata/${A}/callinfo`)).json().result.calldata, 'order=42')
  t.equal((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json().retcode, '0')
  t.strictSame(await drain(app, A, ga), [callRelease(A, callid), phoneRelease(A, 2), ev(A, 'AgentState_Work')])
  t.equal((await call(app, ga, 'POST', `/onlineagent/${A}/cancelwork`)).json().retcode, '0')
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentState_CancelWork_Success')])
})

t.test('the customer waits while nobody is idle, and is offered when an agent becomes idle', async (t) => {
  const { app } = await center(t)
  const ga = await agent(app, A)
  await call(app, ga, 'POST', `/onlineagent/${A}/saybusy`)
  await drain(app, A, ga)
  const callid = await customer(app, { to: VOICE })
  const queues = (await admin(app, 'GET', '/__mock/queues')).json().queues
  t.match(queues[0], { skillid: 1, name: 'voice', waiting: [{ callid, from: CUSTOMER, called: VOICE, priority: 0, waitingMs: 0 }], agents: { loggedOn: 1, idle: 0 } })
  t.strictSame(await drain(app, A, ga), [], 'a busy agent is never offered a call')
  await call(app, ga, 'POST', `/onlineagent/${A}/cancelbusy`)
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentState_CancelNotReady_Success'), busy(A), phoneAlerting(A), offhook(A), autoAnswer(A, callid), talking(A, callid, CUSTOMER, VOICE, '0')])
  t.same((await admin(app, 'GET', '/__mock/queues')).json().queues[0].waiting, [])
})

t.test('a manual-answer agent lets it ring out: No_Answer, set busy (reason 2), the customer goes to the next agent', async (t) => {
  const { app, clock } = await center(t)
  const ga = await agent(app, A, { autoanswer: false })
  const callid = await customer(app, { to: VOICE })
  await drain(app, A, ga)
  clock.advance(30000)
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentEvent_No_Answer', callid), phoneRelease(A, 3), ev(A, 'AgentState_SetNotReady_Success', { reason: '2' })])
  t.equal((await call(app, ga, 'GET', `/onlineagent/${A}/agentstatus`)).json().result.agentState, 3)
  t.match((await admin(app, 'GET', '/__mock/queues')).json().queues[0].waiting, [{ callid, requeues: 1 }], 'back in the queue')
  const gb = await signIn(app, B, { body: { password: '', phonenum: '71002' } })
  const bSide = await drain(app, B, gb)
  t.strictSame(bSide.slice(0, 2).map(e => e.eventType), ['AgentOther_InService', 'AgentState_Ready'])
  t.strictSame(bSide.slice(2), [busy(B), phoneAlerting(B), offhook(B), autoAnswer(B, callid), talking(B, callid, CUSTOMER, VOICE, '0')], 'same call id')
})

t.test('the customer hangs up while waiting (patience) and while ringing', async (t) => {
  const { app, clock } = await center(t)
  const ga = await agent(app, A, { autoanswer: false })
  await call(app, ga, 'POST', `/onlineagent/${A}/saybusy`)
  await drain(app, A, ga)
  const first = await customer(app, { to: VOICE, patienceMs: 5000 })
  clock.advance(5000)
  t.same((await admin(app, 'GET', '/__mock/queues')).json().queues[0].waiting, [], 'gone from the queue')
  t.match((await admin(app, 'GET', `/__mock/calls/${first}`)).json(), { state: 'released' })
  t.match((await admin(app, 'GET', '/__mock/queues')).json().queues[0].figures, { offered: 1, answered: 0, abandoned: 1 })
  await call(app, ga, 'POST', `/onlineagent/${A}/cancelbusy`)
  await drain(app, A, ga)
  const second = await customer(app, { to: VOICE, patienceMs: 10000 })
  t.strictSame((await drain(app, A, ga)).map(e => e.eventType), ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentEvent_Ringing', 'AgentEvent_Customer_Alerting'])
  clock.advance(10000)
  t.strictSame(await drain(app, A, ga), [customerRelease(A, second, CUSTOMER), phoneRelease(A, 3), ready(A)])
})

t.test('order: priority first, then the longest waiting; agents longest idle first', async (t) => {
  const { app, clock } = await center(t)
  const ga = await agent(app, A)
  const gb = await agent(app, B)
  for (const [id, g] of [[A, ga], [B, gb]] as const) { await call(app, g, 'POST', `/onlineagent/${id}/saybusy`); await drain(app, id, g) }
  const c1 = await customer(app, { to: VOICE, from: '1' })
  clock.advance(1000)
  const c2 = await customer(app, { to: VOICE, from: '2', priority: 5 })
  clock.advance(1000)
  const c3 = await customer(app, { to: VOICE, from: '3' })
  t.same((await admin(app, 'GET', '/__mock/queues')).json().queues[0].waiting.map((w: { callid: string }) => w.callid), [c2, c1, c3])
  await call(app, gb, 'POST', `/onlineagent/${B}/cancelbusy`)
  t.equal((await drain(app, B, gb)).find(e => e.eventType === 'AgentEvent_Auto_Answer')?.content && true, true)
  t.same((await admin(app, 'GET', '/__mock/calls')).json().calls.filter((c: { legs: Array<{ agentId: string }> }) => c.legs.some(l => l.agentId === B)).map((c: { callid: string }) => c.callid), [c2], 'B takes the priority customer')
  await call(app, ga, 'POST', `/onlineagent/${A}/cancelbusy`)
  await drain(app, A, ga)
  t.same((await admin(app, 'GET', '/__mock/queues')).json().queues[0].waiting.map((w: { callid: string }) => w.callid), [c3], 'A took c1, who waited longer than c3')
})

t.test('straight to one agent; refusals', async (t) => {
  const { app } = await center(t)
  const ga = await agent(app, A, { autoanswer: false })
  const callid = await customer(app, { agent: A })
  t.strictSame(await drain(app, A, ga), [busy(A), phoneAlerting(A), offhook(A), ringing(A, callid, A), customerAlerting(A, callid)])
  const again = await admin(app, 'POST', '/__mock/customers', { from: CUSTOMER, agent: A })
  t.equal(again.statusCode, 409)
  t.match(again.json(), { retcode: '000-002', message: `agent ${A} is in a call, not idle` })
  t.equal((await admin(app, 'POST', '/__mock/customers', { from: CUSTOMER, agent: B })).statusCode, 409)
  const noCode = await admin(app, 'POST', '/__mock/customers', { from: CUSTOMER, to: '999' })
  t.equal(noCode.statusCode, 404)
  t.match(noCode.json(), { message: 'no access code 999' })
  t.equal((await admin(app, 'POST', '/__mock/customers', { from: CUSTOMER, to: VOICE, skillid: 1 })).statusCode, 400)
  t.equal((await admin(app, 'POST', '/__mock/customers', { from: 'abc', to: VOICE })).statusCode, 400)
  t.equal((await admin(app, 'POST', '/__mock/customers', { from: CUSTOMER, skillid: 77 })).statusCode, 404)
})

t.test('a call straight to an agent that rings out ends: the customer has no queue to wait in', async (t) => {
  const { app, clock } = await center(t)
  const ga = await agent(app, A, { autoanswer: false })
  const callid = await customer(app, { agent: A })
  await drain(app, A, ga)
  clock.advance(30000)
  t.strictSame((await drain(app, A, ga)).map(e => e.eventType), ['AgentEvent_No_Answer', 'AgentOther_PhoneRelease', 'AgentState_SetNotReady_Success'])
  t.match((await admin(app, 'GET', `/__mock/calls/${callid}`)).json(), { state: 'released', legs: [] })
  t.same((await admin(app, 'GET', '/__mock/queues')).json().queues.map((q: { waiting: unknown[] }) => q.waiting.length), [0, 0])
})

t.test('wrap-up time: an auto-enter-idle agent is in after-call work, then idle by itself', async (t) => {
  const { app, clock } = await build(t)
  await admin(app, 'POST', '/__mock/scenarios', { name: 'wrap', extends: 'default', colleagues: [], wrapUpMs: 15000 })
  await admin(app, 'POST', '/__mock/scenarios/wrap/activate')
  const ga = await agent(app, A)
  const callid = await customer(app, { to: VOICE })
  await drain(app, A, ga)
  await admin(app, 'POST', `/__mock/calls/${callid}/hangup`)
  t.strictSame(await drain(app, A, ga), [customerRelease(A, callid, CUSTOMER), phoneRelease(A, 3), ev(A, 'AgentState_Work')])
  clock.advance(14999)
  t.strictSame(await drain(app, A, ga), [])
  clock.advance(1)
  t.strictSame(await drain(app, A, ga), [ready(A)])
})

t.test('simulated colleagues take customers when no signed-in agent is idle', async (t) => {
  const { app, clock } = await build(t) // the default world: colleagues 8001-8003
  const callid = await customer(app, { to: VOICE, talkMs: 60000 })
  let view = (await admin(app, 'GET', `/__mock/calls/${callid}`)).json()
  t.match(view, { state: 'alerting', feature: '0', caller: CUSTOMER, called: VOICE })
  clock.advance(2000) // 8001 answers after 2 s
  view = (await admin(app, 'GET', `/__mock/calls/${callid}`)).json()
  t.match(view, { state: 'talking', answerTime: clock.now() })
  t.match((await admin(app, 'GET', '/__mock/queues')).json().queues[0], { agents: { loggedOn: 2, idle: 1 }, figures: { offered: 1, answered: 1, totalWaitMs: 2000 } }, 'the wait runs from joining the queue to the answer')
  clock.advance(60000)
  t.match((await admin(app, 'GET', `/__mock/calls/${callid}`)).json(), { state: 'released' })
})

t.test('a timeline step places a customer call', async (t) => {
  const { app, clock } = await build(t)
  const ga = await agent(app, A)
  const res = await admin(app, 'POST', '/__mock/scenarios', {
    name: 'ring-in',
    extends: 'default',
    colleagues: [],
    timeline: [{ at: 1000, do: { customerCall: { from: '5551234', to: '6002' } } }]
  })
  t.equal(res.statusCode, 201)
  await admin(app, 'POST', '/__mock/scenarios/ring-in/activate')
  t.strictSame(await drain(app, A, ga), [])
  clock.advance(1000)
  const events = await drain(app, A, ga)
  t.match(events.find(e => e.eventType === 'AgentEvent_Auto_Answer')?.content, { caller: '5551234', called: '6002', feature: '0' })
})
