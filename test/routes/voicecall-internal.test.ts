/**
 * Internal calls that connect (issue #3, seed callinner, spec Part C §6): agent to agent with
 * manual and automatic answer, to simulated colleagues, release from either side (also the
 * legacy DELETE voicecall/{id}), wrap-up and always-off-hook agents, agentstatus along the way
 * and the shape of call ids. Every test asserts each agent's whole event stream in order.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { build, call, drain, signIn, type PolledEvent, ev, phoneAlerting, offhook, phoneRelease, busy, ready, customerAlerting, talking, callRelease, customerRelease, dial } from '../helper.js'

const A = '1001'
const B = '1002'
const SUCCESS = { message: 'success', retcode: '0', result: {} }

/** What the caller sees from callinner until the far end rings. */
const dialling = (w: string, callid: string, called: string): PolledEvent[] =>
  [phoneAlerting(w), offhook(w), busy(w), customerAlerting(w, callid, called)]

interface Ctx { app: FastifyInstance, clock: ManualClock, ga: string, gb: string }

/** A and B signed in (B with extra sign-in fields), sign-in events drained. */
async function pair (tt: Parameters<typeof build>[0], bBody: Record<string, unknown> = {}, aBody: Record<string, unknown> = {}): Promise<Ctx> {
  const { app, clock } = await build(tt)
  const ga = await signIn(app, A, { body: { password: '', phonenum: `7${A}`, ...aBody } })
  const gb = await signIn(app, B, { body: { password: '', phonenum: `7${B}`, ...bBody } })
  await drain(app, A, ga)
  await drain(app, B, gb)
  return { app, clock, ga, gb }
}

async function status (app: FastifyInstance, guid: string, id: string): Promise<unknown> {
  return (await call(app, guid, 'GET', `/onlineagent/${id}/agentstatus`)).json()
}
const state = (agentState: number, isWorking: boolean): unknown => ({ message: '', retcode: '0', result: { agentState, isWorking } })

t.test('agent A calls agent B, who answers by hand', async (t) => {
  const { app, ga, gb } = await pair(t, { autoanswer: false })

  const res = await call(app, ga, 'PUT', `/voicecall/${A}/callinner`, { called: B })
  const body = res.json()
  t.equal(res.statusCode, 200)
  t.same(Object.keys(body), ['message', 'retcode', 'result'])
  t.equal(body.message, '')
  t.equal(body.retcode, '0')
  const callid: string = body.result
  t.type(callid, 'string', 'the result is the callid string')

  t.strictSame(await drain(app, A, ga), dialling(A, callid, B), 'A: PhoneAlerting, PhoneOffhook, Busy, Customer_Alerting')
  const bSide = await drain(app, B, gb)
  t.strictSame(bSide, [
    busy(B),
    phoneAlerting(B),
    offhook(B),
    ev(B, 'AgentEvent_Ringing', {
      caller: `a${A}`,
      transfer: 'no',
      callid,
      transfrom: '',
      called: B,
      type: 'main',
      mediaAbility: '1',
      feature: '6',
      mediaType: '5'
    })
  ], 'B: pre-occupied, then its phone rings, goes off-hook, and the call is offered')
  t.strictSame(Object.keys(bSide[3]!.content as object),
    ['caller', 'transfer', 'callid', 'transfrom', 'called', 'type', 'mediaAbility', 'feature', 'mediaType'], 'Ringing keys in the documented order')
  t.strictSame(await drain(app, A, ga), [], 'nothing more for A while B rings')

  t.strictSame((await call(app, gb, 'PUT', `/voicecall/${B}/answer`)).json(), SUCCESS)
  const aTalk = await drain(app, A, ga)
  t.strictSame(aTalk, [talking(A, callid, A, B)], 'A: Talking once B answers')
  t.strictSame(Object.keys(aTalk[0]!.content as object), ['caller', 'callid', 'called', 'feature', 'type', 'mediaAbility'])
  t.strictSame(await drain(app, B, gb), [talking(B, callid, A, B)], 'B: Talking after answer')
})

t.test('answer may name the ringing call with ?callid=, and a wrong callid answers 200-002', async (t) => {
  const { app, ga, gb } = await pair(t, { autoanswer: false })
  const callid = await dial(app, ga, A, { called: B })
  await drain(app, A, ga)
  await drain(app, B, gb)

  t.strictSame((await call(app, gb, 'PUT', `/voicecall/${B}/answer?callid=1-1`)).json(), { message: 'no call to answer', retcode: '200-002' })
  t.strictSame(await drain(app, B, gb), [], 'a refused answer sends nothing')
  t.strictSame((await call(app, gb, 'PUT', `/voicecall/${B}/answer?callid=${callid}`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [talking(A, callid, A, B)])
  t.strictSame(await drain(app, B, gb), [talking(B, callid, A, B)])
})

t.test('agent B with autoanswer on (the default) gets Auto_Answer, then Talking at once', async (t) => {
  const { app, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, { called: B })

  t.strictSame(await drain(app, A, ga), [...dialling(A, callid, B), talking(A, callid, A, B)])
  const bSide = await drain(app, B, gb)
  t.strictSame(bSide, [
    busy(B),
    phoneAlerting(B),
    offhook(B),
    ev(B, 'AgentEvent_Auto_Answer', {
      caller: `a${A}`,
      transfer: 'no',
      callid,
      transfrom: '',
      called: B,
      type: 'main',
      mediaAbility: '1',
      feature: '6',
      mediaType: 5
    }),
    talking(B, callid, A, B)
  ])
  t.equal((bSide[3]!.content as { mediaType: unknown }).mediaType, 5, 'Auto_Answer mediaType is a number (Part C §1)')
})

t.test('simulated agent 9001 answers after 1 s', async (t) => {
  const { app, clock, ga } = await pair(t)
  const callid = await dial(app, ga, A, { called: '9001' })
  t.strictSame(await drain(app, A, ga), dialling(A, callid, '9001'))
  clock.advance(999)
  t.strictSame(await drain(app, A, ga), [], 'still ringing at 999 ms')
  t.strictSame(await status(app, ga, A), state(7, false), 'ringing: agentState 7, not working yet')
  clock.advance(1)
  t.strictSame(await drain(app, A, ga), [talking(A, callid, A, '9001')])
  t.strictSame(await status(app, ga, A), state(7, true))
})

t.test('simulated agent 9002 answers at once', async (t) => {
  const { app, clock, ga } = await pair(t)
  const callid = await dial(app, ga, A, { called: '9002' })
  t.strictSame(await drain(app, A, ga), dialling(A, callid, '9002'))
  clock.advance(0)
  t.strictSame(await drain(app, A, ga), [talking(A, callid, A, '9002')], 'Talking as soon as the clock runs the answer')
})

t.test('simulated agent 9007 answers after 1 s and hangs up 5 s later', async (t) => {
  const { app, clock, ga } = await pair(t)
  const callid = await dial(app, ga, A, { called: '9007' })
  t.strictSame(await drain(app, A, ga), dialling(A, callid, '9007'))
  clock.advance(1000)
  t.strictSame(await drain(app, A, ga), [talking(A, callid, A, '9007')])
  clock.advance(4999)
  t.strictSame(await drain(app, A, ga), [], 'still talking 4999 ms after the answer')
  clock.advance(1)
  t.strictSame(await drain(app, A, ga), [
    customerRelease(A, callid, '9007'),
    phoneRelease(A, 3),
    ready(A)
  ], 'the far end hung up: Customer_Release, PhoneRelease (platform), Ready')
  t.strictSame(await status(app, ga, A), state(4, false))
})

t.test('A releases a connected call: each side gets its release events and goes idle', async (t) => {
  const { app, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, { called: B })
  await drain(app, A, ga)
  await drain(app, B, gb)

  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [callRelease(A, callid), phoneRelease(A, 2), ready(A)])
  t.strictSame(await drain(app, B, gb), [customerRelease(B, callid, A), phoneRelease(B, 3), ready(B)])
  t.strictSame(await status(app, ga, A), state(4, false))
  t.strictSame(await status(app, gb, B), state(4, false))
})

t.test('B releases a connected call: the mirror image', async (t) => {
  const { app, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, { called: B })
  await drain(app, A, ga)
  await drain(app, B, gb)

  t.strictSame((await call(app, gb, 'DELETE', `/voicecall/${B}/release`)).json(), SUCCESS)
  t.strictSame(await drain(app, B, gb), [callRelease(B, callid), phoneRelease(B, 2), ready(B)])
  t.strictSame(await drain(app, A, ga), [customerRelease(A, callid, B), phoneRelease(A, 3), ready(A)])
})

t.test('the legacy DELETE voicecall/{id} releases like DELETE voicecall/{id}/release', async (t) => {
  const { app, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, { called: B })
  await drain(app, A, ga)
  await drain(app, B, gb)

  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [callRelease(A, callid), phoneRelease(A, 2), ready(A)])
  t.strictSame(await drain(app, B, gb), [customerRelease(B, callid, A), phoneRelease(B, 3), ready(B)])
  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}`)).json(), { message: 'release: no call', retcode: '200-017' },
    'nothing left to release')
})

t.test('A releasing a simulated call gets Call_Release, PhoneRelease and Ready', async (t) => {
  const { app, clock, ga } = await pair(t)
  const callid = await dial(app, ga, A, { called: '9001' })
  clock.advance(1000)
  await drain(app, A, ga)
  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [callRelease(A, callid), phoneRelease(A, 2), ready(A)])
})

t.test('with autoenteridle false both sides enter wrap-up (AgentState_Work, agentState 5) after the call', async (t) => {
  const { app, ga, gb } = await pair(t, { autoenteridle: false }, { autoenteridle: false })
  const callid = await dial(app, ga, A, { called: B })
  await drain(app, A, ga)
  await drain(app, B, gb)

  await call(app, ga, 'DELETE', `/voicecall/${A}/release`)
  t.strictSame(await drain(app, A, ga), [callRelease(A, callid), phoneRelease(A, 2), ev(A, 'AgentState_Work')])
  t.strictSame(await drain(app, B, gb), [customerRelease(B, callid, A), phoneRelease(B, 3), ev(B, 'AgentState_Work')])
  t.strictSame(await status(app, ga, A), state(5, false))
  t.strictSame(await status(app, gb, B), state(5, false))
})

t.test('a call that never connected leaves an autoenteridle-false agent idle, not in wrap-up', async (t) => {
  // Judgement call of the mock: wrap-up follows a connected call only.
  const { app, ga } = await pair(t, {}, { autoenteridle: false })
  const callid = await dial(app, ga, A, { called: '9003' })
  t.strictSame(await drain(app, A, ga), [
    phoneAlerting(A), offhook(A), busy(A),
    ev(A, 'AgentEvent_Inside_Call_Fail', callid), phoneRelease(A, 3), ready(A)
  ])
  t.strictSame(await status(app, ga, A), state(4, false))
})

t.test('with releasephone false the phone stays off-hook: no PhoneRelease, and no PhoneAlerting or PhoneOffhook on the next call', async (t) => {
  const { app, ga, gb } = await pair(t, { releasephone: false }, { releasephone: false })

  const first = await dial(app, ga, A, { called: B })
  t.strictSame(await drain(app, A, ga), [...dialling(A, first, B), talking(A, first, A, B)], 'first call: the phone starts on-hook')
  t.strictSame((await drain(app, B, gb)).map(e => e.eventType),
    ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentEvent_Auto_Answer', 'AgentEvent_Talking'])
  await call(app, ga, 'DELETE', `/voicecall/${A}/release`)
  t.strictSame(await drain(app, A, ga), [callRelease(A, first), ready(A)], 'no PhoneRelease for A')
  t.strictSame(await drain(app, B, gb), [customerRelease(B, first, A), ready(B)], 'no PhoneRelease for B')

  const second = await dial(app, ga, A, { called: B })
  t.strictSame(await drain(app, A, ga), [busy(A), customerAlerting(A, second, B), talking(A, second, A, B)])
  t.strictSame((await drain(app, B, gb)).map(e => e.eventType), ['AgentState_Busy', 'AgentEvent_Auto_Answer', 'AgentEvent_Talking'])
})

t.test('agentstatus: 7 and not working while ringing, 7 and working while talking, 4 after release', async (t) => {
  const { app, ga, gb } = await pair(t, { autoanswer: false })
  t.strictSame(await status(app, ga, A), state(4, false), 'idle before the call')
  await dial(app, ga, A, { called: B })
  t.strictSame(await status(app, ga, A), state(7, false), 'caller while B rings')
  t.strictSame(await status(app, gb, B), state(7, false), 'called agent while ringing')
  await call(app, gb, 'PUT', `/voicecall/${B}/answer`)
  t.strictSame(await status(app, ga, A), state(7, true), 'caller talking')
  t.strictSame(await status(app, gb, B), state(7, true), 'called agent talking')
  await call(app, gb, 'DELETE', `/voicecall/${B}/release`)
  t.strictSame(await status(app, ga, A), state(4, false))
  t.strictSame(await status(app, gb, B), state(4, false))
})

t.test('call ids look like <unix-seconds>-<sequence> and are unique', async (t) => {
  const { app, clock, ga } = await pair(t)
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    const seconds = Math.floor(clock.now() / 1000)
    const callid = await dial(app, ga, A, { called: '9002' })
    t.match(callid, /^\d{10}-\d+$/)
    t.equal(callid.split('-')[0], String(seconds), 'the first part is the unix time in seconds')
    ids.push(callid)
    clock.advance(700)
    await call(app, ga, 'DELETE', `/voicecall/${A}/release`)
    await drain(app, A, ga)
  }
  t.equal(new Set(ids).size, ids.length, 'no call id repeats')
  const sequences = ids.map(id => Number(id.split('-')[1]))
  t.ok(sequences.every((s, i) => i === 0 || s > sequences[i - 1]!), 'the sequence increases')
  t.ok(Number(ids[4]!.split('-')[0]) > Number(ids[0]!.split('-')[0]), 'the seconds part follows the clock')
})

t.test('the calling agent can hang up while the far end still rings: Call_Out_Fail, Connect_Fail, PhoneRelease (Part C §6 step 3)', async (t) => {
  const { app, ga, gb } = await pair(t, { autoanswer: false })
  const callid = await dial(app, ga, A, { called: B })
  await drain(app, A, ga)
  await drain(app, B, gb)
  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json(), SUCCESS)
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentEvent_Call_Out_Fail', callid), ev(A, 'AgentEvent_Connect_Fail', callid), phoneRelease(A, 2), ready(A)])
  t.strictSame(await drain(app, B, gb), [customerRelease(B, callid, A), phoneRelease(B, 3), ready(B)])
  t.strictSame((await call(app, gb, 'PUT', `/voicecall/${B}/answer`)).json(), { message: 'no call to answer', retcode: '200-002' })
})

t.test('a real agent signed in with a simulated agent\'s id wins over the simulated one', async (t) => {
  const { app, clock, ga } = await pair(t)
  const g9001 = await signIn(app, '9001', { body: { password: '', phonenum: '79001', autoanswer: false } })
  await drain(app, '9001', g9001)
  const callid = await dial(app, ga, A, { called: '9001' })
  clock.advance(1000)
  t.strictSame(await drain(app, A, ga), dialling(A, callid, '9001'), 'no simulated answer after 1 s')
  t.strictSame((await drain(app, '9001', g9001)).map(e => e.eventType),
    ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentEvent_Ringing'])
})

t.test('releasing before a simulated far end hangs up cancels its hang-up', async (t) => {
  const { app, clock, ga } = await pair(t)
  const callid = await dial(app, ga, A, { called: '9007' })
  clock.advance(2000)
  await call(app, ga, 'DELETE', `/voicecall/${A}/release`)
  t.strictSame(await drain(app, A, ga), [...dialling(A, callid, '9007'), talking(A, callid, A, '9007'), callRelease(A, callid), phoneRelease(A, 2), ready(A)])
  clock.advance(10000)
  t.strictSame(await drain(app, A, ga), [], 'nothing when the far end\'s hang-up would have come')
})
