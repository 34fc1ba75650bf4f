/**
 * `voicecall/{agentid}/...`: the internal call of the seed, call-out, answer, release, hold,
 * retrieve and phone linkage (spec §6, Part B §16–§19).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { fail } from '../../domain/errors.js'
import type { DialInput } from '../../domain/call-engine.js'
import { ok } from '../../plugins/envelope.js'
import Type from 'typebox'
import { AGENT_ID_PATTERN, AgentIdParams, CALLAPPDATA_MAX_BYTES, CallIdQuery, DialBody } from '../../schemas/gateway.js'

function dialInput (body: { called: string, caller?: string | undefined, skillid?: number | undefined, callappdata?: string | undefined }): DialInput {
  if (body.callappdata !== undefined && Buffer.byteLength(body.callappdata, 'utf8') > CALLAPPDATA_MAX_BYTES) {
    fail('INVALID_PARAMETER', `callappdata is longer than ${CALLAPPDATA_MAX_BYTES} bytes`)
  }
  return { called: body.called, caller: body.caller, skillid: body.skillid, callappdata: body.callappdata }
}

const voicecall: FastifyPluginAsyncTypebox = async (app) => {
  const calls = app.simulator.calls
  const agent = { schema: { params: AgentIdParams } }

  app.put('/voicecall/:agentid/callinner', {
    schema: { params: AgentIdParams, body: DialBody },
    config: { op: 'callInner', auth: 'agent' }
  }, (req) => ok(calls.callInner(req.params.agentid, dialInput(req.body)), ''))

  app.put('/voicecall/:agentid/callout', {
    schema: { params: AgentIdParams, body: DialBody },
    config: { op: 'callout', auth: 'agent' }
  }, (req) => ok(calls.callOut(req.params.agentid, dialInput(req.body)), ''))

  app.put('/voicecall/:agentid/answer', {
    schema: { params: AgentIdParams, querystring: CallIdQuery },
    config: { op: 'answer', auth: 'agent' }
  }, (req) => { calls.answer(req.params.agentid, req.query.callid); return ok({}) })

  app.delete('/voicecall/:agentid/release', { ...agent, config: { op: 'release', auth: 'agent' } }, (req) => {
    calls.release(req.params.agentid)
    return ok({})
  })
  app.delete('/voicecall/:agentid', { ...agent, config: { op: 'releaseEx', auth: 'agent' } }, (req) => {
    calls.release(req.params.agentid)
    return ok({})
  })

  app.post('/voicecall/:agentid/hold', { ...agent, config: { op: 'hold', auth: 'agent' } }, (req) => {
    calls.hold(req.params.agentid)
    return ok({})
  })
  app.post('/voicecall/:agentid/gethold', {
    schema: { params: AgentIdParams, querystring: CallIdQuery },
    config: { op: 'getHold', auth: 'agent' }
  }, (req) => { calls.getHold(req.params.agentid, req.query.callid); return ok({}) })

  // ---- several calls, mute, DTMF (issue #13, Part D §D2.3, §D2.4) ----------------------------
  const withCallId = { params: Type.Object({ agentid: Type.String({ pattern: AGENT_ID_PATTERN }), callid: Type.String({ minLength: 1, maxLength: 64 }) }) }
  app.post('/voicecall/:agentid/connecthold/:callid', { schema: withCallId, config: { op: 'connectHold', auth: 'agent' } }, (req) => {
    calls.connectHold(req.params.agentid, req.params.callid)
    return ok({})
  })
  // The doc sends no body; a Java client sends {"callid"} anyway: any body is accepted and ignored.
  app.post('/voicecall/:agentid/dropcall/:callid', { schema: withCallId, config: { op: 'dropCall', auth: 'agent' } }, (req) => {
    calls.dropCall(req.params.agentid, req.params.callid)
    return ok({})
  })
  app.post('/voicecall/:agentid/beginmute', { ...agent, config: { op: 'beginMute', auth: 'agent' } }, (req) => {
    calls.mute(req.params.agentid, true)
    return ok({})
  })
  app.post('/voicecall/:agentid/endmute', { ...agent, config: { op: 'endMute', auth: 'agent' } }, (req) => {
    calls.mute(req.params.agentid, false)
    return ok({})
  })
  app.post('/voicecall/:agentid/seconddialex', {
    schema: { params: AgentIdParams, querystring: Type.Object({ number: Type.String({ maxLength: 64 }) }) },
    config: { op: 'secondDialEx', auth: 'agent' }
  }, (req) => { calls.secondDial(req.params.agentid, req.query.number); return ok({}) })
  app.post('/voicecall/:agentid/seconddial/:number', {
    schema: { params: Type.Object({ agentid: Type.String({ pattern: AGENT_ID_PATTERN }), number: Type.String({ maxLength: 64 }) }) },
    config: { op: 'secondDial', auth: 'agent' }
  }, (req) => { calls.secondDial(req.params.agentid, req.params.number); return ok({}) })

  app.put('/voicecall/:agentid/phonepickup', { ...agent, config: { op: 'phonePickup', auth: 'agent' } }, (req) => {
    calls.phonePickup(req.params.agentid)
    return ok({})
  })
  app.put('/voicecall/:agentid/phonehangup', { ...agent, config: { op: 'phoneHangUp', auth: 'agent' } }, (req) => {
    calls.phoneHangup(req.params.agentid)
    return ok({})
  })
  app.delete('/voicecall/:agentid/releasephone', { ...agent, config: { op: 'releasePhone', auth: 'agent' } }, (req) => {
    calls.phoneHangup(req.params.agentid)
    return ok({})
  })
}

export default voicecall
