/**
 * `qualitycontrol/{agentid}/...`: the inspector's queries, supervision of calls (listen, insert,
 * whisper, switch, stop, intercept, force release: the call engine's `supervision`), forced state
 * changes of other agents and sign-in monitoring (the simulator's `forced`). Rights come from the
 * roster role `inspector`. The quality-inspection back office (QC tasks, URLs, self-recording
 * flags) is not simulated.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify'
import Type from 'typebox'
import { AgentQueries } from '../../domain/agent-queries.js'
import { RECORD_ROOT } from '../../domain/recordings.js'
import { fail } from '../../domain/errors.js'
import { SWITCH_TYPES } from '../../domain/supervision.js'
import { ok } from '../../plugins/envelope.js'
import { AGENT_ID_PATTERN } from '../../schemas/gateway.js'
import { notSimulated, route } from './route-kit.js'

const P = '/qualitycontrol/:agentid'

/** [method, path under qualitycontrol/{agentid}/, vendor's method name]. */
export const BACK_OFFICE: ReadonlyArray<[HTTPMethods, string, string]> = [
  ['GET', 'queryqctasks', 'queryQcTasks'],
  ['DELETE', 'deleteqctask', 'deleteQcTask'],
  ['GET', 'queryurlinfo', 'queryUrlInfo'],
  ['POST', 'registerDataToServer', 'registerDataToServer'],
  ['POST', 'setselfrecord/:recordflag/:recordbeforetalking', 'qcSetAgentSelfRecord'],
  ['POST', 'cancelselfrecord', 'qcCancelAgentSelfRecord']
]

export default async function qualitycontrol (app: FastifyInstance): Promise<void> {
  const q = new AgentQueries(app.simulator)
  route(app, 'GET', `${P}/allagent`, 'queryAllMonitoredAgents', (req) => ok(q.monitoredAgents(req.params.agentid), ''))
  // The inspector's view of the simulated recordings (recordplay's).
  route(app, 'GET', `${P}/recordfile`, 'queryRecordFile', (req) => {
    const workno = (req.query as { workno?: string }).workno
    return ok(app.simulator.recordings.find({ workno }), '')
  }, { querystring: Type.Object({ workno: Type.Optional(Type.String({ maxLength: 24 })) }) })
  route(app, 'GET', `${P}/localrecordpath`, 'queryLocalRecordPath', () => ok(RECORD_ROOT, ''))
  for (const [method, path, op] of BACK_OFFICE) notSimulated(app, method, `${P}/${path}`, op, 'quality-inspection back-office')
  supervision(app)
  forcedStates(app)
}

const DONE = ok({}, '')
const WhisperQuery = Type.Object({ whisperagentid: Type.Optional(Type.String({ pattern: AGENT_ID_PATTERN })) })
const AgentsQuery = Type.Object({ agents: Type.String({ minLength: 1, maxLength: 4096 }) })

/** Listen, insert, whisper, switch, stop and intercept on the inspected agent's call. */
function supervision (app: FastifyInstance): void {
  const s = app.simulator.calls.supervision
  route(app, 'PUT', `${P}/addsupervise/:workNo`, 'addSupervise', (req) => { s.start(req.params.agentid, req.params.workNo, 'listen'); return DONE })
  route(app, 'PUT', `${P}/addinsert/:workNo`, 'addInsert', (req) => { s.start(req.params.agentid, req.params.workNo, 'insert'); return DONE })
  route(app, 'PUT', `${P}/intercept/:workNo`, 'intercept', (req) => { s.intercept(req.params.agentid, req.params.workNo); return DONE })
  route(app, 'POST', `${P}/switch/:workNo`, 'switchSuperviseOrInsert', (req) => { s.toggle(req.params.agentid, req.params.workNo); return DONE })
  route(app, 'DELETE', `${P}/:workNo`, 'stopSuperviseOrInsert', (req) => { s.stop(req.params.agentid, req.params.workNo); return DONE })
  route(app, 'POST', `${P}/forcedropcall/:callid`, 'forceDropCall', (req) => { s.forceDrop(req.params.agentid, req.params.callid); return DONE })
  const whisperer = (q: unknown): string | undefined => (q as { whisperagentid?: string }).whisperagentid
  route(app, 'POST', `${P}/requestwhisperagent`, 'requestWhisperAgent', (req) => {
    const workNo = whisperer(req.query)
    if (workNo === undefined) fail('INVALID_PARAMETER', 'whisperagentid is required')
    s.start(req.params.agentid, workNo, 'whisper')
    return DONE
  }, { querystring: WhisperQuery })
  route(app, 'POST', `${P}/requeststopwhisperagent`, 'requestStopWhisperAgent', (req) => { s.stop(req.params.agentid, whisperer(req.query), true); return DONE }, { querystring: WhisperQuery })
  route(app, 'POST', `${P}/requestswitchinsertwhisperagent`, 'requestSwitchInsertWhisperAgent', (req) => {
    const q = req.query as { whisperagentid?: string, switchtype: number }
    s.switchTo(req.params.agentid, q.whisperagentid, SWITCH_TYPES[q.switchtype]!)
    return DONE
  }, { querystring: Type.Object({ ...WhisperQuery.properties, switchtype: Type.Integer({ minimum: 0, maximum: 2 }) }) })
}

/** Another agent's state, forced; sign-in monitoring. */
function forcedStates (app: FastifyInstance): void {
  const f = app.simulator.forced
  route(app, 'POST', `${P}/forcebusy/:workNo`, 'forceBusy', (req) => { f.forceBusy(req.params.agentid, req.params.workNo); return DONE })
  route(app, 'POST', `${P}/forceidle/:workNo`, 'forceIdle', (req) => { f.forceIdle(req.params.agentid, req.params.workNo); return DONE })
  route(app, 'POST', `${P}/forcelogout/:workNo`, 'forceLogOutAgent', (req) => { f.forceLogout(req.params.agentid, req.params.workNo); return DONE })
  route(app, 'POST', `${P}/forcerest/:workNo/:time/:reason`, 'forceRest', (req) => {
    const reason = (req.params as unknown as { reason: string }).reason
    if (!/^[0-9]{1,3}$/.test(reason)) fail('INVALID_PARAMETER', 'reason: 0 to 255')
    f.forceRest(req.params.agentid, req.params.workNo, req.params.time, Number(reason))
    return DONE
  })
  route(app, 'POST', `${P}/beginmonitor`, 'beginMonitor', (req) => { f.beginMonitor(req.params.agentid, (req.query as { agents: string }).agents); return DONE }, { querystring: AgentsQuery })
  route(app, 'POST', `${P}/endmonitor`, 'endMonitor', (req) => { f.endMonitor(req.params.agentid, (req.query as { agents: string }).agents); return DONE }, { querystring: AgentsQuery })
}
