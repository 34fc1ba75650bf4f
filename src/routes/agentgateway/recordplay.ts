/**
 * `recordplay/{agentid}/...` (issue #13): one plausible simulated recording per agent of every
 * finished connected call, plus the agent's own recordings; queries, file URLs, playback and
 * recording with their state errors (500-001).
 */
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { parseTime } from '../../domain/call-queries.js'
import { fail } from '../../domain/errors.js'
import type { RecordingFilter } from '../../domain/recordings.js'
import { ok } from '../../plugins/envelope.js'
import { RecordListQuery, route } from './route-kit.js'

const P = '/recordplay/:agentid'
const Str = Type.String({ maxLength: 256 })
const FileQuery = Type.Object({ filepath: Str })
const ListQuery = RecordListQuery

interface ListInput { workno?: string, skillid?: number, startdate?: string, enddate?: string, startposition?: number, endposition?: number }

function filterOf (q: ListInput): RecordingFilter {
  return {
    workno: q.workno,
    skillid: q.skillid,
    from: q.startdate === undefined || q.startdate === '' ? undefined : parseTime(q.startdate, 'startdate'),
    to: q.enddate === undefined || q.enddate === '' ? undefined : parseTime(q.enddate, 'enddate'),
    startposition: q.startposition,
    endposition: q.endposition
  }
}

export default async function recordplay (app: FastifyInstance): Promise<void> {
  const rec = app.simulator.recordings
  const id = (req: { params: { agentid: string } }): string => req.params.agentid

  // ---- queries
  route(app, 'GET', `${P}/recordfile`, 'queryRecordFile', (req) => ok(rec.find(filterOf(req.query as ListInput)), ''), { querystring: ListQuery })
  route(app, 'GET', `${P}/queryselfrecordfile`, 'querySelfRecordFile', (req) => ok(rec.find({ ...filterOf(req.query as ListInput), workno: id(req) }), ''), { querystring: ListQuery })
  route(app, 'GET', `${P}/queryrecordfilebycallid`, 'queryRecordFileByCallId', (req) => {
    const q = req.query as { callid: string, workno?: string }
    return ok(rec.find({ callid: q.callid, workno: q.workno }), '')
  }, { querystring: Type.Object({ callid: Type.String({ minLength: 1, maxLength: 64 }), workno: Type.Optional(Str), calltime: Type.Optional(Str) }) })
  route(app, 'GET', `${P}/recordfilefromrecordid`, 'queryRecordFileFromRecordID', (req) => ok(rec.byId((req.query as { recordid: string }).recordid), ''), { querystring: Type.Object({ recordid: Type.String({ minLength: 1, maxLength: 128 }) }) })
  route(app, 'GET', `${P}/recordfileurl`, 'queryRecordFileURL', (req) => ok(rec.url((req.query as { filepath: string }).filepath), ''), { querystring: FileQuery })
  route(app, 'GET', `${P}/recordzipfileurl`, 'queryRecordZipFileURL', (req) => ok(rec.zipUrl((req.query as { filepath: string }).filepath), ''), { querystring: FileQuery })
  route(app, 'GET', `${P}/batchrecordzipfileurl`, 'queryBatchRecordZipFileURL', (req) => ok(rec.zipUrl((req.query as { filepath: string }).filepath), ''), { querystring: Type.Object({ filepath: Type.String({ maxLength: 8192 }) }) })
  // Recordings are not scored by the mock.
  route(app, 'GET', `${P}/queryrecordscore`, 'queryVoiceRecordScore', () => ok([], ''))

  // ---- playback
  route(app, 'PUT', `${P}/play`, 'beginPlay', (req) => { rec.play(id(req), (req.body as { filename: string }).filename); return ok({}) },
    { body: Type.Object({ filename: Type.String({ minLength: 1, maxLength: 256 }) }) })
  route(app, 'POST', `${P}/pauseplay`, 'pausePlay', (req) => { rec.pausePlay(id(req)); return ok({}) })
  route(app, 'POST', `${P}/resumeplay`, 'resumePlay', (req) => { rec.resumePlay(id(req)); return ok({}) })
  route(app, 'POST', `${P}/forefast/:time`, 'foreFastPlay', (req) => { rec.seek(id(req), req.params.time); return ok({}) })
  route(app, 'POST', `${P}/backfast/:time`, 'backFastPlay', (req) => { rec.seek(id(req), -req.params.time); return ok({}) })
  route(app, 'DELETE', `${P}/stopplay`, 'stopPlay', (req) => { rec.stopPlay(id(req)); return ok({}) })

  // ---- recording
  route(app, 'PUT', `${P}/record`, 'beginRecord', (req) => {
    const filename = (req.query as { filename?: string }).filename
    if (filename !== undefined && !/^[\w.-]{1,64}$/.test(filename)) fail('INVALID_PARAMETER', 'filename: 1 to 64 letters, digits, dots, dashes or underscores')
    return ok(rec.record(id(req), filename), '')
  }, { querystring: Type.Object({ filename: Type.Optional(Type.String({ maxLength: 64 })) }) })
  route(app, 'PUT', `${P}/recordwithoutfilename`, 'beginRecordWithoutFilename', (req) => ok(rec.record(id(req), undefined), ''))
  route(app, 'POST', `${P}/pauserecord`, 'pauseRecord', (req) => { rec.pauseRecord(id(req)); return ok({}) })
  route(app, 'POST', `${P}/resumerecord`, 'resumeRecord', (req) => { rec.resumeRecord(id(req)); return ok({}) })
  route(app, 'DELETE', `${P}/stoprecord`, 'stopRecord', (req) => ok(rec.stopRecord(id(req)), ''))
}
