/**
 * `voicecall/{agentid}/...`: the internal call of the seed, call-out, answer, release, hold,
 * retrieve and phone linkage (spec §6, Part B §16–§19).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { fail } from '../../domain/errors.js'
import type { DialInput } from '../../domain/call-engine.js'
import { ok } from '../../plugins/envelope.js'
import { answers } from '../../schemas/answers.js'
import Type from 'typebox'
import { AGENT_ID_PATTERN, AgentIdParams, CALLAPPDATA_MAX_BYTES, CallIdQuery, DialBody } from '../../schemas/gateway.js'

function dialInput (body: { called: string, caller?: string | undefined, skillid?: number | undefined, callappdata?: string | undefined }): DialInput {
  if (body.callappdata !== undefined && Buffer.byteLength(body.callappdata, 'utf8') > CALLAPPDATA_MAX_BYTES) {
    fail('INVALID_PARAMETER', `callappdata is longer than ${CALLAPPDATA_MAX_BYTES} bytes`)
  }
  return { called: body.called, caller: body.caller, skillid: body.skillid, callappdata: body.callappdata }
}

/** A small number sent as a JSON number or as a string of digits (J, P send strings). */
const SmallInt = Type.Union([Type.Integer({ minimum: 0, maximum: 99 }), Type.String({ pattern: '^[0-9]{1,2}$' })])

const TransferBody = Type.Object({
  devicetype: SmallInt,
  address: Type.String({ minLength: 1, maxLength: 24, pattern: '^[0-9A-Ea-e*#]+$' }),
  mode: SmallInt,
  callappdata: Type.Optional(Type.String()),
  caller: Type.Optional(Type.String({ pattern: '^[0-9]{0,24}$' })),
  mediaability: Type.Optional(SmallInt),
  holdflag: Type.Optional(Type.Union([Type.Boolean(), Type.String({ maxLength: 5 })])),
  skillId: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 2147483647 }), Type.String({ pattern: '^[0-9]{1,10}$' })]))
})

const HelpBody = Type.Object({
  dstaddress: Type.String({ minLength: 1, maxLength: 24 }),
  devicetype: Type.Optional(SmallInt),
  mode: Type.Optional(SmallInt),
  callappdata: Type.Optional(Type.String()),
  holdflag: Type.Optional(Type.Union([Type.Boolean(), Type.String({ maxLength: 5 })]))
})

const voicecall: FastifyPluginAsyncTypebox = async (app) => {
  const calls = app.simulator.calls
  const agent = { schema: { params: AgentIdParams } }

  app.put('/voicecall/:agentid/callinner', {
    schema: { params: AgentIdParams, body: DialBody, response: answers({ example: { message: '', retcode: '0', result: '1795738646-1' } }) },
    config: { op: 'callInner', auth: 'agent' }
  }, (req) => ok(calls.callInner(req.params.agentid, dialInput(req.body)), ''))

  app.put('/voicecall/:agentid/callout', {
    schema: { params: AgentIdParams, body: DialBody, response: answers({ example: { message: '', retcode: '0', result: '1795738646-2' } }) },
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

  // ---- transfer (Part D §D2.1); clients send the numbers as strings too ----------------------
  app.post('/voicecall/:agentid/transfer', { schema: { params: AgentIdParams, body: TransferBody }, config: { op: 'transfer', auth: 'agent' } }, (req) => {
    const b = req.body
    if (b.callappdata !== undefined && Buffer.byteLength(b.callappdata, 'utf8') > CALLAPPDATA_MAX_BYTES) fail('INVALID_PARAMETER', `callappdata is longer than ${CALLAPPDATA_MAX_BYTES} bytes`)
    calls.transfers.transfer(req.params.agentid, { devicetype: Number(b.devicetype), address: b.address, mode: Number(b.mode), callappdata: b.callappdata })
    return ok({})
  })
  app.post('/voicecall/:agentid/canceltransfer', { ...agent, config: { op: 'cancelTransfer', auth: 'agent' } }, (req) => {
    calls.transfers.cancel(req.params.agentid)
    return ok({})
  })

  // ---- internal help, conference, one party (Part D §D2.2, §D2.3) -----------------------------
  app.post('/voicecall/:agentid/innerhelp', { schema: { params: AgentIdParams, body: HelpBody }, config: { op: 'innerHelp', auth: 'agent' } }, (req) => {
    const b = req.body
    if (b.callappdata !== undefined && Buffer.byteLength(b.callappdata, 'utf8') > CALLAPPDATA_MAX_BYTES) fail('INVALID_PARAMETER', `callappdata is longer than ${CALLAPPDATA_MAX_BYTES} bytes`)
    const input = { dstaddress: b.dstaddress, devicetype: Number(b.devicetype ?? 2), mode: Number(b.mode ?? 1), callappdata: b.callappdata }
    return ok(calls.help.innerHelp(req.params.agentid, input), '')
  })
  app.post('/voicecall/:agentid/confjoin', {
    schema: { params: AgentIdParams, body: Type.Object({ callid: Type.String({ minLength: 1, maxLength: 64 }), callappdata: Type.Optional(Type.String({ maxLength: 16384 })) }) },
    config: { op: 'confJoin', auth: 'agent' }
  }, (req) => { calls.help.confJoin(req.params.agentid, req.body.callid); return ok({}) })
  app.post('/voicecall/:agentid/disconnect/:number', {
    schema: { params: Type.Object({ agentid: Type.String({ pattern: AGENT_ID_PATTERN }), number: Type.String({ minLength: 1, maxLength: 24 }) }) },
    config: { op: 'disconnect', auth: 'agent' }
  }, (req) => { calls.help.disconnect(req.params.agentid, req.params.number); return ok({}) })

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
