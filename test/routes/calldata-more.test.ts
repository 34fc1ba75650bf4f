/**
 * `calldata` queries without customer queues (issue #13): allcallid, remotenumbers, callnums,
 * isprocesscall, allcallinfo(Ex)/{workno}, allcallinfoinvdn, statistics, callRecordInfoList,
 * queryselfcallrecordinfolist, privatecallinfo, ivrcallcount/ivrcallinfo, and business data.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { emptyWorld, type World } from '../../src/domain/world.js'
import { build, call, drain, signIn } from '../helper.js'

const world = (): World => ({
  ...emptyWorld(),
  skills: [{ id: 1, name: 'voice' }, { id: 2, name: 'billing' }],
  roster: [{ id: '1001' }, { id: '1002' }, { id: '1003' }],
  externalNumbers: [{ number: '5550100', behaviour: 'answer', afterMs: 1000 }],
  ivrs: [{ id: 7, access: '1321', description: 'menu' }]
})

interface Ctx { app: FastifyInstance, clock: ManualClock, ga: string, gb: string }

async function pair (tt: Parameters<typeof build>[0]): Promise<Ctx> {
  const { app, clock } = await build(tt, {}, world())
  const ga = await signIn(app, '1001')
  const gb = await signIn(app, '1002')
  await drain(app, '1001', ga)
  await drain(app, '1002', gb)
  return { app, clock, ga, gb }
}

const get = async (app: FastifyInstance, guid: string, path: string): Promise<any> => (await call(app, guid, 'GET', path)).json()
const res = (result: unknown): unknown => ({ message: '', retcode: '0', result })

t.test('a call in progress: call ids, remote numbers, counts, the calls of an agent and of the VDN', async (t) => {
  const { app, clock, ga, gb } = await pair(t)
  t.strictSame(await get(app, ga, '/calldata/1001/allcallid'), res([]))
  t.strictSame(await get(app, ga, '/calldata/1001/isprocesscall'), res(false))
  const begin = clock.now()
  const inner = (await call(app, ga, 'PUT', '/voicecall/1001/callinner', { called: '1002', callappdata: 'ticket 9' })).json().result as string
  t.strictSame(await get(app, ga, '/calldata/1001/allcallid'), res([inner]))
  t.strictSame(await get(app, gb, '/calldata/1002/allcallid'), res([inner]), 'the called agent too')
  t.strictSame(await get(app, ga, '/calldata/1001/remotenumbers'), res(['1002']))
  t.strictSame(await get(app, gb, '/calldata/1002/remotenumbers'), res(['1001']))
  t.strictSame(await get(app, ga, '/calldata/1001/callnums'), res(1))
  t.strictSame(await get(app, ga, '/calldata/1001/isprocesscall'), res(true))
  const info = {
    callfeature: 6,
    callid: inner,
    caller: '1001',
    called: '1002',
    callskill: 'voice',
    callskillid: 1,
    orgicallednum: '',
    calldata: 'ticket 9',
    begintime: begin,
    endtime: null,
    userPriority: 0,
    trunkNo: 65535,
    logontimes: 0
  }
  t.strictSame(await get(app, gb, '/calldata/1002/allcallinfo/1001'), res([info]))
  t.strictSame(await get(app, gb, '/calldata/1002/allcallinfoEx/1001'), res([{ ...info, callstate: 'talking', mediatype: 5 }]))
  t.strictSame(await get(app, gb, '/calldata/1002/allcallinfoinvdn'), res([info]))
  t.strictSame(await get(app, gb, '/calldata/1002/allcallinfo/1003'), res([]), 'a roster agent signed out has no call')
  t.match(await get(app, gb, '/calldata/1002/allcallinfo/1999'), { retcode: '300-002' })
  t.match(await get(app, gb, '/calldata/1002/allcallinfo/x'), { retcode: '000-002' })
  // Hold it and call out: two calls, two remote numbers.
  await call(app, ga, 'POST', '/voicecall/1001/hold')
  const out = (await call(app, ga, 'PUT', '/voicecall/1001/callout', { called: '5550100' })).json().result as string
  t.strictSame(await get(app, ga, '/calldata/1001/allcallid'), res([inner, out]))
  t.strictSame(await get(app, ga, '/calldata/1001/remotenumbers'), res(['1002', '5550100']))
  t.strictSame(await get(app, ga, '/calldata/1001/callnums'), res(2))
  t.match((await get(app, ga, '/calldata/1001/allcallinfoEx/1001')).result.map((c: { callstate: string }) => c.callstate), ['held', 'dialing'])
})

t.test('statistics and call records of finished calls, filtered and paged', async (t) => {
  const { app, clock, ga, gb } = await pair(t)
  const t0 = clock.now()
  const c1 = (await call(app, ga, 'PUT', '/voicecall/1001/callinner', { called: '1002' })).json().result as string
  clock.advance(10000)
  await call(app, ga, 'DELETE', '/voicecall/1001/release')
  await call(app, ga, 'POST', '/onlineagent/1001/cancelwork')
  await call(app, gb, 'POST', '/onlineagent/1002/cancelwork')
  clock.advance(5000)
  const t1 = clock.now()
  const c2 = (await call(app, ga, 'PUT', '/voicecall/1001/callout', { called: '5550100', skillid: 2 })).json().result as string
  clock.advance(1000) // answered
  clock.advance(4000)
  await call(app, ga, 'DELETE', '/voicecall/1001/release')
  const t2 = clock.now()

  t.strictSame(await get(app, ga, '/calldata/1001/statistics'), res({ callNum: 2, callOutNum: 2, callInNum: 0, answeredNum: 2, totalTalkTime: 14, avgTalkTime: 7 }))
  t.strictSame(await get(app, gb, '/calldata/1002/statistics'), res({ callNum: 1, callOutNum: 0, callInNum: 1, answeredNum: 1, totalTalkTime: 10, avgTalkTime: 10 }))

  const r1a = { callid: c1, workno: '1001', callfeature: 6, caller: '1001', called: '1002', skillid: 1, begintime: t0, answertime: t0, endtime: t0 + 10000, talktime: 10 }
  const r1b = { ...r1a, workno: '1002' }
  const r2 = { callid: c2, workno: '1001', callfeature: 7, caller: '10086', called: '5550100', skillid: 2, begintime: t1, answertime: t1 + 1000, endtime: t2, talktime: 4 }
  t.strictSame(await get(app, gb, '/calldata/1002/callRecordInfoList'), res([r1a, r1b, r2]))
  t.strictSame(await get(app, gb, '/calldata/1002/callRecordInfoList?workno=1001'), res([r1a, r2]))
  t.strictSame(await get(app, gb, '/calldata/1002/callRecordInfoList?skillid=2'), res([r2]))
  t.strictSame(await get(app, gb, `/calldata/1002/callRecordInfoList?startdate=${t1}`), res([r2]))
  t.strictSame(await get(app, gb, `/calldata/1002/callRecordInfoList?enddate=${t1 - 1}`), res([r1a, r1b]))
  t.strictSame(await get(app, gb, `/calldata/1002/callRecordInfoList?startdate=${encodeURIComponent(new Date(t1).toISOString())}`), res([r2]), 'a date string')
  t.strictSame(await get(app, gb, '/calldata/1002/callRecordInfoList?startposition=2&endposition=2'), res([r1b]))
  t.match(await get(app, gb, '/calldata/1002/callRecordInfoList?startposition=3&endposition=2'), { retcode: '000-002' })
  t.match(await get(app, gb, '/calldata/1002/callRecordInfoList?startdate=yesterday'), { retcode: '000-002' })
  t.strictSame(await get(app, gb, '/calldata/1002/queryselfcallrecordinfolist'), res([r1b]), 'only the asking agent\'s')
  t.strictSame(await get(app, ga, '/calldata/1001/queryselfcallrecordinfolist?skillid=2'), res([r2]))
})

t.test('business data: set on a call, read back; no call 400-001', async (t) => {
  const { app, ga } = await pair(t)
  t.match((await call(app, ga, 'PUT', '/calldata/1001/setcallbusinessdata', { data: 'x' })).json(), { retcode: '400-001' })
  const c = (await call(app, ga, 'PUT', '/voicecall/1001/callinner', { called: '1002' })).json().result as string
  t.strictSame((await call(app, ga, 'PUT', '/calldata/1001/getcallbusinessdata')).json(), res(''), 'nothing set yet (no body: the current call)')
  t.strictSame((await call(app, ga, 'PUT', '/calldata/1001/setcallbusinessdata', { callid: c, data: 'order=42' })).json(), { message: 'success', retcode: '0', result: {} })
  t.strictSame((await call(app, ga, 'PUT', '/calldata/1001/getcallbusinessdata', { callid: c })).json(), res('order=42'))
  t.match((await call(app, ga, 'PUT', '/calldata/1001/getcallbusinessdata', { callid: 'nope' })).json(), { retcode: '400-001', message: 'no call nope' })
  t.match((await call(app, ga, 'PUT', '/calldata/1001/setcallbusinessdata', { callid: c, data: 'x'.repeat(16385) })).json(), { retcode: '000-002' })
  t.match((await call(app, ga, 'PUT', '/calldata/1001/setcallbusinessdata', { callid: c, data: 5 })).json(), { retcode: '0' }, 'a number is taken as text')
  t.match((await call(app, ga, 'PUT', '/calldata/1001/setcallbusinessdata', { callid: c, data: {} })).json(), { retcode: '000-002' })
})

t.test('private queue and IVR figures: nothing waits there in the mock', async (t) => {
  const { app, ga } = await pair(t)
  t.strictSame(await get(app, ga, '/calldata/1001/privatecallinfo'), res([]))
  t.strictSame(await get(app, ga, '/calldata/1001/ivrcallcount/7'), res(0))
  t.strictSame(await get(app, ga, '/calldata/1001/ivrcallinfo/7'), res([]))
  t.match(await get(app, ga, '/calldata/1001/ivrcallcount/8'), { retcode: '600-004' })
  t.match(await get(app, ga, '/calldata/1001/ivrcallinfo/x'), { retcode: '000-002' })
})

t.test('credentials on every new calldata route: 100-006 and 000-003', async (t) => {
  const { app, ga } = await pair(t)
  for (const path of ['allcallid', 'remotenumbers', 'callnums', 'isprocesscall', 'allcallinfo/1001', 'allcallinfoEx/1001', 'allcallinfoinvdn', 'statistics', 'callRecordInfoList', 'queryselfcallrecordinfolist', 'privatecallinfo', 'ivrcallcount/7', 'ivrcallinfo/7']) {
    t.match(await get(app, ga, `/calldata/1003/${path}`), { retcode: '100-006' }, path)
    t.match(await get(app, ga, `/calldata/1002/${path}`), { retcode: '000-003' }, path)
  }
  for (const path of ['setcallbusinessdata', 'getcallbusinessdata']) t.match((await call(app, ga, 'PUT', `/calldata/1003/${path}`, {})).json(), { retcode: '100-006' }, path)
})
