/**
 * `onlineagent/{agentid}/...` (spec §2–§3, Part B §4–§10, Part C §2–§5): every route's happy path
 * with its exact body and events, each documented error, and bad input.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { emptyWorld } from '../../src/domain/world.js'
import { build, call, drain, GW, signIn, type PolledEvent } from '../helper.js'

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.AgentGateway0$/
const SUCCESS_EMPTY = { message: 'success', retcode: '0', result: {} }

function login (app: FastifyInstance, agentId: string, payload?: unknown, path = ''): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'PUT',
    url: `${GW}/onlineagent/${agentId}${path}`,
    ...(payload === undefined ? {} : { payload: payload as object })
  })
}

const guidOf = (res: LightMyRequestResponse): string => String(res.headers['set-guid']).replace('JSESSIONID=', '')

const ev = (eventType: string, workNo: string, content: unknown = null): PolledEvent => ({ eventType, workNo, content })

async function status (app: FastifyInstance, id: string, guid: string): Promise<unknown> {
  return (await call(app, guid, 'GET', `/onlineagent/${id}/agentstatus`)).json()
}

const stateBody = (agentState: number, isWorking = false): unknown =>
  ({ message: '', retcode: '0', result: { agentState, isWorking } })

/** Sign in and throw away the sign-in events. */
async function ready (app: FastifyInstance, id: string, body?: Record<string, unknown>): Promise<string> {
  const guid = await signIn(app, id, body === undefined ? {} : { body })
  await drain(app, id, guid)
  return guid
}

// ---- sign-in family --------------------------------------------------------------------------

t.test('a sign-in answers the documented result with a Set-GUID header and a matching Set-Cookie', async (t) => {
  const { app, clock } = await build(t)
  const res = await login(app, '1001', { password: '', phonenum: '40038' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json;charset=UTF-8')
  t.strictSame(res.json(), {
    message: '',
    retcode: '0',
    result: {
      vdnid: 1,
      workno: '1001',
      mediatype: 'TTF',
      loginTime: String(clock.now()),
      isForceChange: 'false',
      serverName: 'AgentGateway',
      timeRemaining: ''
    }
  })
  t.same(Object.keys(res.json().result), ['vdnid', 'workno', 'mediatype', 'loginTime', 'isForceChange', 'serverName', 'timeRemaining'])
  const setGuid = String(res.headers['set-guid'])
  t.match(setGuid, /^JSESSIONID=/)
  const guid = guidOf(res)
  t.match(guid, GUID_RE, 'the GUID is <uuid>.AgentGateway0')
  t.equal(res.headers['set-cookie'], `JSESSIONID=${guid}; Path=/`)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentOther_InService', '1001'), ev('AgentState_Ready', '1001')])
})

t.test('a sign-in body with string-typed values is coerced and accepted', async (t) => {
  const { app } = await build(t)
  const res = await login(app, '1001', { password: '', phonenum: '40038', status: '4', releasephone: 'false', agenttype: '4' })
  t.equal(res.json().retcode, '0')
  const guid = guidOf(res)
  t.equal(app.simulator.agents.get('1001')?.settings.releasePhone, false, '"false" became false')
  t.strictSame(await status(app, '1001', guid), stateBody(4))
  t.strictSame(await drain(app, '1001', guid), [ev('AgentOther_InService', '1001'), ev('AgentState_Ready', '1001')])
})

t.test('a sign-in body with extra fields real clients send is accepted', async (t) => {
  const { app } = await build(t)
  const res = await login(app, '1001', {
    password: '',
    phonenum: '40038',
    autoanswer: false,
    autoenteridle: false,
    releasephone: false,
    status: 5,
    checkInWebm: true,
    checkInMailm: false,
    listenStatus: false,
    phonelinkage: '1',
    ip: '127.0.0.1',
    entryIp: '',
    vcPhoneNumber: '',
    pushUrl: 'http://127.0.0.1/push'
  })
  t.equal(res.json().retcode, '0')
  t.strictSame(await status(app, '1001', guidOf(res)), stateBody(5))
})

t.test('sign-in with status 3 queues InService, Ready and SetNotReady_Success with reason "0"', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001', { body: { password: '', phonenum: '40038', status: 3 } })
  t.strictSame(await drain(app, '1001', guid), [
    ev('AgentOther_InService', '1001'),
    ev('AgentState_Ready', '1001'),
    ev('AgentState_SetNotReady_Success', '1001', { reason: '0' })
  ])
  t.strictSame(await status(app, '1001', guid), stateBody(3))
})

t.test('sign-in with status 4 queues InService and Ready', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001', { body: { password: '', phonenum: '40038', status: 4 } })
  t.strictSame(await drain(app, '1001', guid), [ev('AgentOther_InService', '1001'), ev('AgentState_Ready', '1001')])
  t.strictSame(await status(app, '1001', guid), stateBody(4))
})

t.test('sign-in with status 5 queues InService, Ready and AgentState_Work', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001', { body: { password: '', phonenum: '40038', status: '5' } })
  t.strictSame(await drain(app, '1001', guid), [
    ev('AgentOther_InService', '1001'),
    ev('AgentState_Ready', '1001'),
    ev('AgentState_Work', '1001')
  ])
  t.strictSame(await status(app, '1001', guid), stateBody(5))
})

t.test('sign-in with a status other than 3, 4 or 5 is refused with 100-011', async (t) => {
  const { app } = await build(t)
  for (const s of [7, '7', 0, 6]) {
    const res = await login(app, '1001', { password: '', phonenum: '40038', status: s })
    t.equal(res.statusCode, 200)
    t.strictSame(res.json(), { message: `status must be 3, 4 or 5, got ${Number(s)}`, retcode: '100-011' }, `status ${JSON.stringify(s)}`)
  }
  const notANumber = await login(app, '1001', { password: '', phonenum: '40038', status: 'idle' })
  t.equal(notANumber.json().retcode, '100-011', 'a status that is not a number is an invalid parameter')
  t.equal((await login(app, '1001', { password: '', phonenum: '40038' })).json().retcode, '0', 'the refused attempts signed nobody in')
})

t.test('sign-in with an agent type other than 4 or 11 is refused with 100-012', async (t) => {
  const { app } = await build(t)
  const res = await login(app, '1001', { password: '', phonenum: '40038', agenttype: 5 })
  t.strictSame(res.json(), { message: 'agenttype must be 4 or 11, got 5', retcode: '100-012' })
  t.equal((await login(app, '1001', { password: '', phonenum: '40038', agenttype: '11' })).json().retcode, '0', 'video agent type 11 is fine')
})

t.test('sign-in without password or phonenum is refused with 100-001', async (t) => {
  const { app } = await build(t)
  t.strictSame((await login(app, '1001', { phonenum: '40038' })).json(), { message: 'password is required', retcode: '100-001' })
  t.strictSame((await login(app, '1001', { password: '' })).json(), { message: 'phonenum is required', retcode: '100-001' })
  t.equal((await login(app, '1001', { password: '', phonenum: '' })).json().retcode, '100-001', 'an empty phonenum is missing too')
  t.equal((await login(app, '1001', {})).json().retcode, '100-001', 'an empty object lacks both')
  t.equal((await login(app, '1001', { password: '', phonenum: '40038' }, '/forcelogin')).json().retcode, '0')
})

t.test('a sign-in with no body at all lacks its parameters: 100-001 for login and forcelogin, and loginex still works', async (t) => {
  const { app } = await build(t)
  t.equal((await login(app, '1001')).json().retcode, '100-001', 'PUT onlineagent/1001 with no body')
  t.equal((await login(app, '1001', undefined, '/forcelogin')).json().retcode, '100-001', 'forcelogin with no body')
  t.equal(app.simulator.agents.size, 0)
  const ex = await login(app, '1001', undefined, '/loginex')
  t.equal(ex.json().retcode, '0', 'loginex needs neither password nor phonenum')
})

t.test('sign-in with a field of the wrong shape is refused with 100-011', async (t) => {
  const { app } = await build(t)
  const long = await login(app, '1001', { password: 'x'.repeat(33), phonenum: '40038' })
  t.equal(long.json().retcode, '100-011', 'password longer than 32 characters')
  const phone = await login(app, '1001', { password: '', phonenum: '1'.repeat(25) })
  t.equal(phone.json().retcode, '100-011', 'phonenum longer than 24 characters')
})

t.test('a second sign-in of a signed-in agent is refused with 100-002 and the first session keeps working', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  const again = await login(app, '1001', { password: '', phonenum: '40038' })
  t.strictSame(again.json(), { message: 'the agent has already signed in', retcode: '100-002' })
  t.equal(again.headers['set-guid'], undefined, 'a refused sign-in sends no Set-GUID')
  t.equal((await login(app, '1001', { password: '' }, '/loginex')).json().retcode, '100-002', 'loginex is refused as well')
  t.strictSame(await status(app, '1001', guid), stateBody(4))
  t.strictSame(await drain(app, '1001', guid), [], 'the refused sign-ins queued nothing')
})

t.test('forcelogin displaces the old session: its GUID gets 000-003 and the new one works', async (t) => {
  const { app, clock } = await build(t)
  const old = await ready(app, '1001')
  clock.advance(1000)
  const res = await login(app, '1001', { password: '', phonenum: '40038' }, '/forcelogin')
  t.strictSame(res.json(), {
    message: '',
    retcode: '0',
    result: { vdnid: 1, workno: '1001', mediatype: 'TTF', loginTime: String(clock.now()), isForceChange: 'false', serverName: 'AgentGateway', timeRemaining: '' }
  })
  const fresh = guidOf(res)
  t.match(fresh, GUID_RE)
  t.not(fresh, old)
  t.equal(res.headers['set-cookie'], `JSESSIONID=${fresh}; Path=/`)
  t.strictSame((await call(app, old, 'GET', '/onlineagent/1001/agentstatus')).json(), { message: 'no right to invite resouce', retcode: '000-003' })
  t.equal((await call(app, old, 'GET', '/agentevent/1001')).json().retcode, '000-003')
  t.strictSame(await drain(app, '1001', fresh), [ev('AgentOther_InService', '1001'), ev('AgentState_Ready', '1001')])
  t.strictSame(await status(app, '1001', fresh), stateBody(4))
})

t.test('forcelogin of an agent that is not signed in simply signs it in', async (t) => {
  const { app } = await build(t)
  const res = await login(app, '1001', { password: '', phonenum: '40038', status: 3 }, '/forcelogin')
  t.equal(res.json().retcode, '0')
  t.strictSame(await drain(app, '1001', guidOf(res)), [
    ev('AgentOther_InService', '1001'),
    ev('AgentState_Ready', '1001'),
    ev('AgentState_SetNotReady_Success', '1001', { reason: '0' })
  ])
})

t.test('loginex signs in without a phonenum and with an empty password', async (t) => {
  const { app, clock } = await build(t)
  const res = await login(app, '1001', { password: '' }, '/loginex')
  t.strictSame(res.json(), {
    message: '',
    retcode: '0',
    result: { vdnid: 1, workno: '1001', mediatype: 'TFF', loginTime: String(clock.now()), isForceChange: 'false', serverName: 'AgentGateway', timeRemaining: '' }
  })
  const guid = guidOf(res)
  t.match(guid, GUID_RE)
  t.equal(res.headers['set-cookie'], `JSESSIONID=${guid}; Path=/`)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentOther_InService', '1001'), ev('AgentState_Ready', '1001')])
  const bare = await login(app, '1002', {}, '/loginex')
  t.equal(bare.json().retcode, '0', 'loginex with an empty body works too')
})

t.test('an agent id outside 101-999999 or not a plain number is refused with 000-002 by every sign-in route', async (t) => {
  const { app } = await build(t)
  for (const id of ['100', '1000000', 'abc', '0101']) {
    for (const path of ['', '/forcelogin', '/loginex']) {
      const res = await login(app, id, { password: '', phonenum: '40038' }, path)
      t.equal(res.statusCode, 200)
      t.equal(res.json().retcode, '000-002', `PUT onlineagent/${id}${path}`)
      t.equal(res.headers['set-guid'], undefined)
    }
  }
  t.equal(app.simulator.agents.size, 0, 'nobody was signed in')
  for (const id of ['101', '999999']) {
    t.equal((await login(app, id, { password: '', phonenum: '40038' })).json().retcode, '0', `${id} is in range`)
  }
})

t.test('an agent id outside the range is refused with 000-002 on the other onlineagent routes', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  for (const id of ['100', '1000000', 'abc', '0101']) {
    const res = await call(app, guid, 'GET', `/onlineagent/${id}/agentstatus`)
    t.equal(res.json().retcode, '000-002', `agentstatus of ${id}`)
    t.equal((await call(app, guid, 'POST', `/onlineagent/${id}/saybusy`)).json().retcode, '000-002', `saybusy of ${id}`)
  }
})

t.test('with a roster, sign-in checks the password and the agent id', async (t) => {
  const world = emptyWorld()
  world.roster = [{ id: '1001', password: 'secret' }]
  const { app } = await build(t, {}, world)
  t.strictSame((await login(app, '1001', { password: 'wrong', phonenum: '40038' })).json(), { message: 'wrong user name or password', retcode: '100-004' })
  t.strictSame((await login(app, '1001', { password: '', phonenum: '40038' })).json(), { message: 'wrong user name or password', retcode: '100-004' })
  t.strictSame((await login(app, '1002', { password: 'secret', phonenum: '40038' })).json(), { message: 'wrong user name or password', retcode: '100-004' }, 'an agent not on the roster')
  t.equal((await login(app, '1002', { password: 'secret', phonenum: '40038' }, '/forcelogin')).json().retcode, '100-004', 'forcelogin checks too')
  const res = await login(app, '1001', { password: 'secret', phonenum: '40038' })
  t.equal(res.json().retcode, '0')
  t.match(guidOf(res), GUID_RE)
})

// ---- sign-out ------------------------------------------------------------------------------

t.test('logout signs the agent out and the next call answers 100-006', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  const res = await call(app, guid, 'DELETE', '/onlineagent/1001/logout')
  t.strictSame(res.json(), { message: '', retcode: '0', result: null })
  t.strictSame((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json(), { message: 'the agent has not signed in', retcode: '100-006' })
  t.equal((await call(app, guid, 'DELETE', '/onlineagent/1001/logout')).json().retcode, '100-006', 'a second logout')
  t.equal((await call(app, guid, 'GET', '/agentevent/1001')).json().retcode, '100-006', 'a poll')
  t.equal((await login(app, '1001', { password: '', phonenum: '40038' })).json().retcode, '0', 'the agent may sign in again')
})

t.test('logout while talking is refused with 100-010 and the agent stays in its call', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app, '1001')
  const dial = await call(app, guid, 'PUT', '/voicecall/1001/callinner', { called: '9002' })
  t.equal(dial.json().retcode, '0')
  clock.advance(0) // 9002 answers after 0 ms
  t.strictSame(await status(app, '1001', guid), stateBody(7, true))
  t.strictSame((await call(app, guid, 'DELETE', '/onlineagent/1001/logout')).json(), { message: 'the agent state does not allow sign-out', retcode: '100-010' })
  t.strictSame(await status(app, '1001', guid), stateBody(7, true))
  t.equal(app.simulator.calls.active.size, 1)
})

t.test('forcelogout signs out a talking agent and releases its call', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app, '1001')
  await call(app, guid, 'PUT', '/voicecall/1001/callinner', { called: '9002' })
  clock.advance(0)
  t.strictSame(await status(app, '1001', guid), stateBody(7, true))
  t.strictSame((await call(app, guid, 'DELETE', '/onlineagent/1001/forcelogout')).json(), { message: '', retcode: '0', result: null })
  t.equal(app.simulator.calls.active.size, 0, 'the call is gone')
  t.equal((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '100-006')
})

t.test('forcelogout of a caller releases the call for the other agent, who gets Customer_Release and goes idle', async (t) => {
  const { app } = await build(t)
  const a = await ready(app, '1001')
  const b = await ready(app, '1002')
  const callid = (await call(app, a, 'PUT', '/voicecall/1001/callinner', { called: '1002' })).json().result
  t.strictSame(await status(app, '1002', b), stateBody(7, true), '1002 auto-answered')
  await drain(app, '1002', b)
  t.equal((await call(app, a, 'DELETE', '/onlineagent/1001/forcelogout')).json().retcode, '0')
  t.strictSame(await drain(app, '1002', b), [
    ev('AgentEvent_Customer_Release', '1002', { callid, number: '1001' }),
    ev('AgentOther_PhoneRelease', '1002', { phoneState: 3 }),
    ev('AgentState_Ready', '1002')
  ])
  t.strictSame(await status(app, '1002', b), stateBody(4))
})

t.test('forcelogout of an idle agent works and of an agent not signed in answers 100-006', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  t.strictSame((await call(app, guid, 'DELETE', '/onlineagent/1001/forcelogout')).json(), { message: '', retcode: '0', result: null })
  t.equal((await call(app, guid, 'DELETE', '/onlineagent/1001/forcelogout')).json().retcode, '100-006')
})

t.test('forcelogoutwithreason takes a reason from 1 to 255 and answers exactly {"message":"success","retcode":"0"}', async (t) => {
  const { app } = await build(t)
  for (const reason of ['1', '128', '255']) {
    const guid = await ready(app, '1001')
    const res = await call(app, guid, 'DELETE', `/onlineagent/1001/forcelogoutwithreason/${reason}`)
    t.equal(res.body, '{"message":"success","retcode":"0"}', `reason ${reason}`)
    t.equal((await call(app, guid, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '100-006', 'signed out')
  }
})

t.test('forcelogoutwithreason with a reason of 0, 256 or not a number answers 100-005 and signs nobody out', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  for (const reason of ['0', '256', 'abc', '-1']) {
    const res = await call(app, guid, 'DELETE', `/onlineagent/1001/forcelogoutwithreason/${reason}`)
    t.strictSame(res.json(), { message: 'reason must be 1 to 255', retcode: '100-005' }, `reason ${reason}`)
  }
  t.strictSame(await status(app, '1001', guid), stateBody(4))
})

t.test('forcelogoutwithreason releases the call of a talking agent', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app, '1001')
  await call(app, guid, 'PUT', '/voicecall/1001/callinner', { called: '9002' })
  clock.advance(0)
  t.equal((await call(app, guid, 'DELETE', '/onlineagent/1001/forcelogoutwithreason/3')).body, '{"message":"success","retcode":"0"}')
  t.equal(app.simulator.calls.active.size, 0)
})

// ---- agent state -----------------------------------------------------------------------------

t.test('saybusy without a reason sets busy with reason "0"', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/saybusy')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_SetNotReady_Success', '1001', { reason: '0' })])
  t.strictSame(await status(app, '1001', guid), stateBody(3))
})

t.test('saybusy with ?reason=200 carries the reason as a string', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=200')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_SetNotReady_Success', '1001', { reason: '200' })])
  await call(app, guid, 'POST', '/onlineagent/1001/cancelbusy')
  await drain(app, '1001', guid)
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=250&prolong=false')).json().retcode, '0')
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_SetNotReady_Success', '1001', { reason: '250' })])
  await call(app, guid, 'POST', '/onlineagent/1001/cancelbusy')
  await drain(app, '1001', guid)
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=0')).json().retcode, '0', 'reason 0 means no reason')
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_SetNotReady_Success', '1001', { reason: '0' })])
})

t.test('saybusy with a reason outside 200-250 answers 000-002 and changes nothing', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  for (const reason of ['199', '251', '1', 'abc']) {
    const res = await call(app, guid, 'POST', `/onlineagent/1001/saybusy?reason=${reason}`)
    t.equal(res.statusCode, 200)
    t.equal(res.json().retcode, '000-002', `reason ${reason}`)
  }
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=199')).json(), { message: 'reason must be 200 to 250 (or 0)', retcode: '000-002' })
  t.strictSame(await drain(app, '1001', guid), [])
  t.strictSame(await status(app, '1001', guid), stateBody(4))
})

t.test('re-issuing busy needs prolong=true, else 100-009', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=201')
  await drain(app, '1001', guid)
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=202')).json(), { message: 'setting the agent state failed', retcode: '100-009' })
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=202&prolong=false')).json().retcode, '100-009')
  t.strictSame(await drain(app, '1001', guid), [])
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=202&prolong=true')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_SetNotReady_Success', '1001', { reason: '202' })])
  t.strictSame(await status(app, '1001', guid), stateBody(3))
})

t.test('cancelbusy returns a busy agent to idle and is refused with 100-009 when not busy', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/cancelbusy')).json(), { message: 'setting the agent state failed', retcode: '100-009' })
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy')
  await drain(app, '1001', guid)
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/cancelbusy')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_CancelNotReady_Success', '1001')])
  t.strictSame(await status(app, '1001', guid), stateBody(4))
})

t.test('sayfree from busy answers CancelNotReady_Success, from work CancelWork_Success, and from idle 100-009', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/sayfree')).json(), { message: 'setting the agent state failed', retcode: '100-009' })
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy')
  await drain(app, '1001', guid)
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/sayfree')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_CancelNotReady_Success', '1001')])
  t.strictSame(await status(app, '1001', guid), stateBody(4))
  await call(app, guid, 'POST', '/onlineagent/1001/work')
  await drain(app, '1001', guid)
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/sayfree')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_CancelWork_Success', '1001')])
  t.strictSame(await status(app, '1001', guid), stateBody(4))
})

t.test('rest sets rest with the cause as reason; after its time Rest_Timeout arrives and the agent stays in rest', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app, '1001')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/rest/90/3')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_SetRest_Success', '1001', { reason: '3' })])
  t.strictSame(await status(app, '1001', guid), stateBody(8))
  clock.advance(89999)
  t.strictSame(await drain(app, '1001', guid), [], 'no reminder before the time is up')
  clock.advance(1)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_Rest_Timeout', '1001')])
  t.strictSame(await status(app, '1001', guid), stateBody(8), 'still resting')
  clock.advance(90000)
  t.strictSame(await drain(app, '1001', guid), [], 'the reminder comes once')
})

t.test('rest with cause 0 carries reason "0" and a repeated rest needs prolong=true', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  await call(app, guid, 'POST', '/onlineagent/1001/rest/60/0')
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_SetRest_Success', '1001', { reason: '0' })])
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/rest/60/5')).json().retcode, '100-009')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/rest/60/5?prolong=true')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_SetRest_Success', '1001', { reason: '5' })])
})

t.test('cancelrest returns a resting agent to idle and cancels the reminder', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app, '1001')
  await call(app, guid, 'POST', '/onlineagent/1001/rest/60/2')
  await drain(app, '1001', guid)
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/cancelrest')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_CancelRest_Success', '1001')])
  t.strictSame(await status(app, '1001', guid), stateBody(4))
  clock.advance(60000)
  t.strictSame(await drain(app, '1001', guid), [], 'no Rest_Timeout after cancelrest')
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/cancelrest')).json().retcode, '100-009', 'not resting')
})

t.test('rest with a time outside 1-86399 or a cause outside 0-255 answers 000-002', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  for (const path of ['rest/0/1', 'rest/86400/1', 'rest/60/256', 'rest/abc/1', 'rest/60/x', 'rest/-5/1', 'rest/60/-1']) {
    const res = await call(app, guid, 'POST', `/onlineagent/1001/${path}`)
    t.equal(res.statusCode, 200)
    t.equal(res.json().retcode, '000-002', path)
  }
  t.strictSame(await drain(app, '1001', guid), [])
  t.strictSame(await status(app, '1001', guid), stateBody(4))
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/rest/86399/255')).json().retcode, '0', 'the upper bounds are valid')
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_SetRest_Success', '1001', { reason: '255' })])
})

t.test('work enters wrap-up and cancelwork leaves it; cancelwork outside wrap-up answers 100-009', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/cancelwork')).json(), { message: 'setting the agent state failed', retcode: '100-009' })
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/work')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_SetWork_Success', '1001')])
  t.strictSame(await status(app, '1001', guid), stateBody(5))
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/cancelwork')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1001', guid), [ev('AgentState_CancelWork_Success', '1001')])
  t.strictSame(await status(app, '1001', guid), stateBody(4))
})

t.test('state changes of an agent not signed in answer 100-006', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  for (const path of ['saybusy', 'cancelbusy', 'sayfree', 'rest/60/1', 'cancelrest', 'work', 'cancelwork', 'autoanswer/true', 'autoenteridle/true', 'resetskill/true', 'handshake']) {
    t.equal((await call(app, guid, 'POST', `/onlineagent/1002/${path}`)).json().retcode, '100-006', path)
  }
  t.equal((await call(app, guid, 'GET', '/onlineagent/1002/agentstatus')).json().retcode, '100-006', 'agentstatus')
  t.equal((await call(app, guid, 'GET', '/onlineagent/1002/agentskills')).json().retcode, '100-006', 'agentskills')
})

t.test('autoanswer takes true or false; any other flag answers 000-002', async (t) => {
  const { app } = await build(t)
  const a = await ready(app, '1001')
  const b = await ready(app, '1002')
  t.strictSame((await call(app, b, 'POST', '/onlineagent/1002/autoanswer/true')).json(), SUCCESS_EMPTY)
  t.strictSame((await call(app, b, 'POST', '/onlineagent/1002/autoanswer/yes')).json(), { message: 'flag must be true or false', retcode: '000-002' })
  t.equal((await call(app, b, 'POST', '/onlineagent/1002/autoanswer/1')).json().retcode, '000-002')
  t.strictSame((await call(app, b, 'POST', '/onlineagent/1002/autoanswer/false')).json(), SUCCESS_EMPTY)
  t.strictSame(await drain(app, '1002', b), [], 'no event for a setting')
  await call(app, a, 'PUT', '/voicecall/1001/callinner', { called: '1002' })
  const types = (await drain(app, '1002', b)).map(e => e.eventType)
  t.ok(types.includes('AgentEvent_Ringing'), 'with autoanswer off the call rings')
  t.notOk(types.includes('AgentEvent_Auto_Answer'))
  t.strictSame(await status(app, '1002', b), stateBody(7, false), 'ringing, not talking')
})

t.test('autoenteridle/false sends the agent to wrap-up after a call, autoenteridle/true to idle', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app, '1001')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/autoenteridle/false')).json(), SUCCESS_EMPTY)
  await call(app, guid, 'PUT', '/voicecall/1001/callinner', { called: '9002' })
  clock.advance(0)
  await call(app, guid, 'DELETE', '/voicecall/1001/release')
  t.strictSame(await status(app, '1001', guid), stateBody(5))
  t.equal((await drain(app, '1001', guid)).at(-1)?.eventType, 'AgentState_Work')
  await call(app, guid, 'POST', '/onlineagent/1001/cancelwork')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/autoenteridle/true')).json(), SUCCESS_EMPTY)
  await call(app, guid, 'PUT', '/voicecall/1001/callinner', { called: '9002' })
  clock.advance(0)
  await call(app, guid, 'DELETE', '/voicecall/1001/release')
  t.strictSame(await status(app, '1001', guid), stateBody(4))
  t.equal((await drain(app, '1001', guid)).at(-1)?.eventType, 'AgentState_Ready')
})

t.test('agentstatus answers {agentState, isWorking} with codes 3, 4, 5, 7 and 8', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app, '1001')
  t.strictSame(await status(app, '1001', guid), stateBody(4))
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy')
  t.strictSame(await status(app, '1001', guid), stateBody(3))
  await call(app, guid, 'POST', '/onlineagent/1001/work')
  t.strictSame(await status(app, '1001', guid), stateBody(5))
  await call(app, guid, 'POST', '/onlineagent/1001/rest/60/1')
  t.strictSame(await status(app, '1001', guid), stateBody(8))
  await call(app, guid, 'POST', '/onlineagent/1001/cancelrest')
  t.strictSame(await status(app, '1001', guid), stateBody(4))
  await call(app, guid, 'PUT', '/voicecall/1001/callinner', { called: '9002' })
  clock.advance(0)
  t.strictSame(await status(app, '1001', guid), stateBody(7, true))
})

t.test('agentskills lists the configured skills after sign-in', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  t.strictSame((await call(app, guid, 'GET', '/onlineagent/1001/agentskills')).json(), {
    message: '',
    retcode: '0',
    result: [{ skillId: 1, name: 'voice', mediatype: 5 }, { skillId: 2, name: 'billing', mediatype: 5 }]
  })
})

t.test('resetskill/true signs in to every configured skill; false takes the skillid list', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  const skills = async (): Promise<unknown> => (await call(app, guid, 'GET', '/onlineagent/1001/agentskills')).json().result
  const voice = { skillId: 1, name: 'voice', mediatype: 5 }
  const billing = { skillId: 2, name: 'billing', mediatype: 5 }

  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/resetskill/false?skillid=2')).json(), SUCCESS_EMPTY)
  t.strictSame(await skills(), [billing])
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/resetskill/true')).json(), SUCCESS_EMPTY)
  t.strictSame(await skills(), [voice, billing])
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/resetskill/false?skillid=1;2')).json(), SUCCESS_EMPTY)
  t.strictSame(await skills(), [voice, billing])
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/resetskill/false?skillid=1%3B99')).json(), SUCCESS_EMPTY)
  t.strictSame(await skills(), [voice], 'the effective set is the intersection with the configured skills')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/resetskill/false?skillid=&phonelinkage=0')).json(), SUCCESS_EMPTY)
  t.strictSame(await skills(), [], 'false with an empty skillid: no skill')
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/resetskill/true?phonelinkage=1')).json(), SUCCESS_EMPTY)
  t.strictSame(await skills(), [voice, billing])
  t.strictSame((await call(app, guid, 'POST', '/onlineagent/1001/resetskill/yes?skillid=1')).json(), SUCCESS_EMPTY)
  t.strictSame(await skills(), [voice], 'a flag other than true counts as false')
  t.strictSame(await drain(app, '1001', guid), [], 'resetskill queues no event')
})

t.test('resetskill arrives with a JSON content type and an empty body', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  const res = await app.inject({
    method: 'POST',
    url: `${GW}/onlineagent/1001/resetskill/true?skillid=&phonelinkage=1`,
    headers: { guid, 'content-type': 'application/json; charset=UTF-8' },
    payload: ''
  })
  t.strictSame(res.json(), SUCCESS_EMPTY)
})

t.test('handshake answers exactly {"message":"success","retcode":"0"} with no Set-GUID in static mode', async (t) => {
  const { app } = await build(t)
  const guid = await ready(app, '1001')
  const res = await call(app, guid, 'POST', '/onlineagent/1001/handshake')
  t.equal(res.body, '{"message":"success","retcode":"0"}')
  t.equal(res.headers['set-guid'], undefined)
  t.equal(res.headers['set-cookie'], undefined)
  t.equal((await call(app, 'nonsense', 'POST', '/onlineagent/1001/handshake')).json().retcode, '000-003')
})

t.test('saybusy?reason= with an empty value is the same as no reason', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001')
  await drain(app, '1001', guid)
  t.same((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=')).json(), { message: 'success', retcode: '0', result: {} })
  t.same(await drain(app, '1001', guid), [{ eventType: 'AgentState_SetNotReady_Success', workNo: '1001', content: { reason: '0' } }])
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=abc&prolong=true')).json().retcode, '000-002')
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=201&prolong=true')).json().retcode, '0')
})
