/**
 * `agentgroup/{agentid}/...`: agent and work-group queries (Part D §D3.3), all read from the
 * agent directory, so real agents, signed-out roster agents (and later simulated colleagues)
 * appear alike.
 */
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { AgentQueries } from '../../domain/agent-queries.js'
import { fail } from '../../domain/errors.js'
import type { AgentRole } from '../../domain/world.js'
import { ok } from '../../plugins/envelope.js'
import { route } from './route-kit.js'

interface SkillFilter { agentLimit?: number, agentStatus?: number[] }

const GET_BODY_LIMIT = 4096

/** The optional body of agentbyskill: `{"agentLimit":1..500,"agentStatus":[0..255, ...]}`, else 000-002. */
async function skillFilter (raw: AsyncIterable<Buffer | string>): Promise<SkillFilter> {
  let text = ''
  for await (const chunk of raw) {
    text += String(chunk)
    if (text.length > GET_BODY_LIMIT) fail('INVALID_PARAMETER', `the body is longer than ${GET_BODY_LIMIT} bytes`)
  }
  if (text.trim() === '') return {}
  let body: unknown
  try { body = JSON.parse(text) } catch { fail('INVALID_PARAMETER', 'the body is not JSON') }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('INVALID_PARAMETER', 'the body must be an object')
  const { agentLimit, agentStatus } = body as Record<string, unknown>
  const int = (v: unknown, max: number): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max
  if (agentLimit !== undefined && !(int(agentLimit, 500) && (agentLimit as number) >= 1)) fail('INVALID_PARAMETER', 'agentLimit: 1 to 500')
  if (agentStatus !== undefined && !(Array.isArray(agentStatus) && agentStatus.length <= 20 && agentStatus.every(s => int(s, 255)))) fail('INVALID_PARAMETER', 'agentStatus: a list of agent states')
  return { agentLimit: agentLimit as number | undefined, agentStatus: agentStatus as number[] | undefined }
}

const P = '/agentgroup/:agentid'

/** The `is...` right checks and the role each reads. */
const RIGHTS: ReadonlyArray<[string, string, AgentRole]> = [
  ['iscallout', 'isCallOut', 'callout'],
  ['iscensor', 'isCensor', 'inspector'],
  ['ismonitor', 'isMonitor', 'monitor'],
  ['ispickup', 'isPickUp', 'pickup'],
  ['isreportmanager', 'isReportManager', 'reportManager'],
  ['isspymonitor', 'isSpyMonitor', 'spyMonitor'],
  ['issystem', 'isSystem', 'system']
]

const IntQuery = (name: string, required = false): ReturnType<typeof Type.Object> => Type.Object({
  [name]: required ? Type.Integer({ minimum: 0, maximum: 2147483647 }) : Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647 }))
})

export default async function agentgroup (app: FastifyInstance): Promise<void> {
  const q = new AgentQueries(app.simulator)

  route(app, 'GET', `${P}/agentbyworkno/:workno`, 'queryAgentInfoByWorkNo', (req) => ok(q.agentByWorkNo(req.params.workno), ''))
  // A GET with an optional JSON body (cec_07_1025): Fastify parses no GET body, the handler reads it.
  route(app, 'GET', `${P}/agentbyskill/:skillid`, 'queryAgentInfoBySkillId', async (req) => ok(q.agentsBySkill(req.params.skillid, await skillFilter(req.raw)), ''))
  route(app, 'GET', `${P}/agentbyconfigedskill/:skillid`, 'queryAgentInfoByConfigedSkillId', (req) => ok(q.agentsByConfiguredSkill(req.params.skillid), ''))
  route(app, 'GET', `${P}/agentidsbyskill/:skillid`, 'queryAgentIdsBySkillId', (req) => ok(q.agentIdsBySkill(req.params.skillid), ''))
  route(app, 'POST', `${P}/agentinfonoskills`, 'queryAgentInfoWithoutSkills', (req) => {
    const body = req.body as { worknos?: unknown } | null | undefined
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) fail('INVALID_PARAMETER', 'the body must be an object')
    const raw = body?.worknos
    if (raw !== undefined && !(Array.isArray(raw) && raw.length <= 500 && raw.every(w => typeof w === 'string' || typeof w === 'number'))) {
      fail('INVALID_PARAMETER', 'worknos must be a list of at most 500 work numbers')
    }
    return ok(q.agentInfoNoSkills(raw?.map(String)), '')
  })
  route(app, 'GET', `${P}/agentlistbystatus`, 'getAgentListByStatus', (req) => ok(q.agentsByStatus(req.query.status as number), ''), { querystring: IntQuery('status', true) })
  route(app, 'GET', `${P}/agentongroup`, 'queryAllAgentInfoOnMyGroup', (req) => ok(q.agentsOnGroup(req.params.agentid, undefined), ''))
  route(app, 'GET', `${P}/agentongroupex`, 'queryAllAgentInfoOnMyGroupEx', (req) => ok(q.agentsOnGroup(req.params.agentid, req.query.groupid as number | undefined), ''), { querystring: IntQuery('groupid') })
  route(app, 'GET', `${P}/agentrestinfo`, 'queryAgentRestDetailInfo', () => ok(q.restInfo(), ''))
  route(app, 'GET', `${P}/agentwasnameonvdn`, 'queryAllAgentWasNameOnVdn', () => ok(q.names(), ''))
  route(app, 'GET', `${P}/allagentstatus`, 'getAllStatusAgents', () => ok(q.allStatus(), ''))
  // One gateway node: the local agents are all the agents.
  route(app, 'GET', `${P}/alllocalagentstatus`, 'getAllStatusLocalAgents', () => ok(q.allStatus(), ''))
  // No text chat is simulated, so no agent is in one.
  route(app, 'GET', `${P}/allchatagents`, 'getAllAgentsInTextChat', () => ok([], ''))
  route(app, 'GET', `${P}/groupbyagent/:workno`, 'queryGroupInfoByWorkNo', (req) => ok(q.groupByAgent(req.params.workno), ''))
  route(app, 'GET', `${P}/grouponvdn`, 'queryGroupInfoOnVdn', () => ok(q.groupsOnVdn(), ''))
  route(app, 'GET', `${P}/idleagent`, 'getIdleStatusAgents', () => ok(q.idle(), ''))
  for (const [path, op, role] of RIGHTS) {
    route(app, 'GET', `${P}/${path}`, op, (req) => ok(q.hasRole(req.params.agentid, role), ''))
  }
  // P calls iscensor with a trailing slash during sign-in (Part D §D3.3).
  route(app, 'GET', `${P}/iscensor/`, 'isCensor', (req) => ok(q.hasRole(req.params.agentid, 'inspector'), ''))
  route(app, 'GET', `${P}/loggedinagentphoneonvdn`, 'queryAllLoggedInAgentPhonesOnVdn', () => ok(q.phonesOnVdn(), ''))
  route(app, 'GET', `${P}/onlineagentonvdn`, 'queryAllLoginedAgentInfoOnVdn', () => ok(q.onlineOnVdn(), ''))
  route(app, 'GET', `${P}/queryagentstatus`, 'queryAgentStatusAndTimeOnVDN', () => ok(q.statusAndTime(), ''))
  route(app, 'GET', `${P}/queryagentstatusandskill`, 'queryAgentStatusAndSkill', () => ok(q.statusAndSkills(), ''))
  route(app, 'GET', `${P}/restreason`, 'getAgentRestReason', () => ok(q.restReasons(), ''))
}
