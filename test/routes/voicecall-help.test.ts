/**
 * Internal help, conference and dropping one party (issue #13, Part D §D2.2, §D2.3) with a customer
 * of POST /__mock/customers: two-party help then confjoin then one party dropped, three-party help,
 * fetch back, Consult_Fail, and the documented retcodes. Every stream asserted whole.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { admin, build, call, drain, signIn, ev, busy, phoneAlerting, offhook, talking, customerRelease, phoneRelease, ready, callRelease, customerAlerting, type PolledEvent } from '../helper.js'

const A = '1001'
const B = '1002'
const C = '13900001111'
const OK = { message: 'success', retcode: '0', result: {} }

interface Ctx { app: FastifyInstance, ga: string, gb: string, x: string }

/** A and B signed in, a customer talking with A on x. */
async function setup (tt: Parameters<typeof build>[0]): Promise<Ctx> {
  const { app } = await build(tt)
  await admin(app, 'POST', '/__mock/scenarios', { name: 'no-colleagues', extends: 'default', colleagues: [] })
  await admin(app, 'POST', '/__mock/scenarios/no-colleagues/activate')
  const ga = await signIn(app, A, { body: { password: '', phonenum: `7${A}` } })
  const gb = await signIn(app, B, { body: { password: '', phonenum: `7${B}` } })
  const x = (await admin(app, 'POST', '/__mock/customers', { from: C, agent: A })).json().callid
  await drain(app, A, ga)
  await drain(app, B, gb)
  return { app, ga, gb, x }
}

async function help (ctx: Ctx, body: Record<string, unknown>): Promise<{ message: string, retcode: string, result?: string }> {
  return (await call(ctx.app, ctx.ga, 'POST', `/voicecall/${A}/innerhelp`, body)).json()
}

const helperAnswers = (y: string, feature: string): PolledEvent[] => [busy(B), phoneAlerting(B), offhook(B),
  ev(B, 'AgentEvent_Auto_Answer', { caller: `a${A}`, transfer: 'no', callid: y, transfrom: '', called: B, type: 'main', mediaAbility: '1', feature, mediaType: 5 }),
  talking(B, y, A, B, feature)]

t.test('two-party help, then confjoin (a conference), then one party dropped with disconnect, then the customer hangs up', async (t) => {
  const ctx = await setup(t)
  const { app, ga, gb, x } = ctx
  const res = await help(ctx, { dstaddress: B })
  t.match(res, { message: '', retcode: '0', result: /^\d+-\d+$/ }, 'the help call\'s callid')
  const y = res.result!
  t.not(y, x)
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentEvent_Hold', x), customerAlerting(A, y, B), talking(A, y, A, B, '51')])
  t.strictSame(await drain(app, B, gb), helperAnswers(y, '51'))

  t.match((await call(app, ga, 'POST', `/voicecall/${A}/confjoin`, { callid: 'nope' })).json(), { retcode: '200-011' })
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/confjoin`, { callid: x, callappdata: '' })).json(), OK)
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentEvent_Conference', { callid: x, partner: `${C},${B}` })])
  t.strictSame(await drain(app, B, gb), [talking(B, x, C, A, '0')], 'B is now on the customer\'s call')
  const conf = (await admin(app, 'GET', `/__mock/calls/${x}`)).json()
  t.strictSame(conf.legs.map((l: { agentId: string, state: string }) => [l.agentId, l.state]), [[A, 'talking'], [B, 'talking']])
  t.equal((await admin(app, 'GET', `/__mock/calls/${y}`)).json().state, 'released')

  t.match((await call(app, ga, 'POST', `/voicecall/${A}/disconnect/4444`)).json(), { retcode: '200-024' })
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/disconnect/${B}`)).json(), OK)
  t.strictSame(await drain(app, B, gb), [customerRelease(B, x, C), phoneRelease(B, 3), ready(B)])
  t.strictSame(await drain(app, A, ga), [customerRelease(A, x, B)], 'A is told who left and talks on with the customer')
  await admin(app, 'POST', `/__mock/calls/${x}/hangup`)
  t.strictSame(await drain(app, A, ga), [customerRelease(A, x, C), phoneRelease(A, 3), ready(A)])
})

t.test('three-party help: Conference with the help call\'s callid and the helper second; the helper leaves by itself', async (t) => {
  const ctx = await setup(t)
  const { app, ga, gb, x } = ctx
  const y = (await help(ctx, { dstaddress: B, devicetype: '2', mode: '2' })).result!
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentEvent_Hold', x), customerAlerting(A, y, B), talking(A, y, A, B, '52'),
    ev(A, 'AgentEvent_Conference', { callid: y, partner: `${C},${B}` })])
  t.strictSame(await drain(app, B, gb), [...helperAnswers(y, '52'), talking(B, x, C, A, '0')])
  t.strictSame((await call(app, gb, 'DELETE', `/voicecall/${B}/release`)).json(), OK, 'the helper hangs up: only it leaves')
  t.strictSame(await drain(app, B, gb), [callRelease(B, x), phoneRelease(B, 2), ready(B)])
  t.strictSame(await drain(app, A, ga), [customerRelease(A, x, B)])
  t.match((await admin(app, 'GET', `/__mock/calls/${x}`)).json(), { state: 'talking', legs: [{ agentId: A, state: 'talking' }] })
})

t.test('two-party help fetched back: dropcall of the help call, gethold of the customer', async (t) => {
  const ctx = await setup(t)
  const { app, ga, gb, x } = ctx
  const y = (await help(ctx, { dstaddress: B, mode: 1 })).result!
  await drain(app, A, ga)
  await drain(app, B, gb)
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/dropcall/${y}`)).json(), OK)
  t.strictSame(await drain(app, A, ga), [callRelease(A, y)])
  t.strictSame(await drain(app, B, gb), [customerRelease(B, y, A), phoneRelease(B, 3), ready(B)])
  t.strictSame((await call(app, ga, 'POST', `/voicecall/${A}/gethold?callid=${x}`)).json(), OK)
  t.strictSame(await drain(app, A, ga), [talking(A, x, C, A, '0')])
})

t.test('help that fails: Consult_Fail with the help callid, the customer stays held; the documented codes', async (t) => {
  const ctx = await setup(t)
  const { app, ga, gb, x } = ctx
  await call(app, gb, 'POST', `/onlineagent/${B}/saybusy`)
  await drain(app, B, gb)
  const y = (await help(ctx, { dstaddress: B })).result!
  t.strictSame(await drain(app, A, ga), [ev(A, 'AgentEvent_Hold', x), ev(A, 'AgentEvent_Consult_Fail', y)])
  t.strictSame(await drain(app, B, gb), [])
  t.match((await call(app, ga, 'GET', `/calldata/${A}/holdlist`)).json(), { result: [{ callid: x }] })
  t.match(await help(ctx, { dstaddress: B }), { retcode: '200-018', message: 'no call to ask for internal help' }, 'only a held call')
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/confjoin`, { callid: x })).json(), { retcode: '200-010' })
  await call(app, ga, 'POST', `/voicecall/${A}/gethold`)
  t.strictSame(await drain(app, A, ga), [talking(A, x, C, A, '0')])
  t.match(await help(ctx, { dstaddress: '4444' }), { retcode: '000-002' }, 'nobody signed in as 4444')
  t.match(await help(ctx, { dstaddress: B, mode: 3 }), { retcode: '000-002' })
  t.match(await help(ctx, { dstaddress: '77', devicetype: 1 }), { retcode: '000-002' }, 'no skill 77')
  t.match(await help(ctx, {}), { retcode: '000-002' }, 'dstaddress is required')
  const viaSkill = (await help(ctx, { dstaddress: '1', devicetype: 1 })).result!
  t.strictSame((await drain(app, A, ga)).map(e => e.eventType), ['AgentEvent_Hold', 'AgentEvent_Consult_Fail'], 'nobody idle on skill 1')
  t.match(viaSkill, /^\d+-\d+$/)
  await call(app, ga, 'DELETE', `/voicecall/${A}/release`)
  t.match((await call(app, ga, 'POST', `/voicecall/${A}/disconnect/${B}`)).json(), { retcode: '200-023' })
})
