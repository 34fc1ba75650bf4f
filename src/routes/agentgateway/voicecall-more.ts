/**
 * `voicecall/{agentid}/...` interfaces outside the call-control redesign (issue #13): the preview
 * call-out (an outbound call like `callout`, through the CallEngine's public `callOut`), picking up
 * a colleague's ringing call (`snatchpickup`), video mute (a flag on the talking connection: the
 * mock's calls are voice calls) and the voice-quality report, which the mock does not simulate.
 */
import type { FastifyInstance } from 'fastify'
import { fail } from '../../domain/errors.js'
import { ok } from '../../plugins/envelope.js'
import Type from 'typebox'
import { AGENT_ID_PATTERN, CALLAPPDATA_MAX_BYTES, DialBody } from '../../schemas/gateway.js'
import { notSimulated, route } from './route-kit.js'

export default async function voicecallMore (app: FastifyInstance): Promise<void> {
  const calls = app.simulator.calls
  route(app, 'PUT', '/voicecall/:agentid/previewcallout', 'previewCallOut', (req) => {
    const body = req.body as { called: string, caller?: string, skillid?: number, callappdata?: string }
    if (body.callappdata !== undefined && Buffer.byteLength(body.callappdata, 'utf8') > CALLAPPDATA_MAX_BYTES) fail('INVALID_PARAMETER', `callappdata is longer than ${CALLAPPDATA_MAX_BYTES} bytes`)
    return ok(calls.callOut(req.params.agentid, { called: body.called, caller: body.caller, skillid: body.skillid, callappdata: body.callappdata }), '')
  }, { body: DialBody })
  // destWorkNo: an int of 101–999999 (cec_07_0387), as every work number.
  route(app, 'PUT', '/voicecall/:agentid/snatchpickup', 'snatchPickUp', (req) => {
    calls.pickup.snatch(req.params.agentid, String((req.query as { destWorkNo: string }).destWorkNo))
    return ok({})
  }, { querystring: Type.Object({ destWorkNo: Type.String({ pattern: AGENT_ID_PATTERN }) }) })
  route(app, 'POST', '/voicecall/:agentid/beginmutevideo', 'beginMuteVideo', (req) => { calls.mute(req.params.agentid, true, 'videoMuted'); return ok({}) })
  route(app, 'POST', '/voicecall/:agentid/endmutevideo', 'endMuteVideo', (req) => { calls.mute(req.params.agentid, false, 'videoMuted'); return ok({}) })
  notSimulated(app, 'POST', '/voicecall/:agentid/reportsound', 'reportSound', 'voice-quality report')
}
