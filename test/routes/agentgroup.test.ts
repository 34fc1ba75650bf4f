/**
 * Agent and group queries (issue #13, Part D §D3.2–§D3.3): agentgroup/*, the configuration
 * queries of queuedevice/*, querymonitor/* and qualitycontrol/allagent, all read from the agent
 * directory — real signed-in agents with their live state, roster agents signed out.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { emptyWorld, type World } from '../../src/domain/world.js'
import { build, call, drain, GW, signIn } from '../helper.js'

const world = (): World => ({
  ...emptyWorld(),
  skills: [{ id: 1, name: 'voice' }, { id: 2, name: 'billing' }],
  roster: [
    { id: '1001', name: 'Alice', skills: [1, 2], group: 10, roles: ['inspector', 'pickup', 'callout'] },
    { id: '1002', name: 'Bob', skills: [1], group: 10 },
    { id: '1003', name: 'Carol', phone: '71003', skills: [2], group: 20 }
  ],
  groups: [{ id: 10, name: 'front', monitorno: '1001' }, { id: 20, name: 'back' }],
  restReasons: [{ id: 1, name: 'lunch' }, { id: 2, name: 'training' }],
  ivrs: [{ id: 1, access: '1321', description: 'main menu', serviceNo: 1 }]
})

interface Ctx { app: FastifyInstance, clock: ManualClock, g1: string, g2: string, login: number }

async function center (tt: Parameters<typeof build>[0], w: World = world()): Promise<Ctx> {
  const { app, clock } = await build(tt, {}, w)
  clock.advance(1000)
  const login = clock.now()
  const g1 = await signIn(app, '1001')
  const g2 = await signIn(app, '1002')
  await drain(app, '1001', g1)
  await drain(app, '1002', g2)
  return { app, clock, g1, g2, login }
}

const get = async (app: FastifyInstance, guid: string, path: string): Promise<any> => (await call(app, guid, 'GET', path)).json()
const okList = (result: unknown): unknown => ({ message: '', retcode: '0', result })
const skill = (id: number, name: string): unknown => ({ name, id, mediatype: 5 })

const agentObj = (o: { workno: string, name: string, status: number, cti: number, group: [number, string], skills: unknown[], phone: string, since: number, login: number, callids?: string[] }): unknown => ({
  workno: o.workno,
  name: o.name,
  status: o.status,
  ctiStatus: o.cti,
  groupid: o.group[0],
  groupname: o.group[1],
  skilllist: o.skills,
  callids: o.callids ?? [],
  mediatype: 'TTF',
  vdnid: 1,
  phonenumber: o.phone,
  currentstatetime: o.since,
  logindate: o.login
})

t.test('agentbyworkno: the live agent object of a signed-in agent, following its state', async (t) => {
  const { app, clock, g1, g2, login } = await center(t)
  const res = await call(app, g1, 'GET', '/agentgroup/1001/agentbyworkno/1002')
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), okList(agentObj({ workno: '1002', name: 'Bob', status: 4, cti: 1, group: [10, 'front'], skills: [skill(1, 'voice')], phone: '71002', since: login, login })))
  t.strictSame(Object.keys(res.json().result), ['workno', 'name', 'status', 'ctiStatus', 'groupid', 'groupname', 'skilllist', 'callids', 'mediatype', 'vdnid', 'phonenumber', 'currentstatetime', 'logindate'])

  clock.advance(5000)
  await call(app, g2, 'POST', '/onlineagent/1002/saybusy')
  t.match((await get(app, g1, '/agentgroup/1001/agentbyworkno/1002')).result, { status: 3, ctiStatus: 7, currentstatetime: login + 5000 }, 'busy since the saybusy')

  // In a call (Alice answers automatically): 7, CTI 5 talking, the call id listed.
  await call(app, g2, 'POST', '/onlineagent/1002/cancelbusy')
  const callid = (await call(app, g2, 'PUT', '/voicecall/1002/callinner', { called: '1001' })).json().result as string
  t.match((await get(app, g1, '/agentgroup/1001/agentbyworkno/1002')).result, { status: 7, ctiStatus: 5, callids: [callid] }, 'talking')
})

t.test('agentbyworkno: a roster agent signed out; unknown and malformed work numbers', async (t) => {
  const { app, g1 } = await center(t)
  t.strictSame(await get(app, g1, '/agentgroup/1001/agentbyworkno/1003'),
    okList(agentObj({ workno: '1003', name: 'Carol', status: 2, cti: 0, group: [20, 'back'], skills: [], phone: '71003', since: 0, login: 0 })))
  t.strictSame(await get(app, g1, '/agentgroup/1001/agentbyworkno/1999'), { message: 'agent 1999 does not exist', retcode: '300-002' })
  t.match(await get(app, g1, '/agentgroup/1001/agentbyworkno/abc'), { retcode: '000-002' })
})

t.test('idleagent, allagentstatus, alllocalagentstatus, onlineagentonvdn, queryagentstatus, loggedinagentphoneonvdn', async (t) => {
  const { app, g1, g2, login } = await center(t)
  t.strictSame(await get(app, g1, '/agentgroup/1001/idleagent'), okList([{ workno: '1001', name: 'Alice' }, { workno: '1002', name: 'Bob' }]))
  await call(app, g2, 'POST', '/onlineagent/1002/saybusy')
  t.strictSame(await get(app, g1, '/agentgroup/1001/idleagent'), okList([{ workno: '1001', name: 'Alice' }]), 'a busy agent is not idle')
  const status = [
    { workno: '1001', status: 4, name: 'Alice', groupName: 'front', ctiStatus: 1 },
    { workno: '1002', status: 3, name: 'Bob', groupName: 'front', ctiStatus: 7 },
    { workno: '1003', status: 2, name: 'Carol', groupName: 'back', ctiStatus: 0 }
  ]
  t.strictSame(await get(app, g1, '/agentgroup/1001/allagentstatus'), okList(status))
  t.strictSame(await get(app, g1, '/agentgroup/1001/alllocalagentstatus'), okList(status))
  t.same((await get(app, g1, '/agentgroup/1001/onlineagentonvdn')).result.map((a: { workno: string }) => a.workno), ['1001', '1002'], 'signed-in agents only')
  t.strictSame((await get(app, g1, '/agentgroup/1001/queryagentstatus')).result[0], { workno: '1001', name: 'Alice', status: 4, ctiStatus: 1, currentstatetime: login })
  t.strictSame((await get(app, g1, '/agentgroup/1001/queryagentstatusandskill')).result[1], { workno: '1002', name: 'Bob', status: 3, skilllist: [skill(1, 'voice')] })
  t.strictSame(await get(app, g1, '/agentgroup/1001/loggedinagentphoneonvdn'), okList([{ workno: '1001', phonenumber: '71001' }, { workno: '1002', phonenumber: '71002' }]))
  t.strictSame(await get(app, g1, '/agentgroup/1001/agentwasnameonvdn'), okList([{ workno: '1001', name: 'Alice' }, { workno: '1002', name: 'Bob' }, { workno: '1003', name: 'Carol' }]))
  t.strictSame(await get(app, g1, '/agentgroup/1001/allchatagents'), okList([]), 'no text chat is simulated')
  // An agent signing out leaves the online lists at once.
  await call(app, g2, 'DELETE', '/onlineagent/1002/logout')
  t.strictSame(await get(app, g1, '/agentgroup/1001/idleagent'), okList([{ workno: '1001', name: 'Alice' }]))
  t.equal((await get(app, g1, '/agentgroup/1001/allagentstatus')).result[1].status, 2, 'signed out again')
})

t.test('groups: agentongroup, agentongroupex, grouponvdn, groupbyagent', async (t) => {
  const { app, g1 } = await center(t)
  const worknos = (r: any): string[] => r.result.map((a: { workno: string }) => a.workno)
  t.same(worknos(await get(app, g1, '/agentgroup/1001/agentongroup')), ['1001', '1002'], 'the asking agent\'s group')
  t.same(worknos(await get(app, g1, '/agentgroup/1001/agentongroupex')), ['1001', '1002'])
  t.same(worknos(await get(app, g1, '/agentgroup/1001/agentongroupex?groupid=20')), ['1003'])
  t.strictSame(await get(app, g1, '/agentgroup/1001/agentongroupex?groupid=99'), { message: 'group 99 does not exist', retcode: '300-003' })
  t.match(await get(app, g1, '/agentgroup/1001/agentongroupex?groupid=abc'), { retcode: '000-002' })
  t.strictSame(await get(app, g1, '/agentgroup/1001/grouponvdn'), okList([
    { id: 10, name: 'front', monitorno: 1001, monitorname: 'Alice' },
    { id: 20, name: 'back', monitorno: 0, monitorname: '' }
  ]))
  t.strictSame(await get(app, g1, '/agentgroup/1001/groupbyagent/1003'), okList({ id: 20, name: 'back', monitorno: 0, monitorname: '' }))
  t.match(await get(app, g1, '/agentgroup/1001/groupbyagent/1998'), { retcode: '300-002' })
})

t.test('a world without groups: everyone in group 1 "default"; no rest reasons', async (t) => {
  const { app, g1 } = await center(t, { ...emptyWorld() })
  t.strictSame(await get(app, g1, '/agentgroup/1001/grouponvdn'), okList([{ id: 1, name: 'default', monitorno: 0, monitorname: '' }]))
  t.strictSame(await get(app, g1, '/agentgroup/1001/restreason'), okList([]))
  t.strictSame(await get(app, g1, '/agentgroup/1001/iscensor'), okList(false))
  t.strictSame(await get(app, g1, '/agentgroup/1001/iscallout'), okList(true), 'call-out is the one right every agent has by default')
  t.strictSame(await get(app, g1, '/queuedevice/1001/ivrinfo'), { message: 'queue device: no IVR configured', retcode: '600-004' })
})

t.test('skills: agentbyskill, agentidsbyskill, agentbyconfigedskill follow resetskill', async (t) => {
  const { app, g1 } = await center(t)
  const worknos = (r: any): string[] => r.result.map((a: { workno: string }) => a.workno)
  t.same(worknos(await get(app, g1, '/agentgroup/1001/agentbyskill/2')), ['1001'], 'signed in to skill 2: Alice only (Carol is signed out)')
  t.strictSame(await get(app, g1, '/agentgroup/1001/agentidsbyskill/1'), okList(['1001', '1002']))
  t.same(worknos(await get(app, g1, '/agentgroup/1001/agentbyconfigedskill/2')), ['1001', '1003'], 'configured, signed in or not')
  await call(app, g1, 'POST', '/onlineagent/1001/resetskill/false?skillid=1')
  t.strictSame(await get(app, g1, '/agentgroup/1001/agentidsbyskill/2'), okList([]), 'Alice left skill 2')
  t.strictSame(await get(app, g1, '/queuedevice/1001/agentskill/1001'), okList([skill(1, 'voice')]))
  t.match(await get(app, g1, '/agentgroup/1001/agentbyskill/x'), { retcode: '000-002' })
})

t.test('agentbyskill reads its body (agentLimit and agentStatus, both or neither) and leaves out agents without the talk right', async (t) => {
  const { app, g1, g2 } = await center(t)
  const worknos = (r: any): string[] => r.result.map((a: { workno: string }) => a.workno)
  const bySkill = async (body?: unknown): Promise<any> =>
    (await app.inject({ method: 'GET', url: `${GW}/agentgroup/1001/agentbyskill/1`, headers: { guid: g1, 'content-type': 'application/json' }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) })).json()
  t.same(worknos(await bySkill()), ['1001', '1002'])
  t.same(worknos(await bySkill({ agentLimit: 1, agentStatus: [4] })), ['1001'], 'at most agentLimit')
  await call(app, g2, 'POST', '/onlineagent/1002/saybusy')
  t.same(worknos(await bySkill({ agentLimit: 10, agentStatus: [3] })), ['1002'], 'busy agents only')
  t.same(worknos(await bySkill({ agentLimit: 10, agentStatus: [7, 8] })), [])
  t.match(await bySkill({ agentLimit: 10 }), { retcode: '000-002', message: 'agentLimit and agentStatus go together' })
  t.match(await bySkill({ agentLimit: 0, agentStatus: [4] }), { retcode: '000-002' })
  t.match(await bySkill({ agentLimit: 1, agentStatus: 'x' }), { retcode: '000-002' })
  await call(app, g2, 'POST', '/onlineagent/1002/settalkright?flag=0')
  t.same(worknos(await bySkill()), ['1001'], 'no talk right: left out')
})

t.test('agentlistbystatus, agentrestinfo, restreason, agentinfonoskills', async (t) => {
  const { app, clock, g1, g2 } = await center(t)
  t.same((await get(app, g1, '/agentgroup/1001/agentlistbystatus?status=2')).result.map((a: { workno: string }) => a.workno), ['1003'])
  t.match(await get(app, g1, '/agentgroup/1001/agentlistbystatus'), { retcode: '000-002', message: /status is required/ })
  clock.advance(2000)
  await call(app, g2, 'POST', '/onlineagent/1002/rest/600/2')
  t.strictSame(await get(app, g1, '/agentgroup/1001/agentrestinfo'), okList([{ workno: '1002', name: 'Bob', restReason: 2, restTime: 600, restBeginTime: clock.now() }]))
  t.strictSame(await get(app, g1, '/agentgroup/1001/restreason'), okList([{ restReason: 'lunch', restReasonId: 1 }, { restReason: 'training', restReasonId: 2 }]))
  const noSkills = (await call(app, g1, 'POST', '/agentgroup/1001/agentinfonoskills', { worknos: ['1003'] })).json()
  t.equal(noSkills.retcode, '0')
  t.same(noSkills.result.map((a: Record<string, unknown>) => [a.workno, 'skilllist' in a]), [['1003', false]])
  t.equal((await call(app, g1, 'POST', '/agentgroup/1001/agentinfonoskills')).json().result.length, 2, 'no body: the signed-in agents')
  t.match((await call(app, g1, 'POST', '/agentgroup/1001/agentinfonoskills', { worknos: '1003' })).json(), { retcode: '000-002' })
  t.match((await call(app, g1, 'POST', '/agentgroup/1001/agentinfonoskills', { worknos: ['7777'] })).json(), { retcode: '300-002' })
})

t.test('rights: iscensor (also with a trailing slash), ispickup, iscallout, ismonitor...', async (t) => {
  const { app, g1, g2 } = await center(t)
  for (const [path, alice, bob] of [['iscensor', true, false], ['iscensor/', true, false], ['ispickup', true, false], ['iscallout', true, true], ['ismonitor', false, false], ['isspymonitor', false, false], ['isreportmanager', false, false], ['issystem', false, false]] as const) {
    t.strictSame(await get(app, g1, `/agentgroup/1001/${path}`), okList(alice), `${path} Alice`)
    t.strictSame(await get(app, g2, `/agentgroup/1002/${path}`), okList(bob), `${path} Bob`)
  }
})

t.test('credentials: not signed in (100-006), another agent\'s GUID (000-003), bad agent id (000-002)', async (t) => {
  const { app, g1 } = await center(t)
  t.match(await get(app, g1, '/agentgroup/1003/idleagent'), { retcode: '100-006' })
  t.match(await get(app, g1, '/agentgroup/1002/idleagent'), { retcode: '000-003' })
  t.match(await get(app, 'nope', '/agentgroup/1001/allagentstatus'), { retcode: '000-003' })
  t.match(await get(app, g1, '/agentgroup/1x/allagentstatus'), { retcode: '000-002' })
})

t.test('queuedevice: agentvdnskill, vdnskill, agentskill, ivrinfo', async (t) => {
  const { app, g1 } = await center(t)
  const skills = [
    { name: 'voice', id: 1, mediatype: 5, serviceType: 0, realFlag: 1 },
    { name: 'billing', id: 2, mediatype: 5, serviceType: 0, realFlag: 1 }
  ]
  t.strictSame(await get(app, g1, '/queuedevice/1001/agentvdnskill'), okList(skills))
  t.strictSame(await get(app, g1, '/queuedevice/1001/vdnskill/1'), okList(skills))
  t.match(await get(app, g1, '/queuedevice/1001/vdnskill/2'), { retcode: '600-002' })
  t.strictSame(await get(app, g1, '/queuedevice/1001/agentskill/1002'), okList([skill(1, 'voice')]))
  t.strictSame(await get(app, g1, '/queuedevice/1001/agentskill/1003'), okList([]), 'signed out: signed in to no skill')
  t.match(await get(app, g1, '/queuedevice/1001/agentskill/1999'), { retcode: '600-001' })
  t.strictSame(await get(app, g1, '/queuedevice/1001/ivrinfo'), okList([{ access: '1321', id: 1, description: 'main menu', serviceNo: 1 }]))
})

t.test('querymonitor: node, time, version, per-skill agent figures', async (t) => {
  const { app, clock, g1, g2 } = await center(t)
  t.strictSame(await get(app, g1, '/querymonitor/1001/servertime'), okList(clock.now()))
  t.strictSame(await get(app, g1, '/querymonitor/1001/clusterinfo'), okList([{ clusterName: 'AgentGateway0', clusterState: 0, agentNum: 2 }]))
  t.strictSame(await get(app, g1, '/querymonitor/1001/clusterinfobyname/AgentGateway0'), okList({ clusterName: 'AgentGateway0', clusterState: 0, agentNum: 2 }))
  t.match(await get(app, g1, '/querymonitor/1001/clusterinfobyname/other'), { retcode: '000-002' })
  t.strictSame(await get(app, g1, '/querymonitor/1001/agentclusterinfo/1002'), okList({ workno: '1002', clusterName: 'AgentGateway0' }))
  t.match(await get(app, g1, '/querymonitor/1001/agentclusterinfo/1003'), { retcode: '100-006', message: 'agent 1003 has not signed in' })
  t.strictSame(await get(app, g1, '/querymonitor/1001/allagentclusterinfo'), okList([{ workno: '1001', clusterName: 'AgentGateway0' }, { workno: '1002', clusterName: 'AgentGateway0' }]))
  t.match(await get(app, g1, '/querymonitor/1001/systemversion'), { retcode: '0', result: /CC-Gateway/ })
  t.strictSame(await get(app, g1, '/querymonitor/1001/systemstate'), okList({ state: 0, description: 'normal' }))
  await call(app, g2, 'POST', '/onlineagent/1002/saybusy')
  t.strictSame(await get(app, g1, '/querymonitor/1001/skillstatisticinfo/1'), okList({ skillId: 1, skillName: 'voice', loggedOnAgents: 2, idleAgents: 1, talkingAgents: 0, busyAgents: 1, restAgents: 0, workAgents: 0 }))
  t.match(await get(app, g1, '/querymonitor/1001/skillstatisticinfo/9'), { retcode: '600-002' })
  t.strictSame((await call(app, g1, 'POST', '/querymonitor/1001/setagenttimeout/true')).json(), { message: 'success', retcode: '0', result: {} })
  t.match((await call(app, g1, 'POST', '/querymonitor/1001/setagenttimeout/maybe')).json(), { retcode: '000-002' })
})

t.test('qualitycontrol/allagent: the agents an inspector may watch; 300-001 for anyone else', async (t) => {
  const { app, g1, g2 } = await center(t)
  t.same((await get(app, g1, '/qualitycontrol/1001/allagent')).result.map((a: { workno: string }) => a.workno), ['1002', '1003'])
  t.strictSame(await get(app, g2, '/qualitycontrol/1002/allagent'), { message: 'agent 1002 is not an inspector', retcode: '300-001' })
})

t.test('the directory takes other sources: their agents appear in every query, a real agent wins on the same work number', async (t) => {
  const { app, g1 } = await center(t)
  const sim = app.simulator
  const base = sim.directory.get('1003')!
  sim.directory.addSource(() => [
    { ...base, workno: '2001', name: 'Sim Colleague', signedIn: true, agentState: 4, ctiStatus: 1, skills: [{ id: 1, name: 'voice' }] },
    { ...base, workno: '1001', name: 'Impostor', signedIn: true, agentState: 3, ctiStatus: 7 }
  ])
  t.strictSame(await get(app, g1, '/agentgroup/1001/idleagent'), okList([{ workno: '1001', name: 'Alice' }, { workno: '1002', name: 'Bob' }, { workno: '2001', name: 'Sim Colleague' }]))
  t.strictSame(await get(app, g1, '/agentgroup/1001/agentidsbyskill/1'), okList(['1001', '1002', '2001']))
  t.match(await get(app, g1, '/agentgroup/1001/agentbyworkno/2001'), { result: { name: 'Sim Colleague', status: 4 } })
})

t.test('every agentgroup, queuedevice, querymonitor and allagent route: 100-006, 000-003, 000-002 first', async (t) => {
  const { app, g1 } = await center(t)
  const paths = [
    'agentgroup/{a}/agentbyworkno/1002', 'agentgroup/{a}/agentbyskill/1', 'agentgroup/{a}/agentbyconfigedskill/1', 'agentgroup/{a}/agentidsbyskill/1',
    'agentgroup/{a}/agentlistbystatus?status=4', 'agentgroup/{a}/agentongroup', 'agentgroup/{a}/agentongroupex', 'agentgroup/{a}/agentrestinfo',
    'agentgroup/{a}/agentwasnameonvdn', 'agentgroup/{a}/allagentstatus', 'agentgroup/{a}/alllocalagentstatus', 'agentgroup/{a}/allchatagents',
    'agentgroup/{a}/groupbyagent/1002', 'agentgroup/{a}/grouponvdn', 'agentgroup/{a}/idleagent', 'agentgroup/{a}/iscallout', 'agentgroup/{a}/iscensor',
    'agentgroup/{a}/iscensor/', 'agentgroup/{a}/ismonitor', 'agentgroup/{a}/ispickup', 'agentgroup/{a}/isreportmanager', 'agentgroup/{a}/isspymonitor',
    'agentgroup/{a}/issystem', 'agentgroup/{a}/loggedinagentphoneonvdn', 'agentgroup/{a}/onlineagentonvdn', 'agentgroup/{a}/queryagentstatus',
    'agentgroup/{a}/queryagentstatusandskill', 'agentgroup/{a}/restreason', 'queuedevice/{a}/agentvdnskill', 'queuedevice/{a}/vdnskill/1',
    'queuedevice/{a}/agentskill/1002', 'queuedevice/{a}/ivrinfo', 'querymonitor/{a}/clusterinfo', 'querymonitor/{a}/clusterinfobyname/AgentGateway0',
    'querymonitor/{a}/agentclusterinfo/1002', 'querymonitor/{a}/allagentclusterinfo', 'querymonitor/{a}/servertime', 'querymonitor/{a}/systemstate',
    'querymonitor/{a}/systemversion', 'querymonitor/{a}/skillstatisticinfo/1', 'qualitycontrol/{a}/allagent'
  ]
  for (const p of paths) {
    t.equal((await get(app, g1, `/${p.replace('{a}', '1001')}`)).retcode, '0', `${p}: answers`)
    t.match(await get(app, g1, `/${p.replace('{a}', '1003')}`), { retcode: '100-006' }, `${p}: not signed in`)
    t.match(await get(app, g1, `/${p.replace('{a}', '1002')}`), { retcode: '000-003' }, `${p}: another agent's GUID`)
    t.match(await get(app, g1, `/${p.replace('{a}', '99x')}`), { retcode: '000-002' }, `${p}: bad agent id`)
  }
  t.match((await call(app, g1, 'POST', '/agentgroup/1001/agentinfonoskills', '[1]')).json(), { retcode: '000-002' }, 'a body that is not an object')
  t.match((await call(app, g1, 'POST', '/querymonitor/1003/setagenttimeout/true')).json(), { retcode: '100-006' })
})
