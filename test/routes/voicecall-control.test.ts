/**
 * Call control on an established call (spec §6, Part C §4, issue #3): hold, a consultation call
 * from the held call, retrieve with gethold, the documented error codes of each interface, and
 * phone linkage (phonepickup, phonehangup, releasephone).
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { build, call, drain, signIn, ev, offhook, phoneRelease, busy, ready, customerAlerting, talking, callRelease, customerRelease, dial } from '../helper.js'

const A = '1001'
const B = '1002'
const SUCCESS = { message: 'success', retcode: '0', result: {} }

const err = (retcode: string, message: string): unknown => ({ message, retcode })

interface Ctx { app: FastifyInstance, clock: ManualClock, ga: string, gb: string }

async function pair (tt: Parameters<typeof build>[0], bBody: Record<string, unknown> = {}): Promise<Ctx> {
  const { app, clock } = await build(tt)
  const ga = await signIn(app, A)
  const gb = await signIn(app, B, { body: { password: '', phonenum: `7${B}`, ...bBody } })
  await drain(app, A, ga)
  await drain(app, B, gb)
  return { app, clock, ga, gb }
}

const status = async (app: FastifyInstance, guid: string, id: string): Promise<unknown> =>
  (await call(app, guid, 'GET', `/onlineagent/${id}/agentstatus`)).json()
const state = (agentState: number, isWorking: boolean): unknown => ({ message: '', retcode: '0', result: { agentState, isWorking } })

t.test('hold, consult another agent from the held call, release it, then retrieve the held call with gethold?callid=', async (t) => {
  const { app, clock, ga, gb } = await pair(t)
  const first = await dial(app, ga, A, B)
  await drain(app, A, ga)
  await drain(app, B, gb)

  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/hold`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentEvent_Hold', first)], 'AgentEvent_Hold with the bare callid')
  t.strictSame(await drain(app, B, gb), [], 'the held party gets no event')
  t.strictSame(await status(app, ga, A), state(7, true), 'an agent with a held call is still working')

  const consult = await dial(app, ga, A, '9001')
  t.not(consult, first)
  // The phone is already off-hook and the agent already occupied: no phone events, no second AgentState_Busy.
  t.strictSame(await drain(app, A, ga), [customerAlerting(A, consult, '9001')])
  clock.advance(1000)
  t.strictSame(await drain(app, A, ga), [talking(A, consult, A, '9001')])

  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json(), SUCCESS, 'release ends the active (consultation) call')
  t.strictSame(await drain(app, A, ga), [callRelease(A, consult)], 'phone stays off-hook and no state event while a call is held')
  t.strictSame(await status(app, ga, A), state(7, true))

  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/gethold?callid=${first}`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [talking(A, first, A, B)], 'gethold answers AgentEvent_Talking for the held call')
  t.strictSame(await drain(app, B, gb), [])

  await call(app, ga, 'DELETE', `/voicecall/${A}/release`)
  t.strictSame(await drain(app, A, ga), [callRelease(A, first), phoneRelease(A, 2), ready(A)])
  t.strictSame(await drain(app, B, gb), [customerRelease(B, first, A), phoneRelease(B, 3), ready(B)])
})

t.test('gethold without callid retrieves the held call', async (t) => {
  const { app, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, B)
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  await drain(app, A, ga)
  await drain(app, B, gb)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/gethold`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [talking(A, callid, A, B)])
})

t.test('release with only a held call releases the held call', async (t) => {
  const { app, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, B)
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  await drain(app, A, ga)
  await drain(app, B, gb)
  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [callRelease(A, callid), phoneRelease(A, 2), ready(A)])
  t.strictSame(await drain(app, B, gb), [customerRelease(B, callid, A), phoneRelease(B, 3), ready(B)])
})

t.test('hold with no call answers 200-013', async (t) => {
  const { app, ga } = await pair(t)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/hold`)).json(), err('200-013', 'hold: no call'))
  t.strictSame(await drain(app, A, ga), [])
})

t.test('hold of a call that is not yet talking answers 200-014', async (t) => {
  const { app, ga } = await pair(t)
  await dial(app, ga, A, '9004')
  await drain(app, A, ga)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/hold`)).json(), err('200-014', 'the call is dialing, not talking'))
  t.strictSame(await drain(app, A, ga), [])
})

t.test('gethold with no held call answers 200-015', async (t) => {
  const { app, clock, ga } = await pair(t)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/gethold`)).json(), err('200-015', 'unhold: no held call'), 'no call at all')
  await dial(app, ga, A, '9002')
  clock.advance(0)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/gethold`)).json(), err('200-015', 'unhold: no held call'), 'a call, but not held')
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/gethold?callid=1-1`)).json(), err('200-015', 'unhold: no held call'), 'a held call, but another callid')
})

t.test('gethold while another call is active answers 200-016', async (t) => {
  const { app, clock, ga } = await pair(t)
  const first = await dial(app, ga, A, '9002')
  clock.advance(0)
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  await dial(app, ga, A, '9002')
  clock.advance(0)
  await drain(app, A, ga)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/gethold?callid=${first}`)).json(),
    err('200-016', 'release or hold the active call first'))
  t.strictSame(await drain(app, A, ga), [])
})

t.test('answer with nothing ringing answers 200-002', async (t) => {
  const { app, ga } = await pair(t)
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/answer`)).json(), err('200-002', 'no call to answer'), 'idle')
  await dial(app, ga, A, '9004')
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/answer`)).json(), err('200-002', 'no call to answer'), 'the caller cannot answer its own outgoing call')
})

t.test('release with no call answers 200-017', async (t) => {
  const { app, ga } = await pair(t)
  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json(), err('200-017', 'release: no call'))
  t.strictSame(await drain(app, A, ga), [])
})

t.test('callinner while in an active call answers 200-018', async (t) => {
  const { app, clock, ga } = await pair(t)
  await dial(app, ga, A, '9002')
  clock.advance(0)
  await drain(app, A, ga)
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/callinner`, { called: '9001' })).json(),
    err('200-018', 'the agent is in a call; hold it first'))
  t.strictSame(await drain(app, A, ga), [], 'no event for a refused call')
})

t.test('callinner while the own call still rings answers 200-018', async (t) => {
  const { app, ga } = await pair(t)
  await dial(app, ga, A, '9004')
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/callinner`, { called: '9001' })).json(),
    err('200-018', 'the agent is in a call; hold it first'))
})

t.test('callinner by an agent that is not signed in answers 100-006', async (t) => {
  const { app, ga } = await pair(t)
  t.strictSame((await call(app, ga, 'PUT', '/voicecall/1003/callinner', { called: '9002' })).json(),
    err('100-006', 'the agent has not signed in'), 'with some other agent\'s GUID')
  const res = await app.inject({ method: 'PUT', url: '/agentgateway/resource/voicecall/1003/callinner', payload: { called: '9002' } })
  t.strictSame(res.json(), err('100-006', 'the agent has not signed in'), 'with no credentials at all')
})

t.test('the other call-control interfaces answer 100-006 for an agent that is not signed in', async (t) => {
  const { app, ga } = await pair(t)
  const cases: Array<['PUT' | 'POST' | 'DELETE', string]> = [
    ['PUT', 'answer'], ['DELETE', 'release'], ['POST', 'hold'], ['POST', 'gethold'],
    ['PUT', 'phonepickup'], ['PUT', 'phonehangup'], ['DELETE', 'releasephone']
  ]
  for (const [method, op] of cases) {
    t.strictSame((await call(app, ga, method, `/voicecall/1003/${op}`)).json(), err('100-006', 'the agent has not signed in'), op)
  }
  t.strictSame((await call(app, ga, 'DELETE', '/voicecall/1003')).json(), err('100-006', 'the agent has not signed in'), 'legacy release')
})

t.test('an agent cannot call itself', async (t) => {
  const { app, ga } = await pair(t)
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/callinner`, { called: A })).json(),
    err('000-002', 'called: an agent cannot call itself'))
  t.strictSame(await drain(app, A, ga), [])
})

t.test('phonepickup takes the idle phone off-hook and phonehangup puts it back', async (t) => {
  const { app, ga } = await pair(t)
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/phonepickup`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [offhook(A)])
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/phonepickup`)).json(), err('100-007', 'the phone is already off-hook'))
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/phonehangup`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [phoneRelease(A, 2)])
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/phonehangup`)).json(), err('100-007', 'no phone to hang up'))
  t.strictSame(await drain(app, A, ga), [])
  t.strictSame(await status(app, ga, A), state(4, false), 'the phone does not change the agent state')
})

t.test('DELETE releasephone hangs up an off-hook phone', async (t) => {
  const { app, ga } = await pair(t)
  await call(app, ga, 'PUT', `/voicecall/${A}/phonepickup`)
  await drain(app, A, ga)
  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/releasephone`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [phoneRelease(A, 2)])
  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/releasephone`)).json(), err('100-007', 'no phone to hang up'))
})

t.test('with the phone already picked up, a call skips PhoneAlerting and PhoneOffhook', async (t) => {
  const { app, clock, ga } = await pair(t)
  await call(app, ga, 'PUT', `/voicecall/${A}/phonepickup`)
  await drain(app, A, ga)
  const callid = await dial(app, ga, A, '9002')
  clock.advance(0)
  t.strictSame(await drain(app, A, ga), [busy(A), customerAlerting(A, callid, '9002'), talking(A, callid, A, '9002')])
})

t.test('phonepickup answers a ringing call (Talking on both sides)', async (t) => {
  const { app, ga, gb } = await pair(t, { autoanswer: false })
  const callid = await dial(app, ga, A, B)
  await drain(app, A, ga)
  await drain(app, B, gb)
  t.strictSame((await call(app, gb, 'PUT', `/voicecall/${B}/phonepickup`)).json(), SUCCESS)
  // Judgement call: phonepickup's documented events are PhoneOffhook then Talking (Part C §4),
  // though B's phone already went off-hook before AgentEvent_Ringing (Part C §6).
  t.strictSame(await drain(app, B, gb), [offhook(B), talking(B, callid, A, B)])
  t.strictSame(await drain(app, A, ga), [talking(A, callid, A, B)])
})

t.test('phonehangup during a call releases it', async (t) => {
  const { app, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, B)
  await drain(app, A, ga)
  await drain(app, B, gb)
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/phonehangup`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [callRelease(A, callid), phoneRelease(A, 2), ready(A)])
  t.strictSame(await drain(app, B, gb), [customerRelease(B, callid, A), phoneRelease(B, 3), ready(B)])
})

t.test('phonehangup with only a held call answers 100-007 and keeps the call', async (t) => {
  const { app, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, B)
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  await drain(app, A, ga)
  await drain(app, B, gb)
  t.strictSame((await call(app, ga, 'PUT', `/voicecall/${A}/phonehangup`)).json(), err('100-007', 'no phone to hang up'))
  t.strictSame(await drain(app, A, ga), [])
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/gethold?callid=${callid}`)).json(), SUCCESS)
})

t.test('answer, hold, gethold and release work with no body, whatever the Content-Type (Part B §18)', async (t) => {
  const { app, ga, gb } = await pair(t, { autoanswer: false })
  const callid = await dial(app, ga, A, B)
  await drain(app, A, ga)
  await drain(app, B, gb)
  const send = (method: 'PUT' | 'POST' | 'DELETE', path: string, headers: Record<string, string>) =>
    app.inject({ method, url: `/agentgateway/resource/voicecall/${path}`, headers: { guid: gb, ...headers }, payload: '' })
  t.strictSame((await send('PUT', `${B}/answer`, { 'content-type': 'application/json; charset=UTF-8' })).json(), SUCCESS)
  t.strictSame((await send('POST', `${B}/hold`, { 'content-type': 'text/plain' })).json(), SUCCESS)
  t.strictSame((await send('POST', `${B}/gethold?callid=${callid}`, {})).json(), SUCCESS)
  t.strictSame((await send('DELETE', `${B}/release`, { 'content-type': 'application/json' })).json(), SUCCESS)
  t.strictSame((await drain(app, B, gb)).map(e => e.eventType), [
    'AgentEvent_Talking', 'AgentEvent_Hold', 'AgentEvent_Talking', 'AgentEvent_Call_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'
  ])
})

t.test('a wrong verb on a call-control path answers 405 naming the right one', async (t) => {
  const { app, ga } = await pair(t)
  const res = await call(app, ga, 'PUT', `/voicecall/${A}/release`)
  t.equal(res.statusCode, 405)
  t.equal(res.headers.allow, 'DELETE')
  t.strictSame(res.json(), { message: 'PUT is not supported here; use DELETE', retcode: '000-002' })
  const hold = await call(app, ga, 'PUT', `/voicecall/${A}/hold`)
  t.equal(hold.statusCode, 405)
  t.equal(hold.headers.allow, 'POST')
})

t.test('an agent id out of range answers 000-002', async (t) => {
  const { app, ga } = await pair(t)
  for (const id of ['100', '0101', 'abc', '1000000']) {
    const res = await call(app, ga, 'PUT', `/voicecall/${id}/callinner`, { called: '9002' })
    t.equal(res.statusCode, 200, id)
    t.equal(res.json().retcode, '000-002', id)
  }
})

t.test('the other party hanging up a held call ends it for the holder', async (t) => {
  const { app, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, B)
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  await drain(app, A, ga)
  await drain(app, B, gb)
  await call(app, gb, 'DELETE', `/voicecall/${B}/release`)
  t.strictSame(await drain(app, A, ga), [customerRelease(A, callid, B), phoneRelease(A, 3), ready(A)])
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/gethold?callid=${callid}`)).json(), err('200-015', 'unhold: no held call'))
})

t.test('a talking agent cannot sign out (100-010); a forced sign-out releases the call for the other party', async (t) => {
  const { app, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, B)
  await drain(app, A, ga)
  await drain(app, B, gb)
  t.strictSame((await call(app, gb, 'DELETE', `/onlineagent/${B}/logout`)).json(), err('100-010', 'the agent state does not allow sign-out'))
  t.strictSame(await drain(app, A, ga), [], 'the call goes on')
  await call(app, gb, 'DELETE', `/onlineagent/${B}/forcelogout`)
  t.strictSame(await drain(app, A, ga), [customerRelease(A, callid, B), phoneRelease(A, 3), ready(A)])
  t.strictSame(await status(app, ga, A), state(4, false))
})
