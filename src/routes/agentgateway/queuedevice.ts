/**
 * `queuedevice/{agentid}/...`: the skill-queue and IVR configuration queries (Part D §D3.2). The
 * waiting-call counts (waitnum, skillwaitnum, queryacdstat, innoinfo...) belong to the queue
 * engine (issue #11) and are not registered here.
 */
import type { FastifyInstance } from 'fastify'
import { AgentQueries } from '../../domain/agent-queries.js'
import { ok } from '../../plugins/envelope.js'
import { route } from './route-kit.js'

const P = '/queuedevice/:agentid'

export default async function queuedevice (app: FastifyInstance): Promise<void> {
  const q = new AgentQueries(app.simulator)
  route(app, 'GET', `${P}/agentvdnskill`, 'querySkillQueueOnAgentVDN', () => ok(q.vdnSkills(), ''))
  route(app, 'GET', `${P}/vdnskill/:vdnid`, 'querySkillQueueOnVDN', (req) => ok(q.vdnSkills(req.params.vdnid), ''))
  route(app, 'GET', `${P}/agentskill/:workNo`, 'querySkillQueueOnAgent', (req) => ok(q.agentSkills(req.params.workNo), ''))
  route(app, 'GET', `${P}/ivrinfo`, 'queryIVRInfoOnVdn', () => ok(q.ivrs(), ''))
}
