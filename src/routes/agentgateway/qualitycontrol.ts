/**
 * `qualitycontrol/{agentid}/...` queries of the inspector. Supervision itself (listen, insert,
 * whisper, intercept, forced state changes) belongs to the call engine and is not registered here;
 * the quality-inspection back office (QC tasks, URLs, self-recording flags) is not simulated.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify'
import Type from 'typebox'
import { AgentQueries } from '../../domain/agent-queries.js'
import { RECORD_ROOT } from '../../domain/recordings.js'
import { ok } from '../../plugins/envelope.js'
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
}
