/**
 * `onlineagent/{agentid}/...`: the sign-in family, heartbeat, skills and agent state
 * (spec §2–§3, Part C §2–§5). Handlers only translate; the Simulator decides.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { fail } from '../../domain/errors.js'
import type { LoginKind } from '../../domain/simulator.js'
import { ok, setGuid } from '../../plugins/envelope.js'
import { answers } from '../../schemas/answers.js'
import { AgentIdParams, FlagParams, LoginBody, RestParams, SayBusyQuery, AGENT_ID_PATTERN } from '../../schemas/gateway.js'

/** Documented answers (spec samples). */
const LOGIN_ANSWER = answers({ example: { message: '', retcode: '0', result: { vdnid: 1, workno: '1001', mediatype: 'TTF', loginTime: '1795738646247', isForceChange: 'false', serverName: 'AgentGateway', timeRemaining: '' } } })

const onlineagent: FastifyPluginAsyncTypebox = async (app) => {
  const sim = app.simulator

  const signIn = (url: string, op: string, kind: LoginKind): void => {
    app.put(url, {
      schema: { params: AgentIdParams, body: LoginBody, response: op === 'login' ? LOGIN_ANSWER : undefined },
      config: { op, auth: 'none', invalid: 'login' },
      // No body at all means "no sign-in parameters" (100-001), like an empty object.
      preValidation: async (req) => { if (req.body === undefined || req.body === null) req.body = {} }
    }, (req, reply) => {
      const { guid, result, push } = sim.login(req.params.agentid, req.body, kind)
      setGuid(reply, guid)
      // A push client may look the GUID up as `Guid` (Part D §D5.1, client M): the bare value too.
      if (push !== undefined) reply.raw.setHeader('Guid', guid)
      return ok(result, '')
    })
  }
  signIn('/onlineagent/:agentid', 'login', 'login')
  signIn('/onlineagent/:agentid/forcelogin', 'forceLogin', 'forceLogin')
  signIn('/onlineagent/:agentid/loginex', 'loginEx', 'loginEx')
  signIn('/onlineagent/:agentid/forceloginex', 'forceLoginEx', 'forceLoginEx')
  signIn('/onlineagent/:agentid/forceloginexwithoutphone', 'forceLoginExWithoutPhone', 'forceLoginEx')

  const agent = { schema: { params: AgentIdParams } }

  app.delete('/onlineagent/:agentid/logout', {
    schema: { params: AgentIdParams, response: answers({ example: { message: '', retcode: '0', result: null } }) },
    config: { op: 'logout', auth: 'agent' }
  }, (req) => {
    sim.logout(req.params.agentid)
    return ok(null, '')
  })
  app.delete('/onlineagent/:agentid/forcelogout', { ...agent, config: { op: 'forceLogout', auth: 'agent' } }, (req) => {
    sim.forceLogout(req.params.agentid)
    return ok(null, '')
  })
  app.delete('/onlineagent/:agentid/forcelogoutwithreason/:reason', {
    schema: { params: Type.Object({ agentid: Type.String({ pattern: AGENT_ID_PATTERN }), reason: Type.String() }) },
    config: { op: 'forceLogoutWithReason', auth: 'agent' }
  }, (req) => {
    const reason = Number(req.params.reason)
    if (!/^\d{1,3}$/.test(req.params.reason) || reason < 1 || reason > 255) fail('LOGOUT_PARAM_INVALID', 'reason must be 1 to 255')
    sim.forceLogout(req.params.agentid, reason)
    return ok()
  })

  app.post('/onlineagent/:agentid/resetskill/:autoflag', {
    schema: {
      params: Type.Object({ agentid: Type.String({ pattern: AGENT_ID_PATTERN }), autoflag: Type.String() }),
      querystring: Type.Object({ skillid: Type.Optional(Type.String({ maxLength: 4000 })), phonelinkage: Type.Optional(Type.String()) })
    },
    config: { op: 'resetSkill', auth: 'agent' }
  }, (req) => {
    // Spec §2.6: "true" signs in to all configured skills; any other value means false.
    sim.resetSkill(req.params.agentid, req.params.autoflag === 'true', req.query.skillid)
    return ok({})
  })

  app.post('/onlineagent/:agentid/handshake', { ...agent, config: { op: 'handShake', auth: 'agent' } }, (req, reply) => {
    // Optional `service_token`: at most 50 characters, none special, else 100-001 (spec §2.7).
    const token = req.headers.service_token
    if (token !== undefined && !/^[A-Za-z0-9_-]{0,50}$/.test(String(token))) fail('LOGIN_PARAM_EMPTY', 'service_token may hold only letters, digits, - and _ (at most 50)')
    const rotated = sim.handShake(req.params.agentid, token === undefined ? undefined : String(token))
    if (rotated !== undefined) setGuid(reply, rotated)
    return ok()
  })

  // The older push variant's keep-alive (Part D §D5.2): counts as liveness, answers the sign-in time.
  app.put('/onlineagent/:agentid/heartbeat', { ...agent, config: { op: 'heartbeat', auth: 'agent' } }, (req) =>
    ok({ loginTime: sim.heartbeat(req.params.agentid) }, ''))

  app.get('/onlineagent/:agentid/agentskills', { ...agent, config: { op: 'queryAgentSkills', auth: 'agent' } }, (req) =>
    ok(sim.agentSkills(req.params.agentid).map(s => ({ skillId: s.id, name: s.name, mediatype: 5 })), ''))

  app.get('/onlineagent/:agentid/agentstatus', {
    schema: { params: AgentIdParams, response: answers({ example: { message: '', retcode: '0', result: { agentState: 4, isWorking: false } } }) },
    config: { op: 'getAgentStatus', auth: 'agent' }
  }, (req) =>
    ok(sim.getAgentStatus(req.params.agentid), ''))

  app.post('/onlineagent/:agentid/saybusy', {
    schema: { params: AgentIdParams, querystring: SayBusyQuery },
    config: { op: 'sayBusy', auth: 'agent' }
  }, (req) => {
    const raw = req.query.reason?.trim() ?? ''
    const reason = raw === '' ? undefined : Number(raw)
    if (reason !== undefined && (!/^\d+$/.test(raw) || (reason !== 0 && (reason < 200 || reason > 250)))) fail('INVALID_PARAMETER', 'reason must be 200 to 250 (or 0)')
    sim.sayBusy(req.params.agentid, reason, req.query.prolong ?? false)
    return ok({})
  })

  // The state changes are the hottest writes: synchronous handlers (no promise per request).
  const simple = (path: string, op: string, run: (id: string) => void): void => {
    app.post(`/onlineagent/:agentid/${path}`, { ...agent, config: { op, auth: 'agent' } }, (req) => {
      run(req.params.agentid)
      return ok({})
    })
  }
  simple('cancelbusy', 'cancelBusy', id => sim.cancelBusy(id))
  simple('sayfree', 'sayFree', id => sim.sayFree(id))
  simple('cancelrest', 'cancelRest', id => sim.cancelRest(id))
  simple('work', 'work', id => sim.work(id))
  simple('cancelwork', 'cancelWork', id => sim.cancelWork(id))

  app.post('/onlineagent/:agentid/rest/:time/:restcause', {
    schema: { params: RestParams, querystring: Type.Object({ prolong: Type.Optional(Type.Boolean()) }) },
    config: { op: 'rest', auth: 'agent' }
  }, (req) => {
    sim.rest(req.params.agentid, req.params.time, req.params.restcause, req.query.prolong ?? false)
    return ok({})
  })

  app.post('/onlineagent/:agentid/autoanswer/:flag', { schema: { params: FlagParams }, config: { op: 'autoAnswer', auth: 'agent' } }, (req) => {
    const flag = req.params.flag
    if (flag !== 'true' && flag !== 'false') fail('INVALID_PARAMETER', 'flag must be true or false')
    sim.setAutoAnswer(req.params.agentid, flag === 'true')
    return ok({})
  })

  app.post('/onlineagent/:agentid/autoenteridle/:flag', { schema: { params: FlagParams }, config: { op: 'autoEnterIdle', auth: 'agent' } }, (req) => {
    // Spec §2.8: "true" → idle after a call; anything else → wrap-up.
    sim.setAutoEnterIdle(req.params.agentid, req.params.flag === 'true')
    return ok({})
  })
}

export default onlineagent
