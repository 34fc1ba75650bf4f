/**
 * `querymonitor/{agentid}/...`: the gateway node, system and per-skill agent figures. One node
 * (AgentGateway0), one VDN; agent figures come from the agent directory.
 */
import type { FastifyInstance } from 'fastify'
import { AgentQueries } from '../../domain/agent-queries.js'
import { fail } from '../../domain/errors.js'
import { ok } from '../../plugins/envelope.js'
import { route } from './route-kit.js'

const P = '/querymonitor/:agentid'

/** The version string a real gateway reports, and ours. */
export const SYSTEM_VERSION = 'CC-Gateway (cc-gateway-mock 0.1.0)'

export default async function querymonitor (app: FastifyInstance): Promise<void> {
  const sim = app.simulator
  const q = new AgentQueries(sim)
  route(app, 'GET', `${P}/clusterinfo`, 'queryClusterInfo', () => ok(q.clusters(), ''))
  route(app, 'GET', `${P}/clusterinfobyname/:clustername`, 'queryClusterInfoByName', (req) => ok(q.cluster(req.params.clustername), ''))
  route(app, 'GET', `${P}/agentclusterinfo/:workno`, 'queryAgentClusterInfo', (req) => ok(q.agentCluster(req.params.workno), ''))
  route(app, 'GET', `${P}/allagentclusterinfo`, 'queryAllAgentClusterInfo', () => ok(q.allAgentClusters(), ''))
  route(app, 'GET', `${P}/servertime`, 'queryServerTime', () => ok(sim.clock.now(), ''))
  route(app, 'GET', `${P}/systemstate`, 'querySystemStateInfo', () => ok({ state: 0, description: 'normal' }, ''))
  route(app, 'GET', `${P}/systemversion`, 'querySysVersion', () => ok(SYSTEM_VERSION, ''))
  route(app, 'GET', `${P}/skillstatisticinfo/:skillid`, 'querySkillsStatisticInfo', (req) => ok(q.skillStatistics(req.params.skillid), ''))
  route(app, 'POST', `${P}/setagenttimeout/:flag`, 'setAgentTimeOut', (req) => {
    if (req.params.flag !== 'true' && req.params.flag !== 'false') fail('INVALID_PARAMETER', 'flag must be true or false')
    return ok({})
  })
}
