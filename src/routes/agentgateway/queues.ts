/**
 * `queuedevice/{agentid}/...` queries that watch the contact centre's queues (issue #11, Part D
 * §D3.2): queue lengths, ACD statistics and access codes. Answers come from the ACD's live figures.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { ok } from '../../plugins/envelope.js'
import { AGENT_ID_PATTERN, AgentIdParams } from '../../schemas/gateway.js'

const SkillParams = Type.Object({ agentid: Type.String({ pattern: AGENT_ID_PATTERN }), skillid: Type.Integer({ minimum: 0, maximum: 2147483647 }) })
/** P sends the ids as strings, others as numbers; at most 100 (Part D §D3.2). */
const AcdStatBody = Type.Object({ skills: Type.Array(Type.Integer({ minimum: 0, maximum: 2147483647 }), { maxItems: 100 }) })

const queues: FastifyPluginAsyncTypebox = async (app) => {
  const q = app.queries
  const agent = { schema: { params: AgentIdParams } }

  app.get('/queuedevice/:agentid/waitnum', { ...agent, config: { op: 'queryQueueLengthOnAgent', auth: 'agent' } },
    (req) => ok(q.waitNum(req.params.agentid)))
  app.get('/queuedevice/:agentid/waitnumbyagent', { ...agent, config: { op: 'queryQueueLengthOnAgentSkills', auth: 'agent' } },
    (req) => ok(q.waitNumByAgent(req.params.agentid)))
  app.get('/queuedevice/:agentid/skillwaitnum/:skillid', { schema: { params: SkillParams }, config: { op: 'queryQueueLengthBySkillId', auth: 'agent' } },
    (req) => ok(q.skillWaitNum(req.params.agentid, req.params.skillid)))
  app.post('/queuedevice/:agentid/queryacdstat', { schema: { params: AgentIdParams, body: AcdStatBody }, config: { op: 'queryStatInfoOfAcd', auth: 'agent' } },
    (req) => ok(q.acdStat(req.params.agentid, req.body.skills)))
  // Not captured (Appendix A only): the same records as queryacdstat, for the skills named, or all.
  app.post('/queuedevice/:agentid/queryskillstat', { schema: { params: AgentIdParams, body: Type.Optional(Type.Object({ skills: Type.Optional(AcdStatBody.properties.skills) })) }, config: { op: 'querySkillStat', auth: 'agent' } },
    (req) => ok(q.acdStat(req.params.agentid, req.body?.skills ?? app.simulator.world.world.skills.map(s => s.id))))
  app.get('/queuedevice/:agentid/innoinfo', { ...agent, config: { op: 'queryInNoOnVDN', auth: 'agent' } },
    (req) => ok(q.accessCodes(req.params.agentid)))
}

export default queues
