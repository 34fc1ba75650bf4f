/**
 * Supervision (issue #13, `qualitycontrol`): an inspector (roster role `inspector`) listens to,
 * inserts into, whispers in and intercepts an agent's call with a customer of POST /__mock/customers;
 * switch and stop; forced release. Every stream asserted whole; each precondition's retcode
 * (docs/decisions.md: 900-002 no right, 900-003 not signed in, 900-004 no call, 900-005 another
 * state, 900-001 the inspector's own state, 000-005 oneself) and bad input.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { admin, build, call, drain, signIn, ev, busy, phoneAlerting, offhook, talking, customerRelease, phoneRelease, ready, callRelease, type PolledEvent } from '../helper.js'

const S = '1001' // the inspector
const A = '1002'
const B = '1003'
const C = '13900001111'
const DONE = { message: '', retcode: '0', result: {} }

interface QcCtx { app: FastifyInstance, clock: ManualClock, gs: string, ga: string, gb: string }

/** A world whose roster makes 1001 an inspector; S, A and B signed in, events drained. */
async function qcCenter (tt: Parameters<typeof build>[0]): Promise<QcCtx> {
  const { app, clock } = await build(tt)
  const agents = [{ id: S, name: 'Sam', roles: ['inspector'] }, { id: A, name: 'Ann' }, { id: B, name: 'Bob' }]
  const res = await admin(app, 'POST', '/__mock/scenarios', { name: 'qc', extends: 'default', colleagues: [], agents })
  if (res.statusCode >= 300) throw new Error(res.body)
  await admin(app, 'POST', '/__mock/scenarios/qc/activate')
  const gs = await signIn(app, S)
  const ga = await signIn(app, A)
  const gb = await signIn(app, B)
  for (const [id, g] of [[S, gs], [A, ga], [B, gb]] as const) await drain(app, id, g)
  return { app, clock, gs, ga, gb }
}

/** A customer straight to `agent` (auto answer), its events drained; the callid. */
async function customerTo (ctx: QcCtx, agent = A, guid = ctx.ga): Promise<string> {
  const res = await admin(ctx.app, 'POST', '/__mock/customers', { from: C, agent })
  if (res.statusCode !== 200) throw new Error(res.body)
  await drain(ctx.app, agent, guid)
  return res.json().callid
}

const qc = async (ctx: QcCtx, method: 'PUT' | 'POST' | 'DELETE', path: string, guid = ctx.gs, who = S): Promise<unknown> =>
  (await call(ctx.app, guid, method, `/qualitycontrol/${who}/${path}`)).json()
const legs = async (ctx: QcCtx, x: string): Promise<unknown> =>
  (await admin(ctx.app, 'GET', `/__mock/calls/${x}`)).json().legs.map((l: { agentId: string, state: string, supervise?: string }) => [l.agentId, l.state, l.supervise ?? ''])
const joined = [busy(S), phoneAlerting(S), offhook(S)]
const qcEvent = (type: 'AgentOther_BeQcStart' | 'AgentOther_BeQcStop', qcType: number): PolledEvent => ev(A, type, { qcType, qcAgentId: Number(S) })

t.test('supervisor insert, end to end: customer → agent talking → addinsert → three-way → the inspector leaves → the call goes on', async (t) => {
  const ctx = await qcCenter(t)
  const { app, gs, ga } = ctx
  const x = await customerTo(ctx)
  t.strictSame(await qc(ctx, 'PUT', `addinsert/${A}`), DONE)
  t.strictSame(await drain(app, S, gs), joined, 'the inspector\'s phone rings and goes off-hook (cec_05_1440)')
  t.strictSame(await drain(app, A, ga), [qcEvent('AgentOther_BeQcStart', 9)], 'the agent is told: insertion')
  t.strictSame(await legs(ctx, x), [[A, 'talking', ''], [S, 'talking', 'insert']], 'three-way: the customer, the agent and the inspector')
  t.match((await call(app, gs, 'GET', `/onlineagent/${S}/agentstatus`)).json(), { result: { agentState: 7 } })
  t.match((await call(app, gs, 'POST', `/voicecall/${S}/hold`)).json(), { retcode: '100-007' }, 'the inspector controls nothing of the call')
  t.strictSame(await qc(ctx, 'DELETE', A), DONE, 'the inspector leaves')
  t.strictSame(await drain(app, S, gs), [callRelease(S, x), phoneRelease(S, 2), ready(S)])
  t.strictSame(await drain(app, A, ga), [qcEvent('AgentOther_BeQcStop', 9)])
  t.strictSame(await legs(ctx, x), [[A, 'talking', '']], 'the agent and the customer talk on')
  await admin(app, 'POST', `/__mock/calls/${x}/hangup`)
  t.strictSame(await drain(app, A, ga), [customerRelease(A, x, C), phoneRelease(A, 3), ready(A)])
  t.strictSame(await drain(app, S, gs), [], 'nothing more for the inspector')
})

t.test('listen, switch to insert and back, whisper by switchtype, stop whisper; the agent hangs up with an inspector listening', async (t) => {
  const ctx = await qcCenter(t)
  const { app, gs, ga } = ctx
  const x = await customerTo(ctx)
  t.strictSame(await qc(ctx, 'PUT', `addsupervise/${A}`), DONE)
  t.strictSame(await drain(app, S, gs), joined)
  t.strictSame(await drain(app, A, ga), [qcEvent('AgentOther_BeQcStart', 8)])
  t.strictSame(await qc(ctx, 'POST', `switch/${A}`), DONE)
  t.strictSame(await legs(ctx, x), [[A, 'talking', ''], [S, 'talking', 'insert']])
  t.strictSame(await qc(ctx, 'POST', `switch/${A}`), DONE)
  t.strictSame(await legs(ctx, x), [[A, 'talking', ''], [S, 'talking', 'listen']])
  t.strictSame(await qc(ctx, 'POST', `requestswitchinsertwhisperagent?whisperagentid=${A}&switchtype=2`), DONE)
  t.strictSame(await legs(ctx, x), [[A, 'talking', ''], [S, 'talking', 'whisper']])
  t.match(await qc(ctx, 'POST', `switch/${A}`), { retcode: '900-001' }, 'switch is listen ↔ insert only')
  t.strictSame(await qc(ctx, 'POST', 'requestswitchinsertwhisperagent?switchtype=0'), DONE, 'whisperagentid is optional: the agent inspected')
  t.match(await qc(ctx, 'POST', `requeststopwhisperagent?whisperagentid=${A}`), { retcode: '900-001' }, 'not whispering')
  t.strictSame(await drain(app, A, ga), [], 'switching sends no event (the pages list none)')
  t.strictSame((await call(app, ga, 'DELETE', `/voicecall/${A}/release`)).json(), { message: 'success', retcode: '0', result: {} })
  t.strictSame(await drain(app, A, ga), [callRelease(A, x), phoneRelease(A, 2), ready(A)], 'a two-party call: it ends')
  t.strictSame(await drain(app, S, gs), [customerRelease(S, x, C), phoneRelease(S, 3), ready(S)], 'the listener is released with it, no after-call work')
  t.equal((await admin(app, 'GET', `/__mock/calls/${x}`)).json().state, 'released')
})

t.test('whisper: requestwhisperagent joins in whisper mode (qcType 20172), requeststopwhisperagent leaves', async (t) => {
  const ctx = await qcCenter(t)
  const { app, gs, ga } = ctx
  const x = await customerTo(ctx)
  t.match(await qc(ctx, 'POST', 'requestwhisperagent'), { retcode: '000-002' }, 'whom to whisper to is needed')
  t.strictSame(await qc(ctx, 'POST', `requestwhisperagent?whisperagentid=${A}`), DONE)
  t.strictSame(await drain(app, S, gs), joined)
  t.strictSame(await drain(app, A, ga), [qcEvent('AgentOther_BeQcStart', 20172)])
  t.strictSame(await legs(ctx, x), [[A, 'talking', ''], [S, 'talking', 'whisper']])
  t.strictSame(await qc(ctx, 'POST', `requeststopwhisperagent?whisperagentid=${A}`), DONE)
  t.strictSame(await drain(app, S, gs), [callRelease(S, x), phoneRelease(S, 2), ready(S)])
  t.strictSame(await drain(app, A, ga), [qcEvent('AgentOther_BeQcStop', 20172)])
})

t.test('intercept: the inspector talks with the customer, the agent is released (cec_05_1442)', async (t) => {
  const ctx = await qcCenter(t)
  const { app, gs, ga } = ctx
  const x = await customerTo(ctx)
  t.match(await qc(ctx, 'PUT', `intercept/${A}`), { retcode: '900-001' }, 'only an agent the inspector inspects')
  await qc(ctx, 'PUT', `addsupervise/${A}`)
  await drain(app, S, gs)
  await drain(app, A, ga)
  t.strictSame(await qc(ctx, 'PUT', `intercept/${A}`), DONE)
  t.strictSame(await drain(app, S, gs), [talking(S, x, C, A, '0')])
  t.strictSame(await drain(app, A, ga), [callRelease(A, x), customerRelease(A, x, C), phoneRelease(A, 3), ready(A)])
  t.strictSame(await legs(ctx, x), [[S, 'talking', '']], 'the inspector is a party now')
  t.strictSame((await call(app, gs, 'POST', `/voicecall/${S}/hold`)).json(), { message: 'success', retcode: '0', result: {} }, 'and controls the call like any agent')
  await admin(app, 'POST', `/__mock/calls/${x}/hangup`)
  t.strictSame((await drain(app, S, gs)).map(e => e.eventType), ['AgentEvent_Hold', 'AgentEvent_Customer_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
})

t.test('forcedropcall: the call ends for every party and the inspectors in it', async (t) => {
  const ctx = await qcCenter(t)
  const { app, gs, ga } = ctx
  const x = await customerTo(ctx)
  t.match(await qc(ctx, 'POST', 'forcedropcall/123-4'), { retcode: '900-004' }, 'no such call')
  t.match(await qc(ctx, 'POST', `forcedropcall/${x}`, ga, A), { retcode: '900-002' }, 'an agent is no inspector')
  t.strictSame(await qc(ctx, 'POST', `forcedropcall/${x}`), DONE)
  t.strictSame(await drain(app, A, ga), [customerRelease(A, x, C), phoneRelease(A, 3), ready(A)])
  t.strictSame(await drain(app, S, gs), [], 'the inspector was not in the call')
  t.equal((await admin(app, 'GET', `/__mock/calls/${x}`)).json().state, 'released')
})

t.test('the documented retcodes of supervision: right, oneself, not signed in, no call, another state, the inspector busy', async (t) => {
  const ctx = await qcCenter(t)
  const { app, gs, ga, gb } = ctx
  t.match(await qc(ctx, 'PUT', `addsupervise/${B}`, ga, A), { retcode: '900-002', message: `agent ${A} is not an inspector` })
  t.match(await qc(ctx, 'PUT', `addinsert/${S}`), { retcode: '000-005' })
  t.match(await qc(ctx, 'PUT', 'addsupervise/1004'), { retcode: '900-003' }, 'not signed in')
  t.match(await qc(ctx, 'PUT', `addsupervise/${A}`), { retcode: '900-004' }, 'not in a call')
  // A rings (manual answer): not talking yet.
  await call(app, ga, 'POST', `/onlineagent/${A}/autoanswer/false`)
  await admin(app, 'POST', '/__mock/customers', { from: C, agent: A })
  t.match(await qc(ctx, 'PUT', `addsupervise/${A}`), { retcode: '900-005' }, 'ringing')
  await call(app, ga, 'PUT', `/voicecall/${A}/answer`)
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  t.match(await qc(ctx, 'PUT', `addinsert/${A}`), { retcode: '900-005' }, 'holding')
  await call(app, ga, 'POST', `/voicecall/${A}/gethold`)
  t.strictSame(await qc(ctx, 'PUT', `addsupervise/${A}`), DONE)
  t.match(await qc(ctx, 'PUT', `addinsert/${A}`), { retcode: '900-005' }, 'inspected already')
  const y = await customerTo(ctx, B, gb)
  t.match(await qc(ctx, 'PUT', `addinsert/${B}`), { retcode: '900-001', message: `inspector ${S} is not idle` })
  t.match(await qc(ctx, 'POST', `switch/${B}`), { retcode: '900-001' }, 'not inspecting B')
  t.match(await qc(ctx, 'DELETE', B), { retcode: '900-001' })
  t.ok(y)
  await drain(app, S, gs)
})

t.test('bad input: 000-002 for malformed work numbers and switch types, 100-006 for an inspector not signed in', async (t) => {
  const ctx = await qcCenter(t)
  t.match(await qc(ctx, 'PUT', 'addsupervise/abc'), { retcode: '000-002' })
  t.match(await qc(ctx, 'POST', 'switch/12'), { retcode: '000-002' })
  t.match(await qc(ctx, 'POST', `requestswitchinsertwhisperagent?whisperagentid=${A}&switchtype=3`), { retcode: '000-002' })
  t.match(await qc(ctx, 'POST', `requestswitchinsertwhisperagent?whisperagentid=${A}`), { retcode: '000-002' }, 'switchtype is required')
  t.match(await qc(ctx, 'POST', 'requestwhisperagent?whisperagentid=x1'), { retcode: '000-002' })
  t.match(await qc(ctx, 'POST', 'forcedropcall/' + 'x'.repeat(101)), { retcode: '000-002' })
  t.match(await qc(ctx, 'PUT', `addsupervise/${A}`, ctx.gs, '1004'), { retcode: /^(000-003|100-006)$/ })
})

t.test('forced busy, idle and rest go through the agent machine: the agent\'s own events, 900-005 where its state refuses', async (t) => {
  const ctx = await qcCenter(t)
  const { app, gb } = ctx
  t.strictSame(await qc(ctx, 'POST', `forcebusy/${B}`), DONE)
  t.strictSame(await drain(app, B, gb), [ev(B, 'AgentState_SetNotReady_Success', { reason: '0' })])
  t.match(await qc(ctx, 'POST', `forcebusy/${B}`), { retcode: '900-005' }, 'busy already')
  t.strictSame(await qc(ctx, 'POST', `forceidle/${B}`), DONE)
  t.strictSame(await drain(app, B, gb), [ev(B, 'AgentState_CancelNotReady_Success')])
  t.match(await qc(ctx, 'POST', `forceidle/${B}`), { retcode: '900-005' }, 'idle already')
  t.strictSame(await qc(ctx, 'POST', `forcerest/${B}/60/2`), DONE)
  t.strictSame(await drain(app, B, gb), [ev(B, 'AgentState_SetRest_Success', { reason: '2' })])
  t.match((await call(app, gb, 'GET', `/onlineagent/${B}/agentstatus`)).json(), { result: { agentState: 8 } })
  t.strictSame(await qc(ctx, 'POST', `forceidle/${B}`), DONE, 'rest ends by force too')
  t.strictSame(await drain(app, B, gb), [ev(B, 'AgentState_CancelRest_Success')])
  // A talking: busy is granted when the call ends, as the agent's own request would be.
  const x = await customerTo(ctx)
  t.strictSame(await qc(ctx, 'POST', `forcebusy/${A}`), DONE)
  await admin(app, 'POST', `/__mock/calls/${x}/hangup`)
  t.strictSame((await drain(app, A, ctx.ga)).map(e => e.eventType), ['AgentEvent_Customer_Release', 'AgentOther_PhoneRelease', 'AgentState_SetNotReady_Success'])
})

t.test('forced changes: rights, oneself, not signed in, bad time and reason', async (t) => {
  const ctx = await qcCenter(t)
  t.match(await qc(ctx, 'POST', `forcebusy/${B}`, ctx.ga, A), { retcode: '900-002' })
  t.match(await qc(ctx, 'POST', `forceidle/${S}`), { retcode: '000-005' })
  t.match(await qc(ctx, 'POST', 'forcelogout/1004'), { retcode: '900-003' })
  t.match(await qc(ctx, 'POST', `forcerest/${B}/0/1`), { retcode: '000-002' })
  t.match(await qc(ctx, 'POST', `forcerest/${B}/60/256`), { retcode: '000-002' })
  t.match(await qc(ctx, 'POST', `forcerest/${B}/60/x`), { retcode: '000-002' })
  t.match(await qc(ctx, 'POST', `forcerest/${B}/abc/1`), { retcode: '000-002' })
})

t.test('forcelogout, and beginmonitor / endmonitor: QC_AgentState_Notify when a watched agent signs out and in', async (t) => {
  const ctx = await qcCenter(t)
  const { app, gs } = ctx
  t.match(await qc(ctx, 'POST', 'beginmonitor'), { retcode: '000-002' }, 'agents is required')
  t.match(await qc(ctx, 'POST', 'beginmonitor?agents=10a3'), { retcode: '000-002' })
  t.match(await qc(ctx, 'POST', `beginmonitor?agents=${B}`, ctx.ga, A), { retcode: '900-002' })
  t.strictSame(await qc(ctx, 'POST', `beginmonitor?agents=${B},${A}`), DONE)
  const x = await customerTo(ctx)
  t.strictSame(await qc(ctx, 'POST', `forcelogout/${B}`), DONE)
  t.strictSame(await qc(ctx, 'POST', `forcelogout/${A}`), DONE, 'a talking agent too: its call is released')
  t.equal((await admin(app, 'GET', `/__mock/calls/${x}`)).json().state, 'released')
  t.match(await qc(ctx, 'POST', `forcebusy/${B}`), { retcode: '900-003' }, 'signed out')
  const notify = (w: string, what: string): PolledEvent =>
    ev(S, 'QC_AgentState_Notify', { subtype: `QC_AgentState_${what}`, monitoredagent: w, agentname: w === A ? 'Ann' : 'Bob', mediaserver: 'CtiServer' })
  t.strictSame(await drain(app, S, gs), [notify(B, 'Logout'), notify(A, 'Logout')])
  await signIn(app, B)
  t.strictSame(await drain(app, S, gs), [notify(B, 'Login')])
  t.strictSame(await qc(ctx, 'POST', `endmonitor?agents=${B}`), DONE)
  t.match(await qc(ctx, 'POST', `endmonitor?agents=${B}`), { retcode: '900-001' }, 'not watched any more')
  await signIn(app, A)
  t.strictSame(await drain(app, S, gs), [notify(A, 'Login')], 'A is still watched, B no more')
})
