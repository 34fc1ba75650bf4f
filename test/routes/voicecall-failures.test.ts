/**
 * Internal calls that do not connect (issue #3, seed callinner, spec Part C §6): every cause on
 * the called side. callinner itself succeeds (the callid comes back); the failure arrives as
 * events: AgentEvent_Inside_Call_Fail (content = the callid) for the caller, and for a real
 * called agent that let it ring out, AgentEvent_No_Answer.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { build, call, drain, signIn, type PolledEvent, ev, phoneAlerting, offhook, phoneRelease, busy, ready, customerAlerting, dial } from '../helper.js'

const A = '1001'
const B = '1002'

/** Caller events of a call that fails before anything rings. */
const failedAtOnce = (w: string, callid: string): PolledEvent[] =>
  [phoneAlerting(w), offhook(w), busy(w), ev(w, 'AgentEvent_Inside_Call_Fail', callid), phoneRelease(w, 3), ready(w)]
/** Caller events of a call that rang and then failed. */
const ringing = (w: string, callid: string, called: string): PolledEvent[] =>
  [phoneAlerting(w), offhook(w), busy(w), customerAlerting(w, callid, called)]
const insideCallFail = (w: string, callid: string): PolledEvent[] =>
  [ev(w, 'AgentEvent_Inside_Call_Fail', callid), phoneRelease(w, 3), ready(w)]

interface Ctx { app: FastifyInstance, clock: ManualClock, ga: string }

async function caller (tt: Parameters<typeof build>[0]): Promise<Ctx> {
  const { app, clock } = await build(tt)
  const ga = await signIn(app, A)
  await drain(app, A, ga)
  return { app, clock, ga }
}

async function signInDrained (app: FastifyInstance, id: string, extra: Record<string, unknown> = {}): Promise<string> {
  const guid = await signIn(app, id, { body: { password: '', phonenum: `7${id}`, ...extra } })
  await drain(app, id, guid)
  return guid
}

const idle = { message: '', retcode: '0', result: { agentState: 4, isWorking: false } }
const status = async (app: FastifyInstance, guid: string, id: string): Promise<unknown> =>
  (await call(app, guid, 'GET', `/onlineagent/${id}/agentstatus`)).json()

t.test('calling an agent id nobody is signed in with fails at once', async (t) => {
  const { app, ga } = await caller(t)
  const callid = await dial(app, ga, A, '1099')
  t.strictSame(await drain(app, A, ga), failedAtOnce(A, callid))
  t.strictSame(await status(app, ga, A), idle)
})

t.test('calling a real agent that is busy (saybusy) fails at once and leaves the busy agent alone', async (t) => {
  const { app, ga } = await caller(t)
  const gb = await signInDrained(app, B)
  await call(app, gb, 'POST', `/onlineagent/${B}/saybusy`)
  await drain(app, B, gb)

  const callid = await dial(app, ga, A, B)
  t.strictSame(await drain(app, A, ga), failedAtOnce(A, callid))
  t.strictSame(await drain(app, B, gb), [], 'B hears nothing')
  t.strictSame(await status(app, gb, B), { message: '', retcode: '0', result: { agentState: 3, isWorking: false } }, 'B still busy')
})

t.test('calling a real agent that is in a call fails at once', async (t) => {
  const { app, ga } = await caller(t)
  const gb = await signInDrained(app, B)
  const other = await dial(app, gb, B, '9002')
  await drain(app, B, gb)

  const callid = await dial(app, ga, A, B)
  t.not(callid, other)
  t.strictSame(await drain(app, A, ga), failedAtOnce(A, callid))
  t.strictSame(await drain(app, B, gb), [], 'B, busy in its own call, hears nothing')
})

t.test('calling a real agent in wrap-up fails at once', async (t) => {
  const { app, ga } = await caller(t)
  const gb = await signInDrained(app, B, { status: 5 })
  const callid = await dial(app, ga, A, B)
  t.strictSame(await drain(app, A, ga), failedAtOnce(A, callid))
  t.strictSame(await drain(app, B, gb), [])
})

t.test('simulated agent 9003 is busy: the call fails at once', async (t) => {
  const { app, ga } = await caller(t)
  const callid = await dial(app, ga, A, '9003')
  t.strictSame(await drain(app, A, ga), failedAtOnce(A, callid))
})

t.test('simulated agent 9006 is not signed in: the call fails at once', async (t) => {
  const { app, ga } = await caller(t)
  const callid = await dial(app, ga, A, '9006')
  t.strictSame(await drain(app, A, ga), failedAtOnce(A, callid))
})

t.test('simulated agent 9005 rings, then rejects after 2 s', async (t) => {
  const { app, clock, ga } = await caller(t)
  const callid = await dial(app, ga, A, '9005')
  t.strictSame(await drain(app, A, ga), ringing(A, callid, '9005'))
  clock.advance(1999)
  t.strictSame(await drain(app, A, ga), [], 'still ringing at 1999 ms')
  clock.advance(1)
  t.strictSame(await drain(app, A, ga), insideCallFail(A, callid))
  t.strictSame(await status(app, ga, A), idle)
})

t.test('simulated agent 9004 never answers: the call fails at the 30 s ring timeout', async (t) => {
  const { app, clock, ga } = await caller(t)
  const callid = await dial(app, ga, A, '9004')
  t.strictSame(await drain(app, A, ga), ringing(A, callid, '9004'))
  clock.advance(29999)
  t.strictSame(await drain(app, A, ga), [], 'still ringing at 29999 ms')
  clock.advance(1)
  t.strictSame(await drain(app, A, ga), insideCallFail(A, callid))
})

t.test('a real agent with manual answer that lets it ring out gets No_Answer; the caller gets Inside_Call_Fail', async (t) => {
  const { app, clock, ga } = await caller(t)
  const gb = await signInDrained(app, B, { autoanswer: false })
  const callid = await dial(app, ga, A, B)
  t.strictSame(await drain(app, A, ga), ringing(A, callid, B))
  t.strictSame((await drain(app, B, gb)).map(e => e.eventType),
    ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentEvent_Ringing'])

  clock.advance(29999)
  t.strictSame(await drain(app, A, ga), [])
  t.strictSame(await drain(app, B, gb), [])
  clock.advance(1)
  t.strictSame(await drain(app, B, gb), [ev(B, 'AgentEvent_No_Answer', callid), phoneRelease(B, 3), ready(B)],
    'B: No_Answer with the bare callid, phone back on-hook, idle')
  t.strictSame(await drain(app, A, ga), insideCallFail(A, callid), 'A: Inside_Call_Fail with the bare callid')
  t.strictSame((await call(app, gb, 'PUT', `/voicecall/${B}/answer`)).json(), { message: 'no call to answer', retcode: '200-002' },
    'too late to answer')
  t.strictSame(await status(app, gb, B), idle)
})

t.test('a real agent that releases while its phone rings rejects the call', async (t) => {
  const { app, ga } = await caller(t)
  const gb = await signInDrained(app, B, { autoanswer: false })
  const callid = await dial(app, ga, A, B)
  await drain(app, A, ga)
  await drain(app, B, gb)

  t.strictSame((await call(app, gb, 'DELETE', `/voicecall/${B}/release`)).json(), { message: 'success', retcode: '0', result: {} })
  t.strictSame(await drain(app, B, gb), [ev(B, 'AgentEvent_Call_Release', callid), phoneRelease(B, 2), ready(B)])
  t.strictSame(await drain(app, A, ga), insideCallFail(A, callid))
  t.strictSame(await status(app, ga, A), idle)
  t.strictSame(await status(app, gb, B), idle)
})

t.test('a failed call leaves no timer behind: advancing past the ring timeout sends nothing more', async (t) => {
  const { app, clock, ga } = await caller(t)
  const gb = await signInDrained(app, B, { autoanswer: false })
  const callid = await dial(app, ga, A, B)
  await call(app, gb, 'DELETE', `/voicecall/${B}/release`)
  await drain(app, A, ga)
  await drain(app, B, gb)
  clock.advance(30000)
  t.strictSame(await drain(app, A, ga), [])
  t.strictSame(await drain(app, B, gb), [])
  t.ok(callid)
})

t.test('calling a real agent whose phone rings for another call fails at once, and the ringing call goes on', async (t) => {
  const { app, ga } = await caller(t)
  const gb = await signInDrained(app, B, { autoanswer: false })
  const gc = await signInDrained(app, '1003')
  const first = await dial(app, gc, '1003', B)
  await drain(app, B, gb)
  const second = await dial(app, ga, A, B)
  t.strictSame(await drain(app, A, ga), failedAtOnce(A, second))
  t.strictSame(await drain(app, B, gb), [], 'B hears nothing of the second call')
  t.strictSame((await call(app, gb, 'PUT', `/voicecall/${B}/answer`)).json(), { message: 'success', retcode: '0', result: {} })
  t.strictSame((await drain(app, B, gb)).map(e => [e.eventType, (e.content as { callid?: string }).callid]), [['AgentEvent_Talking', first]])
})

t.test('a called agent that is ringing cannot place a call of its own (200-018)', async (t) => {
  const { app, ga } = await caller(t)
  const gb = await signInDrained(app, B, { autoanswer: false })
  await dial(app, ga, A, B)
  t.strictSame((await call(app, gb, 'PUT', `/voicecall/${B}/callinner`, { called: '9002' })).json(),
    { message: 'the agent is in a call; hold it first', retcode: '200-018' })
  t.strictSame((await call(app, gb, 'POST', `/voicecall/${B}/hold`)).json(),
    { message: 'the call is ringing, not talking', retcode: '200-014' }, 'nor hold the ringing call')
})
