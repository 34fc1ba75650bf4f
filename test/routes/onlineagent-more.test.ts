/**
 * `onlineagent` beyond sign-in and state (issue #13): loginbyaccount, forceloginex(withoutphone),
 * agentskillsbyworkno, notes (sendnotelet, sendnoteletex) and bulletins (notifybulletin) delivered
 * to the receivers as AgentOther_Note / AgentOther_Bulletin {sender, context}, bindphone,
 * modifyaccountpwd(ex), setforwarding, settalkright, setselfrecord.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { emptyWorld, type World } from '../../src/domain/world.js'
import { build, call, drain, ev, GW, signIn } from '../helper.js'

const world = (): World => ({
  ...emptyWorld(),
  skills: [{ id: 1, name: 'voice' }, { id: 2, name: 'billing' }],
  roster: [
    { id: '1001', name: 'alice', password: 'secret123', skills: [1, 2], group: 10 },
    { id: '1002', name: 'bob', skills: [1], group: 10 },
    { id: '1003', name: 'carol', skills: [2], group: 20 }
  ],
  groups: [{ id: 10, name: 'front' }, { id: 20, name: 'back' }]
})

async function three (tt: Parameters<typeof build>[0]): Promise<{ app: FastifyInstance, g: Record<string, string> }> {
  const { app } = await build(tt, {}, world())
  const g: Record<string, string> = {}
  for (const id of ['1001', '1002', '1003']) {
    g[id] = await signIn(app, id, { body: { password: id === '1001' ? 'secret123' : '', phonenum: `7${id}` } })
    await drain(app, id, g[id]!)
  }
  return { app, g }
}

const OK = { message: 'success', retcode: '0', result: {} }

t.test('sendnoteletex: each receiver signed in gets AgentOther_Note {sender, context}; the sender nothing', async (t) => {
  const { app, g } = await three(t)
  const res = await call(app, g['1001']!, 'POST', '/onlineagent/1001/sendnoteletex', { agentIds: [1002, '1003'], content: 'standup in 5' })
  t.strictSame(res.json(), OK)
  t.strictSame(await drain(app, '1002', g['1002']!), [ev('1002', 'AgentOther_Note', { sender: '1001', context: 'standup in 5' })])
  t.strictSame(await drain(app, '1003', g['1003']!), [ev('1003', 'AgentOther_Note', { sender: '1001', context: 'standup in 5' })])
  t.strictSame(await drain(app, '1001', g['1001']!), [])
  // Some receivers not signed in: delivered to the others; none signed in: 000-002.
  t.strictSame((await call(app, g['1001']!, 'POST', '/onlineagent/1001/sendnoteletex', { agentIds: ['1002', '1999'], content: 'x' })).json(), OK)
  t.equal((await drain(app, '1002', g['1002']!)).length, 1)
  t.strictSame((await call(app, g['1001']!, 'POST', '/onlineagent/1001/sendnoteletex', { agentIds: ['1999'], content: 'x' })).json(), { message: 'no receiver is signed in: 1999', retcode: '000-002' })
  for (const bad of [{}, { agentIds: [], content: 'x' }, { agentIds: ['1002'] }, { agentIds: ['abc'], content: 'x' }, { agentIds: Array(101).fill('1002'), content: 'x' }, { agentIds: ['1002'], content: 'x'.repeat(2001) }]) {
    t.match((await call(app, g['1001']!, 'POST', '/onlineagent/1001/sendnoteletex', bad)).json(), { retcode: '000-002' }, JSON.stringify(bad).slice(0, 60))
  }
  t.match((await call(app, g['1001']!, 'POST', '/onlineagent/1001/sendnoteletex')).json(), { retcode: '000-002' }, 'no body')
})

t.test('sendnotelet/{receiver}?content=: the older form, one receiver', async (t) => {
  const { app, g } = await three(t)
  t.strictSame((await call(app, g['1002']!, 'POST', '/onlineagent/1002/sendnotelet/1003?content=hello')).json(), OK)
  t.strictSame(await drain(app, '1003', g['1003']!), [ev('1003', 'AgentOther_Note', { sender: '1002', context: 'hello' })])
  t.match((await call(app, g['1002']!, 'POST', '/onlineagent/1002/sendnotelet/1004?content=x')).json(), { retcode: '000-002' }, 'receiver not signed in')
  t.match((await call(app, g['1002']!, 'POST', '/onlineagent/1002/sendnotelet/x1?content=x')).json(), { retcode: '000-002' }, 'bad receiver')
})

t.test('notifybulletin: to the VDN, a work group, a skill queue or listed agents', async (t) => {
  const { app, g } = await three(t)
  const send = async (body: unknown): Promise<unknown> => (await call(app, g['1001']!, 'POST', '/onlineagent/1001/notifybulletin', body)).json()
  const got = async (): Promise<string[]> => {
    const out: string[] = []
    for (const id of ['1001', '1002', '1003']) if ((await drain(app, id, g[id]!)).some(e => e.eventType === 'AgentOther_Bulletin' && (e.content as { context: string }).context === 'news')) out.push(id)
    return out
  }
  t.strictSame(await send({ targettype: '0', bulletindata: 'news' }), OK)
  t.strictSame(await got(), ['1002', '1003'], 'the VDN: everyone else')
  t.strictSame(await send({ targettype: 1, targetname: 'back', bulletindata: 'news' }), OK)
  t.strictSame(await got(), ['1003'], 'work group "back"')
  t.strictSame(await send({ targettype: '2', targetname: '1', bulletindata: 'news' }), OK)
  t.strictSame(await got(), ['1002'], 'skill 1 (the sender left out)')
  t.strictSame(await send({ targettype: '3', targetname: '1002;1003', bulletindata: 'news' }), OK)
  t.strictSame(await got(), ['1002', '1003'], 'listed agents')
  t.strictSame((await drain(app, '1002', g['1002']!)), [])
  await send({ targettype: '3', targetname: '1002', bulletindata: 'news' })
  t.strictSame(await drain(app, '1002', g['1002']!), [ev('1002', 'AgentOther_Bulletin', { sender: '1001', context: 'news' })], 'content {sender, context}')
  t.match(await send({ targettype: '7', bulletindata: 'news' }), { retcode: '000-002' })
  t.match(await send({ targettype: '1', bulletindata: 'news' }), { retcode: '000-002', message: /targetname/ })
  t.match(await send({ targettype: '0' }), { retcode: '000-002' })
})

t.test('agentskillsbyworkno: the skills configured for another agent, signed in or not', async (t) => {
  const { app, g } = await three(t)
  t.strictSame((await call(app, g['1002']!, 'GET', '/onlineagent/1002/agentskillsbyworkno/1001')).json(),
    { message: '', retcode: '0', result: [{ skillId: 1, name: 'voice', mediatype: 5 }, { skillId: 2, name: 'billing', mediatype: 5 }] })
  await call(app, g['1003']!, 'DELETE', '/onlineagent/1003/logout')
  t.strictSame((await call(app, g['1002']!, 'GET', '/onlineagent/1002/agentskillsbyworkno/1003')).json().result, [{ skillId: 2, name: 'billing', mediatype: 5 }])
  t.match((await call(app, g['1002']!, 'GET', '/onlineagent/1002/agentskillsbyworkno/1999')).json(), { retcode: '300-002' })
  t.match((await call(app, g['1002']!, 'GET', '/onlineagent/1002/agentskillsbyworkno/abc')).json(), { retcode: '000-002' })
})

t.test('bindphone: the new phone shows in the agent queries', async (t) => {
  const { app, g } = await three(t)
  t.strictSame((await call(app, g['1002']!, 'POST', '/onlineagent/1002/bindphone', { phonenum: '88002' })).json(), OK)
  t.equal((await call(app, g['1001']!, 'GET', '/agentgroup/1001/agentbyworkno/1002')).json().result.phonenumber, '88002')
  t.match((await call(app, g['1002']!, 'POST', '/onlineagent/1002/bindphone', { phonenum: 'abc' })).json(), { retcode: '000-002' })
  t.match((await call(app, g['1002']!, 'POST', '/onlineagent/1002/bindphone')).json(), { retcode: '000-002' })
})

t.test('modifyaccountpwd / modifyaccountpwdex: the old password checked, the new one used at the next sign-in', async (t) => {
  const { app, g } = await three(t)
  const url = (o: string, n: string): string => `/onlineagent/1001/modifyaccountpwd?oldpassword=${o}&newpassword=${n}`
  t.match((await call(app, g['1001']!, 'POST', url('wrong', 'newsecret1'))).json(), { retcode: '110-003' })
  t.match((await call(app, g['1001']!, 'POST', url('secret123', 'short'))).json(), { retcode: '110-020' })
  t.match((await call(app, g['1001']!, 'POST', url('secret123', 'secret123'))).json(), { retcode: '110-002' })
  t.match((await call(app, g['1001']!, 'POST', '/onlineagent/1001/modifyaccountpwd')).json(), { retcode: '000-002' })
  t.strictSame((await call(app, g['1001']!, 'POST', url('secret123', 'newsecret1'))).json(), OK)
  await call(app, g['1001']!, 'DELETE', '/onlineagent/1001/logout')
  const login = async (password: string): Promise<string> => (await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: { password, phonenum: '71001' } })).json().retcode
  t.equal(await login('secret123'), '100-004', 'the old password no longer signs in')
  t.equal(await login('newsecret1'), '0')
  const g1 = String((await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001/forcelogin`, payload: { password: 'newsecret1', phonenum: '71001' } })).headers['set-guid']).replace('JSESSIONID=', '')
  t.strictSame((await call(app, g1, 'POST', '/onlineagent/1001/modifyaccountpwdex', { oldPassword: 'newsecret1', newPassword: 'third-pass' })).json(), OK)
  t.match((await call(app, g1, 'POST', '/onlineagent/1001/modifyaccountpwdex', { oldPassword: 'third-pass' })).json(), { retcode: '000-002' })
  // Activating the scenario again restores the file's password.
  app.simulator.setWorld(world())
  t.equal(app.simulator.world.roster.get('1001')?.password, 'secret123')
})

t.test('loginbyaccount: sign in by roster name; unknown account 100-004', async (t) => {
  const { app } = await build(t, {}, world())
  const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/loginbyaccount`, payload: { account: 'bob', password: '', phonenum: '71002' } })
  t.match(res.json(), { retcode: '0', result: { workno: '1002' } })
  t.match(String(res.headers['set-guid']), /^JSESSIONID=/)
  t.ok(app.simulator.agents.has('1002'))
  t.match((await app.inject({ method: 'PUT', url: `${GW}/onlineagent/loginbyaccount`, payload: { account: 'nobody', password: '', phonenum: '1' } })).json(), { retcode: '100-004' })
  t.match((await app.inject({ method: 'PUT', url: `${GW}/onlineagent/loginbyaccount`, payload: { password: '', phonenum: '1' } })).json(), { retcode: '100-001' })
  t.match((await app.inject({ method: 'PUT', url: `${GW}/onlineagent/loginbyaccount`, payload: { account: 'bob', password: '', phonenum: '1' } })).json(), { retcode: '100-002' }, 'already signed in')
})

t.test('forceloginex and forceloginexwithoutphone: forced sign-in without media licence (mediatype TFF)', async (t) => {
  const { app, g } = await three(t)
  for (const path of ['forceloginex', 'forceloginexwithoutphone']) {
    const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1002/${path}`, payload: {} })
    t.match(res.json(), { retcode: '0', result: { workno: '1002', mediatype: 'TFF' } }, path)
    t.match((await call(app, g['1002']!, 'GET', '/onlineagent/1002/agentstatus')).json(), { retcode: '000-003' }, 'the old session ended')
  }
})

t.test('setforwarding, settalkright, setselfrecord: validated and kept for the sign-in', async (t) => {
  const { app, g } = await three(t)
  const settings = (): unknown => ({ ...app.simulator.messages.settingsOf('1002'), talkRight: app.simulator.agents.get('1002')?.noTalkRight !== true })
  t.strictSame(settings(), { forwarding: undefined, talkRight: true, selfRecord: { record: false, beforeTalking: false } })
  t.strictSame((await call(app, g['1002']!, 'POST', '/onlineagent/1002/setforwarding', { forwardtype: 1, forwardnumber: '5550100' })).json(), OK)
  t.strictSame((await call(app, g['1002']!, 'POST', '/onlineagent/1002/settalkright?flag=false')).json(), OK)
  t.strictSame((await call(app, g['1002']!, 'POST', '/onlineagent/1002/setselfrecord/true/false')).json(), OK)
  t.strictSame(settings(), { forwarding: { forwardtype: 1, forwardnumber: '5550100' }, talkRight: false, selfRecord: { record: true, beforeTalking: false } })
  t.match((await call(app, g['1002']!, 'POST', '/onlineagent/1002/setforwarding', { forwardnumber: 'x' })).json(), { retcode: '000-002' })
  t.match((await call(app, g['1002']!, 'POST', '/onlineagent/1002/setforwarding', { other: 1 })).json(), { retcode: '000-002' })
  t.match((await call(app, g['1002']!, 'POST', '/onlineagent/1002/settalkright?flag=maybe')).json(), { retcode: '000-002' })
  t.match((await call(app, g['1002']!, 'POST', '/onlineagent/1002/settalkright')).json(), { retcode: '000-002' })
  t.match((await call(app, g['1002']!, 'POST', '/onlineagent/1002/setselfrecord/yes/false')).json(), { retcode: '000-002' })
  // A new sign-in starts from the defaults.
  await call(app, g['1002']!, 'DELETE', '/onlineagent/1002/logout')
  await signIn(app, '1002')
  t.strictSame(settings(), { forwarding: undefined, talkRight: true, selfRecord: { record: false, beforeTalking: false } })
})

t.test('settalkright: an agent without the talk right is offered no customer until it gets it back (flag 0 / 1)', async (t) => {
  const { app, g } = await three(t)
  await call(app, g['1001']!, 'POST', '/onlineagent/1001/saybusy')
  t.strictSame((await call(app, g['1002']!, 'POST', '/onlineagent/1002/settalkright?flag=0')).json(), OK)
  const x = (await app.inject({ method: 'POST', url: '/__mock/customers', payload: { from: '13900001111', skillid: 1 } })).json().callid
  t.match((await app.inject({ method: 'GET', url: `/__mock/calls/${x}` })).json(), { state: 'alerting', legs: [] }, 'the customer waits though 1002 is idle')
  t.strictSame(await drain(app, '1002', g['1002']!), [])
  t.match((await call(app, g['1002']!, 'GET', '/onlineagent/1002/agentstatus')).json(), { result: { agentState: 4 } }, 'still idle')
  t.strictSame((await call(app, g['1002']!, 'POST', '/onlineagent/1002/settalkright?flag=1')).json(), OK)
  t.strictSame((await drain(app, '1002', g['1002']!)).map(e => e.eventType), ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentEvent_Auto_Answer', 'AgentEvent_Talking'], 'offered at once')
  t.match(await (await app.inject({ method: 'GET', url: `/__mock/calls/${x}` })).json(), { state: 'talking', legs: [{ agentId: '1002' }] })
})

t.test('every new onlineagent route: not signed in 100-006, another agent\'s GUID 000-003', async (t) => {
  const { app, g } = await three(t)
  for (const [method, path] of [['GET', 'agentskillsbyworkno/1001'], ['POST', 'bindphone'], ['POST', 'modifyaccountpwd'], ['POST', 'modifyaccountpwdex'], ['POST', 'notifybulletin'], ['POST', 'sendnotelet/1001'], ['POST', 'sendnoteletex'], ['POST', 'setforwarding'], ['POST', 'settalkright'], ['POST', 'setselfrecord/true/true']] as const) {
    t.match((await call(app, g['1001']!, method, `/onlineagent/1004/${path}`)).json(), { retcode: '100-006' }, path)
    t.match((await call(app, g['1001']!, method, `/onlineagent/1002/${path}`)).json(), { retcode: '000-003' }, path)
  }
})
