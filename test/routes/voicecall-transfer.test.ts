/**
 * Transfer (issue #13, Part D §D2.1) of a customer from POST /__mock/customers: blind (release)
 * and success mode to an agent, to a skill and to an access code; talk and three-party transfer to
 * an external number with canceltransfer; the result events and the documented retcodes. The
 * callid of the customer's call never changes. Every stream asserted whole, on the wire.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { admin, build, call, drain, signIn, ev, busy, phoneAlerting, offhook, talking, customerRelease, phoneRelease, ready, callRelease, customerAlerting, type PolledEvent } from '../helper.js'

const A = '1001'
const B = '1002'
const C = '13900001111'
const OK = { message: 'success', retcode: '0', result: {} }

interface Ctx { app: FastifyInstance, clock: ManualClock, ga: string, gb: string }

async function center (tt: Parameters<typeof build>[0], bBody: Record<string, unknown> = {}): Promise<Ctx> {
  const { app, clock } = await build(tt)
  await admin(app, 'POST', '/__mock/scenarios', { name: 'no-colleagues', extends: 'default', colleagues: [] })
  await admin(app, 'POST', '/__mock/scenarios/no-colleagues/activate')
  const ga = await signIn(app, A, { body: { password: '', phonenum: `7${A}` } })
  const gb = await signIn(app, B, { body: { password: '', phonenum: `7${B}`, ...bBody } })
  await drain(app, A, ga)
  await drain(app, B, gb)
  return { app, clock, ga, gb }
}

/** A customer straight to agent A (auto answer), events drained. */
async function customerToA ({ app, ga }: Ctx): Promise<string> {
  const res = await admin(app, 'POST', '/__mock/customers', { from: C, agent: A })
  if (res.statusCode !== 200) throw new Error(res.body)
  await drain(app, A, ga)
  return res.json().callid
}

const transfer = async (ctx: Ctx, body: Record<string, unknown>): Promise<unknown> =>
  (await call(ctx.app, ctx.ga, 'POST', `/voicecall/${A}/transfer`, body)).json()

const offered = (w: string, callid: string, type: 'AgentEvent_Ringing' | 'AgentEvent_Auto_Answer', called = A): PolledEvent =>
  ev(w, type, { caller: C, transfer: 'yes', callid, transfrom: A, called, type: 'main', mediaAbility: '1', feature: '0', mediaType: type === 'AgentEvent_Auto_Answer' ? 5 : '5' })
const result = (w: string, callid: string, r: number): PolledEvent => ev(w, 'AgentEvent_SuccTransResult', { result: r, callId: callid })

t.test('blind transfer of a customer to an agent (devicetype 2, mode 0): A leaves at once, B sees transfer:"yes"', async (t) => {
  const ctx = await center(t)
  const { app, ga, gb } = ctx
  const x = await customerToA(ctx)
  t.strictSame(await transfer(ctx, { devicetype: 2, address: B, mode: 0 }), OK)
  t.strictSame(await drain(app, A, ga), [callRelease(A, x), phoneRelease(A, 2), ready(A)])
  t.strictSame(await drain(app, B, gb), [busy(B), phoneAlerting(B), offhook(B), offered(B, x, 'AgentEvent_Auto_Answer'), talking(B, x, C, A, '0')])
  t.match((await admin(app, 'GET', `/__mock/calls/${x}`)).json(), { callid: x, state: 'talking', legs: [{ agentId: B, state: 'talking' }] })
  await admin(app, 'POST', `/__mock/calls/${x}/hangup`)
  t.strictSame(await drain(app, B, gb), [customerRelease(B, x, C), phoneRelease(B, 3), ready(B)], 'the same callid to the end')
})

t.test('success transfer to an agent with manual answer (2/2, numbers as strings): SuccTransResult 0 when B answers', async (t) => {
  const ctx = await center(t, { autoanswer: false })
  const { app, ga, gb } = ctx
  await call(app, gb, 'POST', `/onlineagent/${B}/autoanswer/false`)
  await drain(app, B, gb)
  const x = await customerToA(ctx)
  t.strictSame(await transfer(ctx, { devicetype: '2', address: B, mode: '2', callappdata: 'order 42' }), OK)
  t.strictSame(await drain(app, A, ga), [customerAlerting(A, x, B)], 'A keeps talking while B rings')
  t.strictSame(await drain(app, B, gb), [busy(B), phoneAlerting(B), offhook(B), offered(B, x, 'AgentEvent_Ringing')])
  t.strictSame((await call(app, gb, 'PUT', `/voicecall/${B}/answer`)).json(), OK)
  t.strictSame(await drain(app, B, gb), [talking(B, x, C, A, '0')])
  t.strictSame(await drain(app, A, ga), [result(A, x, 0), callRelease(A, x), phoneRelease(A, 2), ready(A)])
  t.match((await call(app, gb, 'GET', `/calldata/${B}/callinfo`)).json(), { result: { callid: x, calldata: 'order 42' } }, 'call data travels with the call')
})

t.test('success transfer that B lets ring out: SuccTransResult 1, A keeps talking with the customer', async (t) => {
  const ctx = await center(t)
  const { app, clock, ga, gb } = ctx
  await call(app, gb, 'POST', `/onlineagent/${B}/autoanswer/false`)
  await drain(app, B, gb)
  const x = await customerToA(ctx)
  await transfer(ctx, { devicetype: 2, address: B, mode: 2 })
  await drain(app, A, ga)
  await drain(app, B, gb)
  clock.advance(30000)
  t.strictSame(await drain(app, A, ga), [result(A, x, 1)])
  t.strictSame((await drain(app, B, gb)).map(e => e.eventType), ['AgentEvent_No_Answer', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  t.match((await admin(app, 'GET', `/__mock/calls/${x}`)).json(), { state: 'talking', legs: [{ agentId: A, state: 'talking' }] })
  t.strictSame(await transfer(ctx, { devicetype: 2, address: B, mode: 0 }), OK, 'and can transfer again')
})

t.test('blind transfer to a skill (1/0) and to an access code (4/2): the ACD picks the idle agent', async (t) => {
  const ctx = await center(t)
  const { app, ga, gb } = ctx
  const x = await customerToA(ctx)
  t.strictSame(await transfer(ctx, { devicetype: 1, address: '1', mode: 0 }), OK)
  t.strictSame(await drain(app, A, ga), [callRelease(A, x), phoneRelease(A, 2), ready(A)])
  t.strictSame(await drain(app, B, gb), [busy(B), phoneAlerting(B), offhook(B), offered(B, x, 'AgentEvent_Auto_Answer'), talking(B, x, C, A, '0')])
  // B passes it on through the billing hotline: A is idle again and takes it; success mode.
  t.strictSame((await call(app, gb, 'POST', `/voicecall/${B}/transfer`, { devicetype: 4, address: '6001', mode: 2 })).json(), OK)
  const toA = await drain(app, A, ga)
  t.strictSame(toA.map(e => e.eventType), ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentEvent_Auto_Answer', 'AgentEvent_Talking'])
  t.match(toA[3]!.content, { transfer: 'yes', transfrom: B, callid: x })
  t.strictSame(await drain(app, B, gb), [ev(B, 'AgentEvent_SuccTransResult', { result: 0, callId: x }), callRelease(B, x), phoneRelease(B, 2), ready(B)])
})

t.test('talk transfer to an external number (5/3), canceltransfer, then three-party transfer (5/4): Conference', async (t) => {
  const ctx = await center(t)
  const { app, clock, ga } = ctx
  const x = await customerToA(ctx)
  t.strictSame(await transfer(ctx, { devicetype: 5, address: '5550100', mode: 3 }), OK)
  t.strictSame(await drain(app, A, ga), [customerAlerting(A, x, '5550100')])
  clock.advance(1000)
  t.strictSame(await drain(app, A, ga), [talking(A, x, C, A, '0')], 'A talks with the external party, the customer held')
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/canceltransfer`)).json(), OK)
  t.strictSame(await drain(app, A, ga), [customerRelease(A, x, '5550100'), talking(A, x, C, A, '0')])
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/canceltransfer`)).json(), { retcode: '200-012' }, 'nothing left to cancel')

  t.strictSame(await transfer(ctx, { devicetype: 5, address: '5550100', mode: 4 }), OK)
  clock.advance(1000)
  t.strictSame(await drain(app, A, ga), [customerAlerting(A, x, '5550100'), ev(A, 'AgentEvent_Conference', { callid: x, partner: `${C},5550100` })])
  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json(), OK)
  t.strictSame(await drain(app, A, ga), [callRelease(A, x), phoneRelease(A, 2), ready(A)])
  const view = (await admin(app, 'GET', `/__mock/calls/${x}`)).json()
  t.match(view, { state: 'talking', legs: [] }, 'the customer and the external number talk on')
})

t.test('external targets that fail: busy in talk mode (Connect_Fail, back to the customer), release mode to a number that never answers', async (t) => {
  const ctx = await center(t)
  const { app, clock, ga } = ctx
  const x = await customerToA(ctx)
  t.strictSame(await transfer(ctx, { devicetype: 5, address: '5550101', mode: 3 }), OK)
  t.strictSame(await drain(app, A, ga), [customerAlerting(A, x, '5550101'), ev(A, 'AgentEvent_Connect_Fail', x), talking(A, x, C, A, '0')])
  t.strictSame(await transfer(ctx, { devicetype: 5, address: '5550102', mode: 1 }), OK)
  t.strictSame(await drain(app, A, ga), [callRelease(A, x), phoneRelease(A, 2), ready(A)])
  clock.advance(30000)
  t.equal((await admin(app, 'GET', `/__mock/calls/${x}`)).json().state, 'released', 'nobody took the customer: the call ends')
})

t.test('transfer errors: 200-012 without a call, 000-002 for a bad mode or target, 200-001, 100-007', async (t) => {
  const ctx = await center(t)
  const { app, gb } = ctx
  t.match(await transfer(ctx, { devicetype: 2, address: B, mode: 0 }), { retcode: '200-012', message: 'transfer: no call' })
  t.match((await call(app, ctx.ga, 'POST', `/voicecall/${A}/canceltransfer`)).json(), { retcode: '200-012' })
  const x = await customerToA(ctx)
  t.match(await transfer(ctx, { devicetype: 2, address: B, mode: 1 }), { retcode: '000-002' }, 'mode 1 is not defined for an agent')
  t.match(await transfer(ctx, { devicetype: 9, address: B, mode: 0 }), { retcode: '000-002' })
  t.match(await transfer(ctx, { devicetype: 2, address: '4321', mode: 0 }), { retcode: '000-002' }, 'nobody signed in as 4321')
  t.match(await transfer(ctx, { devicetype: 2, address: A, mode: 0 }), { retcode: '000-002' }, 'not to oneself')
  t.match(await transfer(ctx, { devicetype: 1, address: '77', mode: 0 }), { retcode: '000-002' }, 'no skill 77')
  t.match(await transfer(ctx, { devicetype: 4, address: '6999', mode: 0 }), { retcode: '000-002' }, 'no access code 6999')
  t.match(await transfer(ctx, { devicetype: 5, address: '5550199', mode: 2 }), { retcode: '200-001' })
  t.match(await transfer(ctx, { devicetype: 2, address: B }), { retcode: '000-002' }, 'mode is required')
  t.match(await transfer(ctx, { devicetype: 2, address: 'x'.repeat(25), mode: 0 }), { retcode: '000-002' })
  await call(app, gb, 'POST', `/onlineagent/${B}/saybusy`)
  t.match(await transfer(ctx, { devicetype: 2, address: B, mode: 0 }), { retcode: '100-007' }, 'B is not idle')
  t.match((await admin(app, 'GET', `/__mock/calls/${x}`)).json(), { state: 'talking', legs: [{ agentId: A, state: 'talking' }] }, 'nothing changed')
  const out = await call(app, ctx.ga, 'POST', `/voicecall/${A}/hold`)
  t.strictSame(out.json(), OK)
  t.match(await transfer(ctx, { devicetype: 2, address: B, mode: 0 }), { retcode: '200-012' }, 'a held call cannot be transferred')
})

t.test('canceltransfer of a success transfer to a skill: taken back from the queue, and from the agent the ACD offered it to', async (t) => {
  const ctx = await center(t, { autoanswer: false })
  const { app, ga, gb } = ctx
  await call(app, gb, 'POST', `/onlineagent/${B}/saybusy`)
  await drain(app, B, gb)
  const x = await customerToA(ctx)
  t.strictSame(await transfer(ctx, { devicetype: 1, address: '1', mode: 2 }), OK)
  t.strictSame(await drain(app, A, ga), [], 'the customer waits at the skill, nobody idle')
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/canceltransfer`)).json(), OK)
  t.strictSame(await drain(app, A, ga), [customerRelease(A, x, '1'), talking(A, x, C, A, '0')], 'the skill named as the party that left')
  await call(app, gb, 'POST', `/onlineagent/${B}/cancelbusy`)
  t.strictSame(await drain(app, B, gb), [ev(B, 'AgentState_CancelNotReady_Success')], 'B idle again: nothing offered (the customer left the queue)')
  // Again; B is idle now and rings (manual answer): cancelling stops B's desk.
  t.strictSame(await transfer(ctx, { devicetype: 1, address: '1', mode: 2 }), OK)
  t.strictSame((await drain(app, B, gb)).map(e => e.eventType), ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentEvent_Ringing', 'AgentEvent_Customer_Alerting'])
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/canceltransfer`)).json(), OK)
  t.strictSame(await drain(app, B, gb), [customerRelease(B, x, C), phoneRelease(B, 3), ready(B)])
  t.strictSame(await drain(app, A, ga), [customerRelease(A, x, '1'), talking(A, x, C, A, '0')])
  t.match((await admin(app, 'GET', `/__mock/calls/${x}`)).json(), { state: 'talking', legs: [{ agentId: A, state: 'talking' }] })
  t.equal((await admin(app, 'GET', `/__mock/calls/${x}`)).json().legs.length, 1)
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/canceltransfer`)).json(), { retcode: '200-012' }, 'nothing left to cancel')
})
