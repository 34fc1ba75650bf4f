/**
 * Several calls at one phone, mute and DTMF (issue #13, Part D §D2.3–§D2.5): hold lists,
 * connecthold (the agent hands its held customer to the party of its active call), dropcall,
 * beginmute / endmute (no event, reset by hold) and seconddial / seconddialex (digits recorded on
 * the call, shown by the control API). A customer of POST /__mock/customers is a party like any.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { admin, build, call, drain, signIn, ev, busy, phoneAlerting, offhook, talking, customerRelease, phoneRelease, ready, callRelease, customerAlerting, dial } from '../helper.js'

const A = '1001'
const B = '1002'
const CUSTOMER = '13900001111'
const OK = { message: 'success', retcode: '0', result: {} }
const err = (retcode: string): unknown => ({ retcode })

async function center (tt: Parameters<typeof build>[0]): Promise<{ app: FastifyInstance, ga: string, gb: string }> {
  const { app } = await build(tt)
  await admin(app, 'POST', '/__mock/scenarios', { name: 'no-colleagues', extends: 'default', colleagues: [] })
  await admin(app, 'POST', '/__mock/scenarios/no-colleagues/activate')
  const ga = await signIn(app, A, { body: { password: '', phonenum: `7${A}` } })
  await drain(app, A, ga)
  return { app, ga, gb: '' }
}

async function customer (app: FastifyInstance, agent = A): Promise<string> {
  const res = await admin(app, 'POST', '/__mock/customers', { from: CUSTOMER, agent })
  if (res.statusCode !== 200) throw new Error(`customer call refused: ${res.body}`)
  return res.json().callid
}

t.test('customer held, consult B, connecthold: A leaves both calls, B talks with the customer on the same callid', async (t) => {
  const { app, ga } = await center(t)
  const gb = await signIn(app, B, { body: { password: '', phonenum: `7${B}` } })
  await drain(app, B, gb)
  const x = await customer(app)
  await drain(app, A, ga)
  t.match((await call(app, ga, 'GET', `/calldata/${A}/holdlist`)).json(), { retcode: '400-003', message: 'call data: no held call' }, 'no held call yet')

  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/hold`)).json(), OK)
  const list = (await call(app, ga, 'GET', `/calldata/${A}/holdlist`)).json()
  t.match(list, { retcode: '0', result: [{ callid: x, caller: CUSTOMER, called: A, callfeature: 0 }] })
  t.equal(list.result.length, 1)
  const y = await dial(app, ga, A, B)
  await drain(app, A, ga)
  await drain(app, B, gb)

  t.match((await call(app, ga, 'POST', `/voicecall/${A}/connecthold/nope`)).json(), err('200-006'), 'no held call of that id')
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/connecthold/${x}`)).json(), OK)
  t.strictSame(await drain(app, A, ga), [callRelease(A, y), callRelease(A, x), phoneRelease(A, 2), ready(A)])
  t.strictSame(await drain(app, B, gb), [talking(B, x, CUSTOMER, A, '0')], 'B now talks on the customer\'s call')
  const view = (await admin(app, 'GET', `/__mock/calls/${x}`)).json()
  t.match(view, { callid: x, state: 'talking', legs: [{ agentId: B, state: 'talking' }] })
  t.equal(view.legs.length, 1, 'A is no longer a party')
  t.equal((await admin(app, 'GET', `/__mock/calls/${y}`)).json().state, 'released')

  await admin(app, 'POST', `/__mock/calls/${x}/hangup`)
  t.strictSame(await drain(app, B, gb), [customerRelease(B, x, CUSTOMER), phoneRelease(B, 3), ready(B)])
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/connecthold/${x}`)).json(), err('200-006'))
})

t.test('connecthold needs a talking active call besides the held one', async (t) => {
  const { app, ga } = await center(t)
  const x = await customer(app)
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  await drain(app, A, ga)
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/connecthold/${x}`)).json(), err('200-005'))
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/connecthold/${'9'.repeat(65)}`)).json(), err('000-002'), 'an over-long callid')
})

t.test('several held calls: holdlist lists each, dropcall ends a held one, 200-025 for a call the agent is not in', async (t) => {
  const { app, ga } = await center(t)
  const x = await customer(app)
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  const out = (await call(app, ga, 'PUT', `/voicecall/${A}/callout`, { called: '88880001' })).json().result
  await admin(app, 'POST', `/__mock/calls/${out}/answer`)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/hold`)).json(), OK, 'a second call held')
  await drain(app, A, ga)
  const held = (await call(app, ga, 'GET', `/calldata/${A}/holdlist`)).json().result as Array<{ callid: string }>
  t.strictSame(held.map(h => h.callid), [x, out], 'oldest first')

  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/dropcall/nope`, { callid: 'nope' })).json(), { message: 'no call can be droped', retcode: '200-025' })
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/dropcall/${out}`)).json(), OK, 'a held call dropped')
  t.strictSame(await drain(app, A, ga), [callRelease(A, out)], 'the phone stays off-hook: the customer is still held')
  t.strictSame((await call(app, ga, 'GET', `/calldata/${A}/holdlist`)).json().result.map((h: { callid: string }) => h.callid), [x])
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/dropcall/${x}`)).json(), OK)
  t.strictSame(await drain(app, A, ga), [callRelease(A, x), phoneRelease(A, 2), ready(A)])
  t.match((await call(app, ga, 'GET', `/calldata/${A}/holdlist`)).json(), err('400-003'))
})

t.test('beginmute / endmute: no event, the state on the connection, reset by hold; the documented codes', async (t) => {
  const { app, ga } = await center(t)
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/beginmute`)).json(), { retcode: '200-003', message: 'mute: no call' })
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/endmute`)).json(), { retcode: '200-007', message: 'unmute: no call' })
  const x = await customer(app)
  await drain(app, A, ga)
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/endmute`)).json(), err('200-008'), 'not muted')
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/beginmute`)).json(), OK)
  t.match((await admin(app, 'GET', `/__mock/calls/${x}`)).json(), { legs: [{ agentId: A, muted: true }] })
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/beginmute`)).json(), err('200-004'), 'already muted')
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/endmute`)).json(), OK)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/beginmute`)).json(), OK)
  t.strictSame(await drain(app, A, ga), [], 'mute sends no event')
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/beginmute`)).json(), err('200-003'), 'a held call cannot be muted')
  await call(app, ga, 'POST', `/voicecall/${A}/gethold`)
  t.match((await admin(app, 'GET', `/__mock/calls/${x}`)).json(), { legs: [{ agentId: A, muted: false }] }, 'hold ended the mute')
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/endmute`)).json(), err('200-008'))
})

t.test('seconddialex / seconddial: DTMF digits recorded on the call and shown by the control API', async (t) => {
  const { app, ga } = await center(t)
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/seconddialex?number=1`)).json(), err('100-007'), 'no call')
  const x = await customer(app)
  await drain(app, A, ga)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/seconddialex?number=${encodeURIComponent('12*#')}`)).json(), OK)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/seconddial/34`)).json(), OK)
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/seconddialex?number=12a`)).json(), err('000-002'))
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/seconddialex?number=${'1'.repeat(25)}`)).json(), err('000-002'))
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/seconddialex`)).json(), err('000-002'), 'number is required')
  t.strictSame(await drain(app, A, ga), [], 'DTMF sends no event')
  t.equal((await admin(app, 'GET', `/__mock/calls/${x}`)).json().dtmf, '12*#34')
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/seconddial/5`)).json(), err('100-007'), 'not on a held call')
})

t.test('an internal call: the events of a consultation, then dropcall of the active call', async (t) => {
  const { app, ga } = await center(t)
  const gb = await signIn(app, B, { body: { password: '', phonenum: `7${B}` } })
  await drain(app, B, gb)
  const y = await dial(app, ga, A, B)
  t.strictSame((await drain(app, A, ga)).slice(-2), [customerAlerting(A, y, B), talking(A, y, A, B)])
  t.strictSame(await drain(app, B, gb), [busy(B), phoneAlerting(B), offhook(B),
    ev(B, 'AgentEvent_Auto_Answer', { caller: `a${A}`, transfer: 'no', callid: y, transfrom: '', called: B, type: 'main', mediaAbility: '1', feature: '6', mediaType: 5 }), talking(B, y, A, B)])
  t.strictSame((await call(app, gb, 'POST', `/voicecall/${B}/dropcall/${y}`)).json(), OK)
  t.strictSame(await drain(app, B, gb), [callRelease(B, y), phoneRelease(B, 2), ready(B)])
  t.strictSame(await drain(app, A, ga), [customerRelease(A, y, B), phoneRelease(A, 3), ready(A)])
})
