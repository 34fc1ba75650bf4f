/**
 * Call-out to external numbers (spec §6, Part C §6 outbound scenario, issue #3): the magic numbers
 * of scenarios/default.yaml answer, ring out, are busy, reject, hang up, or are refused with
 * 200-001 before anything happens. Call-outs carry feature "7" and show the default caller
 * (10086) unless the body names one.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { build, call, drain, signIn, type PolledEvent, ev, dial } from '../helper.js'

const A = '1001'
const SUCCESS = { message: 'success', retcode: '0', result: {} }

const phoneAlerting = ev(A, 'AgentOther_PhoneAlerting')
const offhook = ev(A, 'AgentOther_PhoneOffhook', { type: 'main' })
const busy = ev(A, 'AgentState_Busy')
const ready = ev(A, 'AgentState_Ready')
const phoneRelease = (phoneState: 2 | 3): PolledEvent => ev(A, 'AgentOther_PhoneRelease', { phoneState })
const customerAlerting = (callid: string, otherPhone: string): PolledEvent =>
  ev(A, 'AgentEvent_Customer_Alerting', { callid, otherPhoneWorkno: '', otherPhone, type: 'main' })
const talking = (callid: string, caller: string, called: string): PolledEvent =>
  ev(A, 'AgentEvent_Talking', { caller, callid, called, feature: '7', type: 'main', mediaAbility: '1' })
/** Part C §6 outbound step 5: the called party never answers or hangs up. */
const callOutFail = (callid: string): PolledEvent[] =>
  [phoneRelease(3), ev(A, 'AgentEvent_Call_Out_Fail', callid), ev(A, 'AgentEvent_Connect_Fail', callid), ready]
const dialling = (callid: string, called: string): PolledEvent[] => [phoneAlerting, offhook, busy, customerAlerting(callid, called)]

interface Ctx { app: FastifyInstance, clock: ManualClock, ga: string }

async function agent (tt: Parameters<typeof build>[0]): Promise<Ctx> {
  const { app, clock } = await build(tt)
  const ga = await signIn(app, A)
  await drain(app, A, ga)
  return { app, clock, ga }
}

const status = async (app: FastifyInstance, guid: string): Promise<unknown> =>
  (await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)).json()
const state = (agentState: number, isWorking: boolean): unknown => ({ message: '', retcode: '0', result: { agentState, isWorking } })

t.test('5550100 answers after 1 s; the call shows feature 7 and the default caller 10086', async (t) => {
  const { app, clock, ga } = await agent(t)
  const res = await call(app, ga, 'PUT', `/voicecall/${A}/callout`, { called: '5550100' })
  const body = res.json()
  t.strictSame(Object.keys(body), ['message', 'retcode', 'result'])
  t.equal(body.retcode, '0')
  t.equal(body.message, '')
  const callid: string = body.result
  t.match(callid, /^\d+-\d+$/)

  t.strictSame(await drain(app, A, ga), dialling(callid, '5550100'))
  clock.advance(999)
  t.strictSame(await drain(app, A, ga), [])
  clock.advance(1)
  t.strictSame(await drain(app, A, ga), [talking(callid, '10086', '5550100')])
  t.strictSame(await status(app, ga), state(7, true))

  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentEvent_Call_Release', callid), phoneRelease(2), ready])
  t.strictSame(await status(app, ga), state(4, false))
})

t.test('the caller field of callout is shown as the caller', async (t) => {
  const { app, clock, ga } = await agent(t)
  const callid = await dial(app, ga, A, { called: '5550100', caller: '4008001' }, 'callout')
  clock.advance(1000)
  t.strictSame(await drain(app, A, ga), [...dialling(callid, '5550100'), talking(callid, '4008001', '5550100')])
})

t.test('an empty caller falls back to the default caller', async (t) => {
  const { app, clock, ga } = await agent(t)
  const callid = await dial(app, ga, A, { called: '5550100', caller: '' }, 'callout')
  clock.advance(1000)
  t.strictSame((await drain(app, A, ga)).at(-1), talking(callid, '10086', '5550100'))
})

t.test('5550101 is busy: PhoneRelease, Call_Out_Fail, Connect_Fail, Ready at once', async (t) => {
  const { app, ga } = await agent(t)
  const callid = await dial(app, ga, A, { called: '5550101' }, 'callout')
  t.strictSame(await drain(app, A, ga), [phoneAlerting, offhook, busy, ...callOutFail(callid)])
  t.strictSame(await status(app, ga), state(4, false))
})

t.test('5550102 never answers: the call-out fails at the 30 s ring timeout', async (t) => {
  const { app, clock, ga } = await agent(t)
  const callid = await dial(app, ga, A, { called: '5550102' }, 'callout')
  t.strictSame(await drain(app, A, ga), dialling(callid, '5550102'))
  clock.advance(29999)
  t.strictSame(await drain(app, A, ga), [])
  t.strictSame(await status(app, ga), state(7, false), 'ringing')
  clock.advance(1)
  t.strictSame(await drain(app, A, ga), callOutFail(callid))
})

t.test('5550103 rejects after 2 s', async (t) => {
  const { app, clock, ga } = await agent(t)
  const callid = await dial(app, ga, A, { called: '5550103' }, 'callout')
  t.strictSame(await drain(app, A, ga), dialling(callid, '5550103'))
  clock.advance(2000)
  t.strictSame(await drain(app, A, ga), callOutFail(callid))
})

t.test('5550104 answers after 1 s and hangs up 5 s later', async (t) => {
  const { app, clock, ga } = await agent(t)
  const callid = await dial(app, ga, A, { called: '5550104' }, 'callout')
  clock.advance(1000)
  t.strictSame(await drain(app, A, ga), [...dialling(callid, '5550104'), talking(callid, '10086', '5550104')])
  clock.advance(5000)
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentEvent_Customer_Release', { callid, number: '5550104' }), phoneRelease(3), ready])
})

t.test('5550105 is unreachable: the call-out fails at once', async (t) => {
  const { app, ga } = await agent(t)
  const callid = await dial(app, ga, A, { called: '5550105' }, 'callout')
  t.strictSame(await drain(app, A, ga), [phoneAlerting, offhook, busy, ...callOutFail(callid)])
})

t.test('5550199 is refused synchronously with 200-001 and nothing happens', async (t) => {
  const { app, ga } = await agent(t)
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/callout`, { called: '5550199' })).json(),
    { message: 'called: 5550199 cannot be dialled', retcode: '200-001' })
  t.strictSame(await drain(app, A, ga), [])
  t.strictSame(await status(app, ga), state(4, false))
})

t.test('any other number answers after 2 s', async (t) => {
  const { app, clock, ga } = await agent(t)
  const callid = await dial(app, ga, A, { called: '13800138000' }, 'callout')
  t.strictSame(await drain(app, A, ga), dialling(callid, '13800138000'))
  clock.advance(2000)
  t.strictSame(await drain(app, A, ga), [talking(callid, '10086', '13800138000')])
})

t.test('the agent hanging up before the customer answers gets Call_Out_Fail, Connect_Fail, PhoneRelease (Part C §6 outbound step 3)', async (t) => {
  const { app, clock, ga } = await agent(t)
  const callid = await dial(app, ga, A, { called: '5550102' }, 'callout')
  await drain(app, A, ga)
  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [
    ev(A, 'AgentEvent_Call_Out_Fail', callid),
    ev(A, 'AgentEvent_Connect_Fail', callid),
    phoneRelease(2),
    ready
  ])
  clock.advance(30000)
  t.strictSame(await drain(app, A, ga), [], 'the ring timeout was cancelled')
})

t.test('callout while in a call answers 100-007', async (t) => {
  const { app, clock, ga } = await agent(t)
  await dial(app, ga, A, { called: '5550100' }, 'callout')
  clock.advance(1000)
  await drain(app, A, ga)
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/callout`, { called: '5550100' })).json(),
    { message: 'the agent is in a call; hold it first', retcode: '100-007' })
  t.strictSame(await drain(app, A, ga), [])
})

t.test('callout from a held call is allowed, without a second AgentState_Busy', async (t) => {
  const { app, clock, ga } = await agent(t)
  const first = await dial(app, ga, A, { called: '5550100' }, 'callout')
  clock.advance(1000)
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  await drain(app, A, ga)
  const second = await dial(app, ga, A, { called: '5550100' }, 'callout')
  t.not(second, first)
  clock.advance(1000)
  t.strictSame(await drain(app, A, ga), [customerAlerting(second, '5550100'), talking(second, '10086', '5550100')])
})

t.test('callout by an agent that is not signed in answers 100-006', async (t) => {
  const { app, ga } = await agent(t)
  t.strictSame((await call(app, ga, 'PUT', '/voicecall/1003/callout', { called: '5550100' })).json(),
    { message: 'the agent has not signed in', retcode: '100-006' })
})

t.test('callout validates its body like callinner', async (t) => {
  const { app, ga } = await agent(t)
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/callout`, {})).json(), { message: 'called is required', retcode: '000-002' })
  const letters = (await call(app, ga, 'PUT', `/voicecall/${A}/callout`, { called: '555O100' })).json()
  t.equal(letters.retcode, '000-002')
  t.match(letters.message, /^called /)
  const caller = (await call(app, ga, 'PUT', `/voicecall/${A}/callout`, { called: '5550100', caller: '+4930' })).json()
  t.equal(caller.retcode, '000-002')
  t.match(caller.message, /^caller /)
  t.strictSame(await drain(app, A, ga), [])
})
