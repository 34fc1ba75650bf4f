/**
 * The control API under /__mock (issue #5), part 2: calls. List and get (parties, state, callid,
 * feature, callappdata, timestamps), finished calls with ?all=true, and the far end of a call
 * driven by hand: answer, reject, hang up, hold, for simulated agents and external numbers.
 * Wrong state answers 409, unknown call ids 404.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { build, call, drain, signIn, type PolledEvent, admin, dial } from '../helper.js'

const T0 = Date.UTC(2026, 0, 1)
const A = '1001'

const err = (message: string): unknown => ({ message, retcode: '000-002' })
const ev = (eventType: string, content: unknown = null, workNo = A): PolledEvent => ({ eventType, workNo, content })

const NEVER_ANSWERS = { id: '9004', name: 'Never answers (rings until the ring timeout)', behaviour: 'noAnswer' }

/** Agent A signed in, its sign-in events drained, and a call placed to `called`. */
async function dialled (tt: Parameters<typeof build>[0], called: string, extra: Record<string, unknown> = {}, how: 'callinner' | 'callout' = 'callinner'): Promise<{ app: FastifyInstance, clock: ManualClock, guid: string, callid: string }> {
  const { app, clock } = await build(tt)
  const guid = await signIn(app, A)
  await drain(app, A, guid)
  return { app, clock, guid, callid: await dial(app, guid, A, { called, ...extra }, how) }
}

/** The caller's events from dialling until the far end rings. */
const dialling = (callid: string, called: string): PolledEvent[] => [
  ev('AgentOther_PhoneAlerting'),
  ev('AgentOther_PhoneOffhook', { type: 'main' }),
  ev('AgentState_Busy'),
  ev('AgentEvent_Customer_Alerting', { callid, otherPhoneWorkno: '', otherPhone: called, type: 'main' })
]

t.test('GET /__mock/calls and /__mock/calls/:callid', async (t) => {
  const { app, guid, callid } = await dialled(t, '9004', { callappdata: 'order=42', skillid: 2 })
  const view = {
    callid,
    feature: '6',
    internal: true,
    state: 'alerting',
    farHeld: false,
    callerAgent: A,
    caller: A,
    called: '9004',
    legs: [{ agentId: A, role: 'caller', state: 'dialing', muted: false }],
    dtmf: '',
    peer: NEVER_ANSWERS,
    callappdata: 'order=42',
    skillid: 2,
    beginTime: T0,
    answerTime: null,
    endTime: null
  }
  const list = await admin(app, 'GET', '/__mock/calls')
  t.equal(list.statusCode, 200)
  t.equal(list.headers['content-type'], 'application/json;charset=UTF-8')
  t.same(list.json(), { calls: [view] })
  const one = await admin(app, 'GET', `/__mock/calls/${callid}`)
  t.equal(one.statusCode, 200)
  t.same(one.json(), view)
  t.match(callid, /^\d+-\d+$/)
  t.same((await admin(app, 'GET', '/__mock/calls?all=true')).json(), { calls: [view] }, 'all=true: the active ones too')
  t.same(await drain(app, A, guid), dialling(callid, '9004'))

  t.test('404 for an unknown call id, 400 for an absurd one', async (t) => {
    const missing = await admin(app, 'GET', '/__mock/calls/1767225600-99')
    t.equal(missing.statusCode, 404)
    t.same(missing.json(), err('no call 1767225600-99'))
    const long = await admin(app, 'GET', `/__mock/calls/${'9'.repeat(65)}`)
    t.equal(long.statusCode, 400)
    t.same(long.json(), err('params callid must NOT have more than 64 characters'))
    const badAll = await admin(app, 'GET', '/__mock/calls?all=maybe')
    t.equal(badAll.statusCode, 400)
    t.same(badAll.json(), err('querystring all must be boolean'))
  })
})

t.test('timestamps, and finished calls with ?all=true', async (t) => {
  const { app, clock, guid, callid } = await dialled(t, '9001') // answers after 1 s
  clock.advance(1000)
  t.match((await admin(app, 'GET', `/__mock/calls/${callid}`)).json(), {
    state: 'talking',
    legs: [{ agentId: A, role: 'caller', state: 'talking' }],
    beginTime: T0,
    answerTime: T0 + 1000,
    endTime: null
  })
  clock.advance(500)
  await call(app, guid, 'DELETE', `/voicecall/${A}/release`)
  const ended = {
    callid,
    feature: '6',
    internal: true,
    state: 'released',
    farHeld: false,
    callerAgent: A,
    caller: A,
    called: '9001',
    legs: [{ agentId: A, role: 'caller', state: 'talking', muted: false }],
    dtmf: '',
    peer: { id: '9001', name: 'Answers after 1 s', behaviour: 'answer', afterMs: 1000 },
    callappdata: '',
    skillid: null,
    beginTime: T0,
    answerTime: T0 + 1000,
    endTime: T0 + 1500
  }
  t.same((await admin(app, 'GET', '/__mock/calls')).json(), { calls: [] }, 'no active call')
  t.same((await admin(app, 'GET', '/__mock/calls?all=false')).json(), { calls: [] })
  t.same((await admin(app, 'GET', '/__mock/calls?all=true')).json(), { calls: [ended] }, 'all=true includes finished calls')
  t.same((await admin(app, 'GET', `/__mock/calls/${callid}`)).json(), ended, 'a finished call can still be fetched')

  // An active and a finished call together: active first.
  const second = (await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9004' })).json().result as string
  t.same((await admin(app, 'GET', '/__mock/calls?all=true')).json().calls.map((c: { callid: string, state: string }) => [c.callid, c.state]),
    [[second, 'alerting'], [callid, 'released']])
})

t.test('POST /__mock/calls/:callid/answer: the far end answers a ringing call', async (t) => {
  const { app, guid, callid } = await dialled(t, '9004')
  await drain(app, A, guid)
  const res = await admin(app, 'POST', `/__mock/calls/${callid}/answer`)
  t.equal(res.statusCode, 200)
  t.match(res.json(), { callid, state: 'talking', answerTime: T0, legs: [{ agentId: A, state: 'talking' }], endTime: null })
  t.same(await drain(app, A, guid), [ev('AgentEvent_Talking', { caller: A, callid, called: '9004', feature: '6', type: 'main', mediaAbility: '1' })],
    'the caller polls AgentEvent_Talking')
  t.same((await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)).json(), { message: '', retcode: '0', result: { agentState: 7, isWorking: true } })

  const again = await admin(app, 'POST', `/__mock/calls/${callid}/answer`)
  t.equal(again.statusCode, 409, 'answering a talking call')
  t.same(again.json(), err(`call ${callid} is talking, not ringing`))
  const reject = await admin(app, 'POST', `/__mock/calls/${callid}/reject`)
  t.equal(reject.statusCode, 409, 'rejecting a talking call')
  t.same(reject.json(), err(`call ${callid} is talking, not ringing`))
  t.same(await drain(app, A, guid), [], 'neither changed anything')
})

t.test('the far end of a call-out to an external number', async (t) => {
  const { app, guid, callid } = await dialled(t, '5550102', {}, 'callout') // never answers
  t.match((await admin(app, 'GET', `/__mock/calls/${callid}`)).json(), {
    feature: '7',
    internal: false,
    caller: '10086',
    called: '5550102',
    state: 'alerting',
    peer: { number: '5550102', behaviour: 'noAnswer' }
  })
  await drain(app, A, guid)
  t.equal((await admin(app, 'POST', `/__mock/calls/${callid}/answer`)).statusCode, 200)
  t.same(await drain(app, A, guid), [ev('AgentEvent_Talking', { caller: '10086', callid, called: '5550102', feature: '7', type: 'main', mediaAbility: '1' })])
  t.equal((await admin(app, 'POST', `/__mock/calls/${callid}/hangup`)).statusCode, 200)
  t.same(await drain(app, A, guid), [
    ev('AgentEvent_Customer_Release', { callid, number: '5550102' }),
    ev('AgentOther_PhoneRelease', { phoneState: 3 }),
    ev('AgentState_Ready')
  ])
})

t.test('POST /__mock/calls/:callid/reject: the far end rejects a ringing call', async (t) => {
  const { app, guid, callid } = await dialled(t, '9004')
  await drain(app, A, guid)
  const res = await admin(app, 'POST', `/__mock/calls/${callid}/reject`)
  t.equal(res.statusCode, 200)
  t.match(res.json(), { callid, state: 'released', answerTime: null, endTime: T0 })
  t.same(await drain(app, A, guid), [
    ev('AgentEvent_Inside_Call_Fail', callid),
    ev('AgentOther_PhoneRelease', { phoneState: 3 }),
    ev('AgentState_Ready')
  ], 'the caller polls AgentEvent_Inside_Call_Fail')
  t.same((await admin(app, 'GET', '/__mock/calls')).json(), { calls: [] })

  for (const action of ['answer', 'reject', 'hangup', 'hold']) {
    const r = await admin(app, 'POST', `/__mock/calls/${callid}/${action}`)
    t.equal(r.statusCode, 409, `${action} on an ended call`)
    t.same(r.json(), err(`call ${callid} has ended`))
  }
})

t.test('POST /__mock/calls/:callid/hangup', async (t) => {
  t.test('of a talking call: the agent polls Customer_Release', async (t) => {
    const { app, clock, guid, callid } = await dialled(t, '9001')
    clock.advance(1000)
    await drain(app, A, guid)
    clock.advance(2000)
    const res = await admin(app, 'POST', `/__mock/calls/${callid}/hangup`)
    t.equal(res.statusCode, 200)
    t.match(res.json(), { callid, state: 'released', answerTime: T0 + 1000, endTime: T0 + 3000 })
    t.same(await drain(app, A, guid), [
      ev('AgentEvent_Customer_Release', { callid, number: '9001' }),
      ev('AgentOther_PhoneRelease', { phoneState: 3 }),
      ev('AgentState_Ready')
    ])
    t.same((await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)).json(), { message: '', retcode: '0', result: { agentState: 4, isWorking: false } })
  })

  t.test('of a ringing call: the call fails for the caller', async (t) => {
    const { app, guid, callid } = await dialled(t, '9004')
    await drain(app, A, guid)
    t.equal((await admin(app, 'POST', `/__mock/calls/${callid}/hangup`)).statusCode, 200)
    t.same(await drain(app, A, guid), [
      ev('AgentEvent_Inside_Call_Fail', callid),
      ev('AgentOther_PhoneRelease', { phoneState: 3 }),
      ev('AgentState_Ready')
    ])
  })
})

t.test('POST /__mock/calls/:callid/hold: the far end holds (no agent event)', async (t) => {
  const { app, guid, callid } = await dialled(t, '9004')
  const ringing = await admin(app, 'POST', `/__mock/calls/${callid}/hold`)
  t.equal(ringing.statusCode, 409, 'a ringing call cannot be held')
  t.same(ringing.json(), err(`call ${callid} is alerting, not talking`))

  await admin(app, 'POST', `/__mock/calls/${callid}/answer`)
  await drain(app, A, guid)
  const res = await admin(app, 'POST', `/__mock/calls/${callid}/hold`)
  t.equal(res.statusCode, 200)
  t.match(res.json(), { callid, state: 'talking', farHeld: true })
  t.match((await admin(app, 'GET', `/__mock/calls/${callid}`)).json(), { farHeld: true })
  t.same(await drain(app, A, guid), [], 'the gateway has no event for it')
  t.same((await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)).json().result, { agentState: 7, isWorking: true })

  // Judgement call (current behaviour): hold toggles, so a second hold takes the call off hold.
  t.match((await admin(app, 'POST', `/__mock/calls/${callid}/hold`)).json(), { farHeld: false })
})

t.test('unknown call ids: 404 for every far-end action', async (t) => {
  const { app } = await build(t)
  for (const action of ['answer', 'reject', 'hangup', 'hold']) {
    const r = await admin(app, 'POST', `/__mock/calls/nosuchcall/${action}`)
    t.equal(r.statusCode, 404, action)
    t.same(r.json(), err('no call nosuchcall'), action)
  }
})

t.test('GET /__mock/calls pages: offset and limit (at most 1000)', async (t) => {
  const { app } = await build(t)
  const ids: string[] = []
  for (const agent of ['1001', '1002', '1003']) {
    const g = await signIn(app, agent)
    ids.push((await call(app, g, 'PUT', `/voicecall/${agent}/callout`, { called: '5550102' })).json().result)
  }
  const page = async (q: string): Promise<string[]> => (await admin(app, 'GET', `/__mock/calls${q}`)).json().calls.map((c: { callid: string }) => c.callid)
  t.same(await page(''), ids)
  t.same(await page('?limit=2'), ids.slice(0, 2))
  t.same(await page('?offset=2&limit=2'), ids.slice(2))
  t.equal((await admin(app, 'GET', '/__mock/calls?limit=1001')).statusCode, 400)
})
