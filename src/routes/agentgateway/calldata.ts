/** `calldata/{agentid}/...`: call information queries (spec §6 call-data queries). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { ok } from '../../plugins/envelope.js'
import { AGENT_ID_PATTERN, AgentIdParams } from '../../schemas/gateway.js'

const calldata: FastifyPluginAsyncTypebox = async (app) => {
  const calls = app.simulator.calls

  app.get('/calldata/:agentid/callinfo', {
    schema: { params: AgentIdParams, querystring: Type.Object({ isNoContainLastCall: Type.Optional(Type.Boolean()) }) },
    config: { op: 'queryCallInfo', auth: 'agent' }
  }, (req) => ok(calls.callInfo(req.params.agentid, req.query.isNoContainLastCall ?? false)))

  app.get('/calldata/:agentid/callinfobycallid/:callid', {
    schema: { params: Type.Object({ agentid: Type.String({ pattern: AGENT_ID_PATTERN }), callid: Type.String({ maxLength: 64 }) }) },
    config: { op: 'queryCallInfoByCallId', auth: 'agent' }
  }, (req) => ok(app.simulator.callInfoByCallId(req.params.agentid, req.params.callid)))

  app.get('/calldata/:agentid/holdlist', { schema: { params: AgentIdParams }, config: { op: 'queryHoldListInfo', auth: 'agent' } },
    (req) => ok(calls.holdList(req.params.agentid)))

  // ---- the contact centre's calls (issue #11, Part D §D1.6, §D4) ----------------------------
  const q = app.queries
  const agent = { params: AgentIdParams }

  app.get('/calldata/:agentid/callinfobeforeanswer', { schema: agent, config: { op: 'queryCallInfoBeforeAnswer', auth: 'agent' } },
    (req) => ({ message: '', retcode: '0', result: q.callInfoBeforeAnswer(req.params.agentid) }))

  app.get('/calldata/:agentid/waitcallinfo/:skillid', {
    schema: { params: Type.Object({ agentid: Type.String({ pattern: AGENT_ID_PATTERN }), skillid: Type.Integer({ minimum: 0, maximum: 2147483647 }) }) },
    config: { op: 'queryWaitCallInfo', auth: 'agent' }
  }, (req) => ok(q.waitCallInfo(req.params.agentid, req.params.skillid)))

  app.get('/calldata/:agentid/appdata', {
    schema: { params: AgentIdParams, querystring: Type.Object({ isEncodeResult: Type.Optional(Type.String({ maxLength: 10 })), callId: Type.Optional(Type.String({ maxLength: 64 })) }) },
    config: { op: 'queryCallAppData', auth: 'agent' }
  }, (req) => ({ message: '', retcode: '0', result: q.appData(req.params.agentid, req.query.callId, req.query.isEncodeResult === 'true') }))

  app.put('/calldata/:agentid/setcalldataex', {
    schema: {
      params: AgentIdParams,
      body: Type.Object({ callid: Type.Optional(Type.String({ maxLength: 64 })), calldata: Type.Optional(Type.String({ maxLength: 32768 })), isDataEncoded: Type.Optional(Type.Boolean()) })
    },
    config: { op: 'setCallAppDataEx', auth: 'agent' }
  }, (req) => { q.setCallData(req.params.agentid, req.body.callid, req.body.calldata, req.body.isDataEncoded === true); return { message: '', retcode: '0' } })

  // The old form: data and call id in the query string, no body (C# client `SetData`).
  app.put('/calldata/:agentid', {
    schema: { params: AgentIdParams, querystring: Type.Object({ calldata: Type.Optional(Type.String({ maxLength: 32768 })), callid: Type.Optional(Type.String({ maxLength: 64 })) }) },
    config: { op: 'setCallAppData', auth: 'agent' }
  }, (req) => { q.setCallData(req.params.agentid, req.query.callid, req.query.calldata, false); return { message: '', retcode: '0' } })
}

export default calldata
