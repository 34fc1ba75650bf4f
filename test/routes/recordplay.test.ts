/**
 * `recordplay` (issue #13): a simulated recording per agent of each finished connected call,
 * the agent's own recordings, queries and URLs, playback and recording with their state errors.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { build, call, drain, signIn } from '../helper.js'

interface Ctx { app: FastifyInstance, clock: ManualClock, ga: string, gb: string, callid: string, t0: number }

/** 1001 calls 1002 (auto answer), they talk 12 s, 1001 releases. */
async function afterACall (tt: Parameters<typeof build>[0]): Promise<Ctx> {
  const { app, clock } = await build(tt)
  const ga = await signIn(app, '1001')
  const gb = await signIn(app, '1002')
  const t0 = clock.now()
  const callid = (await call(app, ga, 'PUT', '/voicecall/1001/callinner', { called: '1002' })).json().result as string
  clock.advance(12000)
  await call(app, ga, 'DELETE', '/voicecall/1001/release')
  await drain(app, '1001', ga)
  await drain(app, '1002', gb)
  return { app, clock, ga, gb, callid, t0 }
}

const get = async (app: FastifyInstance, guid: string, path: string): Promise<any> => (await call(app, guid, 'GET', path)).json()
const res = (result: unknown): unknown => ({ message: '', retcode: '0', result })
const OK = { message: 'success', retcode: '0', result: {} }
const STATE = '500-001'

t.test('a finished call has one recording per agent; queries by agent, call, id and date', async (t) => {
  const { app, clock, ga, gb, callid, t0 } = await afterACall(t)
  const day = new Date(t0).toISOString().slice(0, 10).replace(/-/g, '')
  const rec = (workno: string): Record<string, unknown> => ({
    recordid: `${callid}-${workno}`,
    callid,
    workno,
    filename: `/record/1/${day}/${workno}/${callid}.wav`,
    caller: '1001',
    called: '1002',
    skillid: 1,
    begintime: t0,
    endtime: t0 + 12000,
    duration: 12
  })
  t.strictSame(await get(app, ga, '/recordplay/1001/recordfile'), res([rec('1001'), rec('1002')]))
  t.strictSame(await get(app, ga, '/recordplay/1001/recordfile?workno=1002'), res([rec('1002')]))
  t.strictSame(await get(app, ga, '/recordplay/1001/recordfile?skillid=2'), res([]))
  t.strictSame(await get(app, ga, `/recordplay/1001/recordfile?startdate=${t0 + 1}`), res([]))
  t.strictSame(await get(app, ga, '/recordplay/1001/recordfile?startposition=2&endposition=5'), res([rec('1002')]))
  t.match(await get(app, ga, '/recordplay/1001/recordfile?startposition=0'), { retcode: '000-002' })
  t.strictSame(await get(app, gb, '/recordplay/1002/queryselfrecordfile'), res([rec('1002')]))
  t.strictSame(await get(app, ga, `/recordplay/1001/queryrecordfilebycallid?callid=${callid}&workno=1001`), res([rec('1001')]))
  t.match(await get(app, ga, '/recordplay/1001/queryrecordfilebycallid'), { retcode: '000-002' }, 'callid required')
  t.strictSame(await get(app, ga, `/recordplay/1001/recordfilefromrecordid?recordid=${callid}-1002`), res(rec('1002')))
  t.match(await get(app, ga, '/recordplay/1001/recordfilefromrecordid?recordid=nope'), { retcode: '000-002' })
  const file = rec('1001').filename as string
  t.strictSame(await get(app, ga, `/recordplay/1001/recordfileurl?filepath=${encodeURIComponent(file)}`), res(`https://recordings.cc-gateway-mock.invalid${file}`))
  t.strictSame(await get(app, ga, `/recordplay/1001/recordzipfileurl?filepath=${encodeURIComponent(file)}`), res(`https://recordings.cc-gateway-mock.invalid/zip/${callid}.zip`))
  t.strictSame(await get(app, ga, `/recordplay/1001/batchrecordzipfileurl?filepath=${encodeURIComponent(`${file};${rec('1002').filename as string}`)}`), res('https://recordings.cc-gateway-mock.invalid/zip/batch-2.zip'))
  t.match(await get(app, ga, '/recordplay/1001/recordfileurl?filepath=/etc/passwd'), { retcode: '000-002' })
  t.match(await get(app, ga, '/recordplay/1001/recordfileurl'), { retcode: '000-002' })
  t.strictSame(await get(app, ga, '/recordplay/1001/queryrecordscore'), res([]))
  // A call that never connected has no recording.
  await call(app, ga, 'PUT', '/voicecall/1001/callinner', { called: '1003' })
  clock.advance(1000)
  t.equal((await get(app, ga, '/recordplay/1001/recordfile')).result.length, 2)
})

t.test('playback: play, pause, resume, fast forward and back within the file, stop; state errors 500-001', async (t) => {
  const { app, ga, callid } = await afterACall(t)
  const file = (await get(app, ga, `/recordplay/1001/queryrecordfilebycallid?callid=${callid}&workno=1001`)).result[0].filename as string
  const post = async (path: string): Promise<unknown> => (await call(app, ga, 'POST', `/recordplay/1001/${path}`)).json()
  t.match(await post('pauseplay'), { retcode: STATE, message: 'no recording is playing' })
  t.match((await call(app, ga, 'DELETE', '/recordplay/1001/stopplay')).json(), { retcode: STATE })
  t.match((await call(app, ga, 'PUT', '/recordplay/1001/play', { filename: '/record/none.wav' })).json(), { retcode: '000-002' })
  t.match((await call(app, ga, 'PUT', '/recordplay/1001/play')).json(), { retcode: '000-002' })
  t.strictSame((await call(app, ga, 'PUT', '/recordplay/1001/play', { filename: file })).json(), OK)
  t.match((await call(app, ga, 'PUT', '/recordplay/1001/play', { filename: file })).json(), { retcode: STATE }, 'already playing')
  const sim = app.simulator.recordings
  t.strictSame(await post('forefast/5'), OK)
  t.strictSame(sim.playbackOf('1001'), { filename: file, state: 'playing', position: 5 })
  t.strictSame(await post('forefast/60'), OK)
  t.equal(sim.playbackOf('1001')?.position, 12, 'not past the end')
  t.strictSame(await post('backfast/4'), OK)
  t.equal(sim.playbackOf('1001')?.position, 8)
  t.strictSame(await post('pauseplay'), OK)
  t.match(await post('pauseplay'), { retcode: STATE, message: 'the playback is paused' })
  t.strictSame(await post('backfast/100'), OK)
  t.strictSame(sim.playbackOf('1001'), { filename: file, state: 'paused', position: 0 })
  t.strictSame(await post('resumeplay'), OK)
  t.match(await post('resumeplay'), { retcode: STATE })
  t.match(await post('forefast/abc'), { retcode: '000-002' })
  t.strictSame((await call(app, ga, 'DELETE', '/recordplay/1001/stopplay')).json(), OK)
  t.equal(sim.playbackOf('1001'), undefined)
})

t.test('recording: record (named or not), pause, resume, stop; the file joins the recordings', async (t) => {
  const { app, clock, ga } = await afterACall(t)
  const post = async (path: string): Promise<unknown> => (await call(app, ga, 'POST', `/recordplay/1001/${path}`)).json()
  t.match(await post('pauserecord'), { retcode: STATE, message: 'not recording' })
  t.match((await call(app, ga, 'DELETE', '/recordplay/1001/stoprecord')).json(), { retcode: STATE })
  t.match((await call(app, ga, 'PUT', '/recordplay/1001/record?filename=../x')).json(), { retcode: '000-002' })
  const begin = clock.now()
  const started = (await call(app, ga, 'PUT', '/recordplay/1001/record?filename=greeting')).json()
  t.match(started, { retcode: '0', result: /\/1001\/greeting\.wav$/ })
  t.match((await call(app, ga, 'PUT', '/recordplay/1001/recordwithoutfilename')).json(), { retcode: STATE }, 'already recording')
  t.strictSame(await post('pauserecord'), OK)
  t.match(await post('pauserecord'), { retcode: STATE })
  t.strictSame(await post('resumerecord'), OK)
  clock.advance(7000)
  const stopped = (await call(app, ga, 'DELETE', '/recordplay/1001/stoprecord')).json()
  t.strictSame(stopped, res({ recordid: `rec-1001-${begin}`, callid: '', workno: '1001', filename: started.result, caller: '', called: '', skillid: 1, begintime: begin, endtime: begin + 7000, duration: 7 }))
  t.strictSame((await get(app, ga, '/recordplay/1001/queryselfrecordfile')).result.at(-1), stopped.result)
  t.strictSame((await call(app, ga, 'PUT', '/recordplay/1001/play', { filename: started.result })).json(), OK, 'and can be played')
  const unnamed = (await call(app, ga, 'PUT', '/recordplay/1001/recordwithoutfilename')).json()
  t.match(unnamed, { retcode: '0', result: new RegExp(`/1001/1001-${clock.now()}-\\d+\\.wav$`) })
})

t.test('every recordplay route: not signed in 100-006, another agent\'s GUID 000-003, bad agent 000-002', async (t) => {
  const { app, ga } = await afterACall(t)
  const routes: Array<['GET' | 'PUT' | 'POST' | 'DELETE', string]> = [
    ['GET', 'recordfile'], ['GET', 'queryselfrecordfile'], ['GET', 'queryrecordfilebycallid?callid=1'], ['GET', 'recordfilefromrecordid?recordid=1'],
    ['GET', 'recordfileurl?filepath=x'], ['GET', 'recordzipfileurl?filepath=x'], ['GET', 'batchrecordzipfileurl?filepath=x'], ['GET', 'queryrecordscore'],
    ['PUT', 'play'], ['POST', 'pauseplay'], ['POST', 'resumeplay'], ['POST', 'forefast/1'], ['POST', 'backfast/1'], ['DELETE', 'stopplay'],
    ['PUT', 'record'], ['PUT', 'recordwithoutfilename'], ['POST', 'pauserecord'], ['POST', 'resumerecord'], ['DELETE', 'stoprecord']
  ]
  for (const [method, path] of routes) {
    t.match((await call(app, ga, method, `/recordplay/1003/${path}`)).json(), { retcode: '100-006' }, path)
    t.match((await call(app, ga, method, `/recordplay/1002/${path}`)).json(), { retcode: '000-003' }, path)
    t.match((await call(app, ga, method, `/recordplay/abc/${path}`)).json(), { retcode: '000-002' }, path)
  }
})

t.test('qualitycontrol/recordfile and localrecordpath: the inspector\'s view of the same recordings', async (t) => {
  const { app, ga, callid } = await afterACall(t)
  t.strictSame((await get(app, ga, '/qualitycontrol/1001/recordfile?workno=1002')).result.map((r: { recordid: string }) => r.recordid), [`${callid}-1002`])
  t.equal((await get(app, ga, '/qualitycontrol/1001/recordfile')).result.length, 2)
  t.strictSame(await get(app, ga, '/qualitycontrol/1001/localrecordpath'), res('/record/1'))
  t.match(await get(app, ga, '/qualitycontrol/1002/recordfile'), { retcode: '000-003' })
})

t.test('a reset of the mock forgets every recording', async (t) => {
  const { app, ga } = await afterACall(t)
  await call(app, ga, 'PUT', '/recordplay/1001/recordwithoutfilename')
  await call(app, ga, 'DELETE', '/recordplay/1001/stoprecord')
  t.equal((await get(app, ga, '/recordplay/1001/recordfile')).result.length, 3)
  t.equal((await app.inject({ method: 'POST', url: '/__mock/reset' })).statusCode, 200)
  const g = await signIn(app, '1001')
  t.strictSame(await get(app, g, '/recordplay/1001/recordfile'), res([]))
})
