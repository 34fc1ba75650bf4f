/**
 * Issue #13, the last call-control interfaces: `snatchpickup` (Part D §D2.3: an idle agent with the
 * pick-up right takes a call ringing at a colleague of its work group), video mute (a flag on the
 * talking connection of a voice call) and other agents' hold lists (`agentholdnum/{workno}`,
 * `holdlistex/{workno}`). Every stream asserted whole; each precondition's retcode; bad input.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { admin, build, call, drain, signIn, ev, busy, phoneAlerting, offhook, talking, customerRelease, phoneRelease, ready, callRelease } from '../helper.js'

const A = '1001' // picks up (pickup right, group 10)
const B = '1002' // group 10, answers by hand
const D = '1003' // group 10
const E = '1004' // group 20
const C = '13900001111'
const OK = { message: 'success', retcode: '0', result: {} }

interface Ctx { app: FastifyInstance, clock: ManualClock, g: Record<string, string> }

async function center (tt: Parameters<typeof build>[0]): Promise<Ctx> {
  const { app, clock } = await build(tt)
  const agents = [{ id: A, roles: ['pickup'], group: 10 }, { id: B, group: 10 }, { id: D, group: 10 }, { id: E, group: 20 }]
  const groups = [{ id: 10, name: 'front' }, { id: 20, name: 'back' }]
  const res = await admin(app, 'POST', '/__mock/scenarios', { name: 'pickup', extends: 'default', colleagues: [], agents, groups })
  if (res.statusCode >= 300) throw new Error(res.body)
  await admin(app, 'POST', '/__mock/scenarios/pickup/activate')
  const g: Record<string, string> = {}
  for (const id of [A, B, D, E]) g[id] = await signIn(app, id, { body: { password: '', phonenum: `7${id}`, autoanswer: id !== B && id !== E } })
  for (const id of [A, B, D, E]) await drain(app, id, g[id]!)
  return { app, clock, g }
}

const pick = async ({ app, g }: Ctx, query: string, who = A): Promise<unknown> =>
  (await call(app, g[who]!, 'PUT', `/voicecall/${who}/snatchpickup${query}`)).json()

t.test('snatchpickup of a customer ringing at a colleague: the picker rings, goes off-hook and talks; the colleague is released', async (t) => {
  const ctx = await center(t)
  const { app, g } = ctx
  const x = (await admin(app, 'POST', '/__mock/customers', { from: C, agent: B })).json().callid
  await drain(app, B, g[B]!)
  t.strictSame(await pick(ctx, `?destWorkNo=${B}`), OK)
  t.strictSame(await drain(app, A, g[A]!), [busy(A), phoneAlerting(A), offhook(A), talking(A, x, C, B, '0')])
  t.strictSame(await drain(app, B, g[B]!), [customerRelease(B, x, A), phoneRelease(B, 3), ready(B)], 'told who took the call; idle, not busy as after a ring-out')
  t.match((await admin(app, 'GET', `/__mock/calls/${x}`)).json(), { state: 'talking', legs: [{ agentId: A, state: 'talking' }] })
  t.equal((await admin(app, 'GET', `/__mock/calls/${x}`)).json().legs.length, 1)
  await admin(app, 'POST', `/__mock/calls/${x}/hangup`)
  t.strictSame(await drain(app, A, g[A]!), [customerRelease(A, x, C), phoneRelease(A, 3), ready(A)])
})

t.test('snatchpickup of a transfer ringing at a colleague: the transfer completes with the picker', async (t) => {
  const ctx = await center(t)
  const { app, g } = ctx
  const x = (await admin(app, 'POST', '/__mock/customers', { from: C, agent: D })).json().callid
  await drain(app, D, g[D]!)
  t.strictSame((await call(app, g[D]!, 'POST', `/voicecall/${D}/transfer`, { devicetype: 2, address: B, mode: 2 })).json(), OK)
  await drain(app, B, g[B]!)
  await drain(app, D, g[D]!)
  t.strictSame(await pick(ctx, `?destWorkNo=${B}`), OK)
  t.strictSame(await drain(app, A, g[A]!), [busy(A), phoneAlerting(A), offhook(A), talking(A, x, C, D, '0')])
  t.strictSame(await drain(app, D, g[D]!), [ev(D, 'AgentEvent_SuccTransResult', { result: 0, callId: x }), callRelease(D, x), phoneRelease(D, 2), ready(D)])
  t.strictSame(await drain(app, B, g[B]!), [customerRelease(B, x, A), phoneRelease(B, 3), ready(B)])
  t.match((await admin(app, 'GET', `/__mock/calls/${x}`)).json(), { state: 'talking', legs: [{ agentId: A, state: 'talking' }] })
})

t.test('snatchpickup refusals: 000-002 for bad input, 100-007 for every precondition, 100-006 not signed in; nothing changes', async (t) => {
  const ctx = await center(t)
  const { app, g } = ctx
  t.match(await pick(ctx, ''), { retcode: '000-002' }, 'destWorkNo is required')
  t.match(await pick(ctx, '?destWorkNo=abc'), { retcode: '000-002' })
  t.match(await pick(ctx, '?destWorkNo=99'), { retcode: '000-002' }, 'work numbers are 101–999999')
  t.match(await pick(ctx, `?destWorkNo=${A}`), { retcode: '000-002' }, 'not its own')
  t.match(await pick(ctx, `?destWorkNo=${B}`), { retcode: '100-007', message: `agent ${B} has no ringing call to pick up (internal calls cannot be)` })
  t.match(await pick(ctx, '?destWorkNo=1005'), { retcode: '100-007', message: 'agent 1005 has not signed in' })
  await admin(app, 'POST', '/__mock/customers', { from: C, agent: E })
  t.match(await pick(ctx, `?destWorkNo=${E}`), { retcode: '100-007', message: `agent ${E} is not in the work group of ${A}` })
  const x = (await admin(app, 'POST', '/__mock/customers', { from: C, agent: B })).json().callid
  t.match(await pick(ctx, `?destWorkNo=${B}`, D), { retcode: '100-007', message: `agent ${D} has no pick-up right` })
  await call(app, g[A]!, 'POST', `/onlineagent/${A}/saybusy`)
  t.match(await pick(ctx, `?destWorkNo=${B}`), { retcode: '100-007', message: `agent ${A} is not idle` })
  t.match((await admin(app, 'GET', `/__mock/calls/${x}`)).json(), { state: 'alerting', legs: [{ agentId: B, state: 'ringing' }] }, 'still ringing at B')
  // An internal call ringing at B cannot be picked up.
  await call(app, g[A]!, 'POST', `/onlineagent/${A}/cancelbusy`)
  await admin(app, 'POST', `/__mock/calls/${x}/hangup`)
  await call(app, g[D]!, 'PUT', `/voicecall/${D}/callinner`, { called: B })
  t.match(await pick(ctx, `?destWorkNo=${B}`), { retcode: '100-007' })
  t.match((await app.inject({ method: 'PUT', url: `/agentgateway/resource/voicecall/1005/snatchpickup?destWorkNo=${B}`, headers: { guid: g[A]! } })).json(), { retcode: /^(000-003|100-006)$/ })
})

t.test('beginmutevideo / endmutevideo: a flag of the talking connection, apart from the voice mute; the mute codes', async (t) => {
  const ctx = await center(t)
  const { app, g } = ctx
  const post = async (op: string): Promise<unknown> => (await call(app, g[A]!, 'POST', `/voicecall/${A}/${op}`)).json()
  t.match(await post('beginmutevideo'), { retcode: '200-003' }, 'no call')
  t.match(await post('endmutevideo'), { retcode: '200-007' })
  const x = (await admin(app, 'POST', '/__mock/customers', { from: C, agent: A })).json().callid
  await drain(app, A, g[A]!)
  t.strictSame(await post('beginmutevideo'), OK)
  t.match(await post('beginmutevideo'), { retcode: '200-004', message: 'the video is already muted' })
  const leg = async (): Promise<unknown> => (await admin(app, 'GET', `/__mock/calls/${x}`)).json().legs[0]
  t.match(await leg(), { agentId: A, muted: false, videoMuted: true })
  t.strictSame(await post('beginmute'), OK, 'the voice mute is another flag')
  t.strictSame(await post('endmutevideo'), OK)
  t.match(await post('endmutevideo'), { retcode: '200-008', message: 'the video is not muted' })
  t.notOk(Object.hasOwn(await leg() as object, 'videoMuted'))
  t.match(await leg(), { muted: true })
  await post('beginmutevideo')
  await post('hold')
  t.match(await post('endmutevideo'), { retcode: '200-007' }, 'holding: no talking call (as endmute)')
  t.strictSame(await drain(app, A, g[A]!), [ev(A, 'AgentEvent_Hold', x)], 'no mute event')
})

t.test('agentholdnum/{workno} and holdlistex/{workno}: another agent\'s held calls', async (t) => {
  const ctx = await center(t)
  const { app, g } = ctx
  const get = async (path: string): Promise<unknown> => (await call(app, g[A]!, 'GET', `/calldata/${A}/${path}`)).json()
  t.strictSame(await get(`agentholdnum/${D}`), { message: 'success', retcode: '0', result: 0 })
  t.match(await get(`holdlistex/${D}`), { retcode: '400-003' }, 'no held call')
  const x = (await admin(app, 'POST', '/__mock/customers', { from: C, agent: D })).json().callid
  await call(app, g[D]!, 'POST', `/voicecall/${D}/hold`)
  const y = (await call(app, g[D]!, 'PUT', `/voicecall/${D}/callinner`, { called: '9002' })).json().result
  ctx.clock.advance(0)
  await call(app, g[D]!, 'POST', `/voicecall/${D}/hold`)
  t.strictSame(await get(`agentholdnum/${D}`), { message: 'success', retcode: '0', result: 2 })
  const list = await get(`holdlistex/${D}`) as { retcode: string, result: Array<{ callid: string, caller: string }> }
  t.equal(list.retcode, '0')
  t.strictSame(list.result.map(c => [c.callid, c.caller]), [[x, C], [y, D]], 'newest last, in the callinfo shape')
  t.strictSame((await call(app, g[D]!, 'GET', `/calldata/${D}/holdlist`)).json(), list, 'the same as the agent\'s own holdlist')
  t.match(await get('agentholdnum/1005'), { retcode: '100-006', message: 'agent 1005 has not signed in' })
  t.match(await get('holdlistex/1005'), { retcode: '100-006' })
  t.match(await get('holdlistex/x1'), { retcode: '000-002' })
})
