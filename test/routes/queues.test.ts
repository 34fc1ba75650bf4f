/**
 * Gateway queries that watch the contact centre (issue #11, Part D §D3.2, §D1.6, §D4): queue
 * lengths, ACD statistics, access codes, the call before answer, waiting calls and call data,
 * with their figures checked at each step of customers arriving, waiting and being answered.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { admin, build, call, drain, signIn } from '../helper.js'

const A = '1001'
const B = '1002'

async function center (tt: Parameters<typeof build>[0]): Promise<{ app: FastifyInstance, clock: import('../../src/domain/clock.js').ManualClock, ga: string }> {
  const ctx = await build(tt)
  await admin(ctx.app, 'POST', '/__mock/scenarios', { name: 'no-colleagues', extends: 'default', colleagues: [] })
  await admin(ctx.app, 'POST', '/__mock/scenarios/no-colleagues/activate')
  const ga = await signIn(ctx.app, A, { body: { password: '', phonenum: '71001', autoanswer: false } })
  await drain(ctx.app, A, ga)
  return { ...ctx, ga }
}

const get = async (app: FastifyInstance, guid: string, path: string): Promise<unknown> => (await call(app, guid, 'GET', path)).json()
const customer = async (app: FastifyInstance, body: Record<string, unknown>): Promise<string> =>
  (await admin(app, 'POST', '/__mock/customers', { from: '13900001111', ...body })).json().callid

t.test('queue lengths: waitnum, waitnumbyagent, skillwaitnum as customers come and go', async (t) => {
  const { app, clock, ga } = await center(t)
  const counts = async (): Promise<unknown[]> => [
    await get(app, ga, `/queuedevice/${A}/waitnum`),
    await get(app, ga, `/queuedevice/${A}/waitnumbyagent`),
    await get(app, ga, `/queuedevice/${A}/skillwaitnum/1`),
    await get(app, ga, `/queuedevice/${A}/skillwaitnum/2`)
  ]
  const n = (result: number): unknown => ({ message: 'success', retcode: '0', result })
  t.strictSame(await counts(), [n(0), n(0), n(0), n(0)])
  await call(app, ga, 'POST', `/onlineagent/${A}/saybusy`)
  await customer(app, { to: '6001' })
  await customer(app, { to: '6002', patienceMs: 1000 })
  await customer(app, { to: '6002' })
  t.strictSame(await counts(), [n(3), n(3), n(1), n(2)])
  await call(app, ga, 'POST', `/onlineagent/${A}/resetskill/false?skillid=2`)
  t.strictSame(await counts(), [n(3), n(2), n(1), n(2)], 'waitnumbyagent counts only the skills signed in to')
  clock.advance(1000)
  t.strictSame(await counts(), [n(2), n(1), n(1), n(1)], 'one hung up')
  await call(app, ga, 'POST', `/onlineagent/${A}/cancelbusy`)
  t.strictSame(await counts(), [n(1), n(0), n(1), n(0)], 'the agent (skill 2 only) was offered the billing customer')
  t.match(await get(app, ga, `/queuedevice/${A}/skillwaitnum/77`), { retcode: '600-002' })
  t.match(await get(app, ga, `/queuedevice/${A}/skillwaitnum/x`), { retcode: '000-002' })
  t.match(await get(app, ga, `/queuedevice/${B}/waitnum`), { retcode: '100-006' })
  t.match(await get(app, 'wrong', `/queuedevice/${A}/waitnum`), { retcode: '000-003' })
})

/** One queryacdstat record as the gateway's sample has it, with the figures that differ per skill. */
const acdRecord = (figures: { pilotNbr: string, deviceNo: number, queueSize: number, queueTime: number, skillDescrip: string }): Record<string, unknown> => ({
  pilotNbr: figures.pilotNbr,
  deviceNo: figures.deviceNo,
  queueSize: figures.queueSize,
  queueTime: figures.queueTime,
  loadFactor: 65535,
  estWaitTime: 0,
  loggedOnAgents: 1,
  availAgents: 0,
  transferFlg: 0,
  transferDeviceType: 255,
  transferDeviceNo: 65535,
  skillDescrip: figures.skillDescrip,
  resourceIdleRate: 0,
  serviceLevel: 100,
  oldCallIdEx: { dateTime: 4294967295000, dsn: 65535, server: 255, handle: 255 },
  maxQueueSize: 100
})

t.test('queryacdstat: the sample shape with live figures', async (t) => {
  const { app, clock, ga } = await center(t)
  await call(app, ga, 'POST', `/onlineagent/${A}/saybusy`)
  await customer(app, { to: '6001' })
  clock.advance(7000)
  const res = (await call(app, ga, 'POST', `/queuedevice/${A}/queryacdstat`, { skills: ['1', 2, 99] })).json()
  t.equal(res.retcode, '0')
  t.strictSame(res.result, [
    acdRecord({ pilotNbr: '6001', deviceNo: 1, queueSize: 1, queueTime: 7, skillDescrip: 'voice' }),
    acdRecord({ pilotNbr: '6002', deviceNo: 2, queueSize: 0, queueTime: 0, skillDescrip: 'billing' })
  ], 'unknown skill ids are left out')
  await call(app, ga, 'POST', `/onlineagent/${A}/cancelbusy`)
  await drain(app, A, ga)
  await call(app, ga, 'PUT', `/voicecall/${A}/answer`)
  const after = (await call(app, ga, 'POST', `/queuedevice/${A}/queryacdstat`, { skills: [1] })).json().result[0]
  t.match(after, { queueSize: 0, queueTime: 0, estWaitTime: 7, serviceLevel: 100, loggedOnAgents: 1, availAgents: 0 })
  t.match((await call(app, ga, 'POST', `/queuedevice/${A}/queryacdstat`, { skills: 'x' })).json(), { retcode: '000-002' })
  t.match((await call(app, ga, 'POST', `/queuedevice/${A}/queryacdstat`, { skills: Array.from({ length: 101 }, (_, i) => i) })).json(), { retcode: '000-002' })
})

t.test('queryskillstat: the same records, for the skills named or every skill', async (t) => {
  const { app, ga } = await center(t)
  const all = (await call(app, ga, 'POST', `/queuedevice/${A}/queryskillstat`, {})).json()
  t.same(all.result.map((r: { deviceNo: number }) => r.deviceNo), [1, 2])
  const one = (await call(app, ga, 'POST', `/queuedevice/${A}/queryskillstat`, { skills: [2] })).json()
  t.match(one.result, [{ deviceNo: 2, skillDescrip: 'billing', queueSize: 0 }])
})

t.test('innoinfo lists the access codes', async (t) => {
  const { app, ga } = await center(t)
  t.strictSame(await get(app, ga, `/queuedevice/${A}/innoinfo`), {
    message: 'success',
    retcode: '0',
    result: [
      { description: 'Voice hotline', id: 1, inno: '6001', vdnid: 1, mediatype: 5 },
      { description: 'Billing hotline', id: 2, inno: '6002', vdnid: 1, mediatype: 5 }
    ]
  })
})

t.test('callinfobeforeanswer, waitcallinfo, appdata and setting call data', async (t) => {
  const { app, ga } = await center(t)
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfobeforeanswer`), { message: '', retcode: '0', result: null }, 'nothing offered yet')
  await call(app, ga, 'POST', `/onlineagent/${A}/saybusy`)
  const waiting = await customer(app, { to: '6002', callappdata: 'vip' })
  const list = (await get(app, ga, `/calldata/${A}/waitcallinfo/2`)) as { result: Array<Record<string, unknown>> }
  t.match(list.result, [{ callid: waiting, callfeature: 0, caller: '13900001111', called: '6002', callskill: 'billing', callskillid: 2, calldata: 'vip', waittime: 0 }])
  t.strictSame((await get(app, ga, `/calldata/${A}/waitcallinfo/1`) as { result: unknown }).result, [])
  await call(app, ga, 'POST', `/onlineagent/${A}/cancelbusy`)
  await drain(app, A, ga)
  t.match(await get(app, ga, `/calldata/${A}/callinfobeforeanswer`), { retcode: '0', result: { callid: waiting, callfeature: 0, caller: '13900001111', called: '6002', callskill: 'billing', calldata: 'vip' } }, 'while ringing')
  t.strictSame(await get(app, ga, `/calldata/${A}/appdata`), { message: '', retcode: '0', result: 'vip' })
  const set = await call(app, ga, 'PUT', `/calldata/${A}/setcalldataex`, { callid: waiting, calldata: 'a\u0000b' })
  t.strictSame(set.json(), { message: '', retcode: '0' })
  t.strictSame(await get(app, ga, `/calldata/${A}/appdata?callId=${waiting}`), { message: '', retcode: '0', result: 'a\u0000b' }, 'NULs kept')
  await call(app, ga, 'PUT', `/calldata/${A}/setcalldataex`, { calldata: Buffer.from('encoded').toString('base64'), isDataEncoded: true })
  t.strictSame(await get(app, ga, `/calldata/${A}/appdata?isEncodeResult=true`), { message: '', retcode: '0', result: Buffer.from('encoded').toString('base64') })
  await call(app, ga, 'PUT', `/calldata/${A}?calldata=old&callid=${waiting}`)
  t.equal((await get(app, ga, `/calldata/${A}/callinfo`) as { result: { calldata: string } }).result.calldata, 'old')
  t.match((await call(app, ga, 'PUT', `/calldata/${A}/setcalldataex`, { callid: '1-999', calldata: 'x' })).json(), { retcode: '400-001' })
  t.match((await call(app, ga, 'PUT', `/calldata/${A}/setcalldataex`, {})).json(), { retcode: '400-002' })
  t.match((await call(app, ga, 'PUT', `/calldata/${A}/setcalldataex`, { calldata: 'x'.repeat(16385) })).json(), { retcode: '000-002' })
  await call(app, ga, 'DELETE', `/voicecall/${A}/release`)
  t.match(await get(app, ga, `/calldata/${A}/appdata`), { retcode: '400-001' }, 'no call')
})

t.test('simulated colleagues appear in the agent queries, their state following the calls they take', async (t) => {
  const { app, clock } = await build(t) // the default world: colleagues 8001 (voice), 8002 (billing), 8003 (both)
  const g = await signIn(app, A)
  await call(app, g, 'POST', `/onlineagent/${A}/saybusy`)
  const idle = async (): Promise<string[]> => ((await get(app, g, `/agentgroup/${A}/idleagent`)) as { result: Array<{ workno: string }> }).result.map(a => a.workno)
  t.same(await idle(), ['8001', '8002', '8003'])
  t.match((await get(app, g, `/agentgroup/${A}/agentbyworkno/8001`)) as object, { retcode: '0', result: { workno: '8001', name: 'Colleague voice', status: 4 } })
  const callid = await customer(app, { to: '6001' })
  t.same(await idle(), ['8002', '8003'], '8001 was idle longest and has the skill: it rings')
  clock.advance(2000)
  t.match((await get(app, g, `/agentgroup/${A}/agentbyworkno/8001`)) as object, { result: { status: 7, ctiStatus: 5, callids: [callid] } }, 'talking')
  await admin(app, 'POST', `/__mock/calls/${callid}/hangup`)
  t.match((await get(app, g, `/agentgroup/${A}/agentbyworkno/8001`)) as object, { result: { status: 5, callids: [] } }, 'in wrap-up')
  clock.advance(10000)
  t.same(await idle(), ['8001', '8002', '8003'], 'idle again after its 10 s of wrap-up')
})
