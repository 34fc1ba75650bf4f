/**
 * `calldata/{agentid}/...` queries that need no customer queue (issue #13): call ids, remote
 * numbers, counts, the calls of an agent or of the VDN, statistics, call records and business
 * data, other agents' hold lists. Queue-fed ones (callinfobeforeanswer, waitcallinfo, appdata, set
 * call data) and the agent's own hold list are not registered here.
 */
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { CallQueries, type RecordFilter } from '../../domain/call-queries.js'
import { ok } from '../../plugins/envelope.js'
import { RecordListQuery, route } from './route-kit.js'

const P = '/calldata/:agentid'

const Str = Type.String({ maxLength: 64 })
const RecordQuery = RecordListQuery
const BusinessBody = Type.Object({ callid: Type.Optional(Str), data: Type.Optional(Type.String()) })

export default async function calldataMore (app: FastifyInstance): Promise<void> {
  const q = new CallQueries(app.simulator)
  route(app, 'GET', `${P}/allcallid`, 'queryAllCallID', (req) => ok(q.allCallIds(req.params.agentid), ''))
  route(app, 'GET', `${P}/remotenumbers`, 'queryRemoteNumbers', (req) => ok(q.remoteNumbers(req.params.agentid), ''))
  route(app, 'GET', `${P}/callnums`, 'queryCallNumsOnAgent', (req) => ok(q.callNums(req.params.agentid), ''))
  route(app, 'GET', `${P}/isprocesscall`, 'isProcessCall', (req) => ok(q.isProcessCall(req.params.agentid), ''))
  route(app, 'GET', `${P}/allcallinfo/:workno`, 'queryAllCallInfoByAgentWorkNo', (req) => ok(q.callsOfAgent(req.params.workno, false), ''))
  route(app, 'GET', `${P}/allcallinfoEx/:workno`, 'queryAllCallInfoByAgentWorkNoEx', (req) => ok(q.callsOfAgent(req.params.workno, true), ''))
  route(app, 'GET', `${P}/allcallinfoinvdn`, 'queryAllCallInfoOnVdn', () => ok(q.callsInVdn(), ''))
  // Like the agent's own holdlist (message "success").
  route(app, 'GET', `${P}/agentholdnum/:workno`, 'queryAgentHoldNum', (req) => ok(app.simulator.calls.heldNum(req.params.agentid, req.params.workno)))
  route(app, 'GET', `${P}/holdlistex/:workno`, 'queryHoldListInfoEx', (req) => ok(app.simulator.calls.holdList(req.params.agentid, req.params.workno)))
  route(app, 'GET', `${P}/statistics`, 'queryCallStatisticsInfo', (req) => ok(q.statistics(req.params.agentid), ''))
  route(app, 'GET', `${P}/callRecordInfoList`, 'queryCallRecordList', (req) => ok(q.records(req.query as RecordFilter), ''), { querystring: RecordQuery })
  route(app, 'GET', `${P}/queryselfcallrecordinfolist`, 'querySelfCallRecordInfo', (req) => ok(q.records({ ...(req.query as RecordFilter), workno: req.params.agentid }), ''), { querystring: RecordQuery })
  // No private queue and no IVR flow ever holds a call in the mock.
  route(app, 'GET', `${P}/privatecallinfo`, 'queryPrivateCallInfo', () => ok([], ''))
  route(app, 'GET', `${P}/ivrcallcount/:ivrid`, 'queryCallCountByIVRId', (req) => ok(q.ivrCalls(req.params.ivrid), ''))
  route(app, 'GET', `${P}/ivrcallinfo/:ivrid`, 'queryWaitCallInfoByIVRId', (req) => { q.ivrCalls(req.params.ivrid); return ok([], '') })
  route(app, 'PUT', `${P}/setcallbusinessdata`, 'setCallBusinessData', (req) => {
    const body = req.body as { callid?: string, data?: string }
    q.setBusinessData(req.params.agentid, body.callid, body.data ?? '')
    return ok({})
  }, { body: BusinessBody })
  route(app, 'PUT', `${P}/getcallbusinessdata`, 'getCallBusinessData', (req) => ok(q.businessData(req.params.agentid, (req.body as { callid?: string }).callid), ''), { body: BusinessBody })
}
