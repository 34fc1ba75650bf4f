/**
 * `onlineagent/...` beyond sign-in and agent state (issue #13): sign-in by account, another
 * agent's skills, notes and bulletins (delivered to the receivers as events), phone binding,
 * passwords, and the settings kept per sign-in (forwarding, talk right, self-recording).
 */
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { fail } from '../../domain/errors.js'
import { ok, setGuid } from '../../plugins/envelope.js'
import { AGENT_ID_PATTERN, LoginBody, agentIdRe } from '../../schemas/gateway.js'
import { route } from './route-kit.js'

const P = '/onlineagent/:agentid'

const TEXT_MAX = 2000
const bool = (value: string, field: string): boolean => {
  if (value !== 'true' && value !== 'false') fail('INVALID_PARAMETER', `${field} must be true or false`)
  return value === 'true'
}

export default async function onlineagentMore (app: FastifyInstance): Promise<void> {
  const sim = app.simulator
  const m = sim.messages

  app.put('/onlineagent/loginbyaccount', {
    schema: { body: Type.Object({ ...LoginBody.properties, account: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: true }) },
    config: { op: 'loginByAccount', auth: 'none', invalid: 'login' },
    preValidation: async (req) => { if (req.body === undefined || req.body === null) req.body = {} }
  }, (req, reply) => {
    const body = req.body as { account: string }
    const workno = m.accountOwner(body.account)
    if (!agentIdRe.test(workno)) fail('WRONG_PASSWORD', `no agent with the account ${body.account}`)
    const { guid, result } = sim.login(workno, req.body as never, 'login')
    setGuid(reply, guid)
    return ok(result, '')
  })

  route(app, 'GET', `${P}/agentskillsbyworkno/:workno`, 'queryAgentSkillsByWorkNo', (req) =>
    ok(m.skillsOf(req.params.workno).map(s => ({ skillId: s.id, name: s.name, mediatype: 5 })), ''))

  route(app, 'POST', `${P}/bindphone`, 'bindAgentPhone', (req) => {
    m.bindPhone(req.params.agentid, (req.body as { phonenum: string }).phonenum)
    return ok({})
  }, { body: Type.Object({ phonenum: Type.String({ pattern: '^[0-9*#]{1,24}$' }) }) })

  route(app, 'POST', `${P}/modifyaccountpwd`, 'modifyAccountPwd', (req) => {
    const q = req.query as { oldpassword: string, newpassword: string }
    m.changePassword(req.params.agentid, q.oldpassword, q.newpassword)
    return ok({})
  }, { querystring: Type.Object({ oldpassword: Type.String({ maxLength: 64 }), newpassword: Type.String({ maxLength: 64 }) }) })

  route(app, 'POST', `${P}/modifyaccountpwdex`, 'modifyAccountPwdEx', (req) => {
    const b = req.body as { oldPassword?: string, newPassword?: string, oldpassword?: string, newpassword?: string }
    const old = b.oldPassword ?? b.oldpassword
    const next = b.newPassword ?? b.newpassword
    if (old === undefined || next === undefined) fail('INVALID_PARAMETER', 'oldPassword and newPassword are required')
    m.changePassword(req.params.agentid, old, next)
    return ok({})
  }, {
    body: Type.Object({
      oldPassword: Type.Optional(Type.String({ maxLength: 64 })),
      newPassword: Type.Optional(Type.String({ maxLength: 64 })),
      oldpassword: Type.Optional(Type.String({ maxLength: 64 })),
      newpassword: Type.Optional(Type.String({ maxLength: 64 }))
    })
  })

  route(app, 'POST', `${P}/notifybulletin`, 'notifyBulletin', (req) => {
    const b = req.body as { targettype: string, targetname?: string, bulletindata: string }
    m.bulletin(req.params.agentid, b.targettype, b.targetname ?? '', b.bulletindata)
    return ok({})
  }, {
    body: Type.Object({
      targettype: Type.String({ maxLength: 2 }),
      targetname: Type.Optional(Type.String({ maxLength: 1000 })),
      bulletindata: Type.String({ maxLength: TEXT_MAX })
    })
  })

  route(app, 'POST', `${P}/sendnotelet/:receiver`, 'sendNotelet', (req) => {
    m.sendNote(req.params.agentid, [req.params.receiver], (req.query as { content?: string }).content ?? '')
    return ok({})
  }, { querystring: Type.Object({ content: Type.Optional(Type.String({ maxLength: TEXT_MAX })) }) })

  route(app, 'POST', `${P}/sendnoteletex`, 'sendNoteletEx', (req) => {
    const b = req.body as { agentIds: string[], content: string }
    m.sendNote(req.params.agentid, b.agentIds, b.content)
    return ok({})
  }, {
    body: Type.Object({
      agentIds: Type.Array(Type.String({ pattern: AGENT_ID_PATTERN }), { minItems: 1, maxItems: 100 }),
      content: Type.String({ maxLength: TEXT_MAX })
    })
  })

  route(app, 'POST', `${P}/setforwarding`, 'setForwarding', (req) => {
    m.settingsOf(req.params.agentid).forwarding = { ...(req.body as Record<string, unknown>) }
    return ok({})
  }, {
    body: Type.Object({
      forwardtype: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
      forwardnumber: Type.Optional(Type.String({ pattern: '^[0-9*#]{0,24}$' }))
    }, { additionalProperties: false })
  })

  route(app, 'POST', `${P}/settalkright`, 'setTalkRight', (req) => {
    // flag 1 / 0 (cec_07_0356: an integer), also true / false.
    const flag = String((req.query as { flag: string }).flag)
    app.simulator.setTalkRight(req.params.agentid, flag === '1' || (flag !== '0' && bool(flag, 'flag')))
    return ok({})
  }, { querystring: Type.Object({ flag: Type.String({ maxLength: 5 }) }) })

  route(app, 'POST', `${P}/setselfrecord/:recordflag/:recordbeforetalking`, 'setAgentSelfRecord', (req) => {
    m.settingsOf(req.params.agentid).selfRecord = { record: bool(req.params.recordflag, 'recordflag'), beforeTalking: bool(req.params.recordbeforetalking, 'recordbeforetalking') }
    return ok({})
  })
}
