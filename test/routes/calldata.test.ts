/**
 * Call-data queries (spec §6 "Call-data queries", issue #3): `calldata/{id}/callinfo` during and
 * after a call (with `isNoContainLastCall`), and `calldata/{id}/callinfobycallid/{callid}`.
 * Shapes follow the spec's samples: numbers for callfeature/callskillid/times, strings elsewhere.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { build, call, drain, signIn, dial } from '../helper.js'

const A = '1001'
const B = '1002'
const NO_CALL = { message: 'call data: no call', retcode: '400-001' }

interface Ctx { app: FastifyInstance, clock: ManualClock, ga: string, gb: string }

async function pair (tt: Parameters<typeof build>[0]): Promise<Ctx> {
  const { app, clock } = await build(tt)
  const ga = await signIn(app, A)
  const gb = await signIn(app, B)
  await drain(app, A, ga)
  await drain(app, B, gb)
  return { app, clock, ga, gb }
}

const get = async (app: FastifyInstance, guid: string, path: string): Promise<unknown> => (await call(app, guid, 'GET', path)).json()
const okBody = (result: unknown): unknown => ({ message: 'success', retcode: '0', result })

interface InfoFields { callfeature: number, callid: string, caller: string, called: string, callskillid?: number, callskill?: string, calldata?: string, begintime: number, endtime: number | null }
const info = (f: InfoFields): Record<string, unknown> => ({
  callfeature: f.callfeature,
  callid: f.callid,
  caller: f.caller,
  called: f.called,
  callskill: f.callskill ?? 'voice',
  callskillid: f.callskillid ?? 1,
  orgicallednum: '',
  calldata: f.calldata ?? '',
  begintime: f.begintime,
  endtime: f.endtime,
  userPriority: 0,
  trunkNo: 65535,
  logontimes: 0
})

t.test('callinfo during an internal call describes it on both sides, with the callappdata sent', async (t) => {
  const { app, clock, ga, gb } = await pair(t)
  clock.advance(1500)
  const begin = clock.now()
  const callid = await dial(app, ga, A, { called: B, callappdata: 'order=42;lang=fr' })
  clock.advance(3000)

  const expected = info({ callfeature: 6, callid, caller: A, called: B, calldata: 'order=42;lang=fr', begintime: begin, endtime: null })
  const aInfo = await get(app, ga, `/calldata/${A}/callinfo`)
  t.strictSame(aInfo, okBody(expected))
  t.strictSame(Object.keys((aInfo as { result: object }).result),
    ['callfeature', 'callid', 'caller', 'called', 'callskill', 'callskillid', 'orgicallednum', 'calldata', 'begintime', 'endtime', 'userPriority', 'trunkNo', 'logontimes'],
    'keys in the order of the spec sample')
  t.strictSame(await get(app, gb, `/calldata/${B}/callinfo`), okBody(expected), 'the called agent sees the same call')
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo?isNoContainLastCall=true`), okBody(expected), 'the flag only matters with no current call')
})

t.test('callinfo after the call returns the last call with its end time, unless isNoContainLastCall=true', async (t) => {
  const { app, clock, ga, gb } = await pair(t)
  const begin = clock.now()
  const callid = await dial(app, ga, A, { called: B, callappdata: 'ticket 7', skillid: 2 })
  clock.advance(5000)
  await call(app, ga, 'DELETE', `/voicecall/${A}/release`)
  const end = clock.now()

  const expected = okBody(info({ callfeature: 6, callid, caller: A, called: B, callskillid: 2, callskill: 'billing', calldata: 'ticket 7', begintime: begin, endtime: end }))
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo`), expected)
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo?isNoContainLastCall=false`), expected)
  t.strictSame(await get(app, gb, `/calldata/${B}/callinfo`), expected, 'the other party too')
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo?isNoContainLastCall=true`), NO_CALL)
  t.strictSame(await get(app, gb, `/calldata/${B}/callinfo?isNoContainLastCall=true`), NO_CALL)
})

t.test('callinfo with no call ever answers 400-001', async (t) => {
  const { app, ga } = await pair(t)
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo`), NO_CALL)
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo?isNoContainLastCall=true`), NO_CALL)
})

t.test('callinfo of a call-out shows callfeature 7 and the default caller', async (t) => {
  const { app, clock, ga } = await pair(t)
  const begin = clock.now()
  const callid = await dial(app, ga, A, { called: '5550100', callappdata: 'x' }, 'callout')
  clock.advance(1000)
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo`),
    okBody(info({ callfeature: 7, callid, caller: '10086', called: '5550100', calldata: 'x', begintime: begin, endtime: null })))
})

t.test('callinfo of a call that failed is still the last call', async (t) => {
  const { app, clock, ga } = await pair(t)
  const begin = clock.now()
  const callid = await dial(app, ga, A, { called: '9005' })
  clock.advance(2000)
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo`),
    okBody(info({ callfeature: 6, callid, caller: A, called: '9005', begintime: begin, endtime: begin + 2000 })))
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo?isNoContainLastCall=true`), NO_CALL)
})

t.test('callinfo while a call is held describes the held call; with a consultation active, the active one', async (t) => {
  const { app, clock, ga } = await pair(t)
  const begin = clock.now()
  const held = await dial(app, ga, A, { called: B })
  await call(app, ga, 'POST', `/voicecall/${A}/hold`)
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo`),
    okBody(info({ callfeature: 6, callid: held, caller: A, called: B, begintime: begin, endtime: null })))
  clock.advance(1000)
  const consult = await dial(app, ga, A, { called: '9001' })
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfo`),
    okBody(info({ callfeature: 6, callid: consult, caller: A, called: '9001', begintime: begin + 1000, endtime: null })))
})

t.test('callappdata of 16384 bytes comes back unchanged', async (t) => {
  const { app, ga } = await pair(t)
  const data = 'é'.repeat(8000) + 'x'.repeat(384)
  const callid = await dial(app, ga, A, { called: '9002', callappdata: data })
  const res = (await get(app, ga, `/calldata/${A}/callinfo`)) as { result: { calldata: string } }
  t.equal(res.result.calldata, data)
  const byId = (await get(app, ga, `/calldata/${A}/callinfobycallid/${callid}`)) as { result: { calldata: string } }
  t.equal(byId.result.calldata, data)
})

t.test('callinfobycallid answers the short shape during and after the call', async (t) => {
  const { app, clock, ga, gb } = await pair(t)
  const callid = await dial(app, ga, A, { called: B, callappdata: 'abc' })
  const expected = okBody({ called: B, caller: A, callid, calldata: 'abc', orgicallednum: '', callfeature: 6, callskill: 'voice' })
  const during = await get(app, ga, `/calldata/${A}/callinfobycallid/${callid}`)
  t.strictSame(during, expected)
  t.strictSame(Object.keys((during as { result: object }).result), ['called', 'caller', 'callid', 'calldata', 'orgicallednum', 'callfeature', 'callskill'])
  t.strictSame(await get(app, gb, `/calldata/${B}/callinfobycallid/${callid}`), expected)
  clock.advance(2000)
  await call(app, gb, 'DELETE', `/voicecall/${B}/release`)
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfobycallid/${callid}`), expected, 'after the call')
})

t.test('callinfobycallid of a call-out shows callfeature 7 and the caller from the body', async (t) => {
  const { app, ga } = await pair(t)
  const callid = await dial(app, ga, A, { called: '5550101', caller: '4008001' }, 'callout')
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfobycallid/${callid}`),
    okBody({ called: '5550101', caller: '4008001', callid, calldata: '', orgicallednum: '', callfeature: 7, callskill: 'voice' }))
})

t.test('callinfobycallid of an unknown callid answers 400-001 naming it', async (t) => {
  const { app, ga } = await pair(t)
  t.strictSame(await get(app, ga, `/calldata/${A}/callinfobycallid/1767225600-99`), { message: 'no call 1767225600-99', retcode: '400-001' })
})

t.test('call-data queries answer 100-006 for an agent that is not signed in', async (t) => {
  const { app, ga } = await pair(t)
  const notIn = { message: 'the agent has not signed in', retcode: '100-006' }
  t.strictSame(await get(app, ga, '/calldata/1003/callinfo'), notIn)
  t.strictSame(await get(app, ga, '/calldata/1003/callinfobycallid/1-1'), notIn)
})

t.test('a non-boolean isNoContainLastCall answers 000-002 naming it', async (t) => {
  const { app, ga } = await pair(t)
  const res = (await get(app, ga, `/calldata/${A}/callinfo?isNoContainLastCall=maybe`)) as { message: string, retcode: string }
  t.equal(res.retcode, '000-002')
  t.match(res.message, /isNoContainLastCall/)
})
