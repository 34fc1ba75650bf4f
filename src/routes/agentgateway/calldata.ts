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
}

export default calldata
