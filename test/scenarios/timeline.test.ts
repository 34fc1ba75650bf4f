/**
 * Scenario timelines and the scenario control API (issue #4): `at` steps on the clock, `after`
 * steps on an event (with delayMs, once or on every trigger), every timeline action, reset,
 * activate/deactivate, loading a scenario as JSON, and 404s for names nobody loaded.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { build, call, drain, drainTypes, signIn } from '../helper.js'

const A = '1001'
const B = '1002'

interface ScenarioSummary { name: string, active: boolean, faults: number, timeline: { fired: number[], total: number } }

/** POST /__mock/scenarios (activating it unless told otherwise); the loaded list. */
async function load (app: FastifyInstance, scenario: Record<string, unknown>, activate = true): Promise<ScenarioSummary[]> {
  const res = await app.inject({ method: 'POST', url: `/__mock/scenarios${activate ? '?activate=true' : ''}`, payload: scenario })
  if (res.statusCode !== 201) throw new Error(`loading failed: ${res.statusCode} ${res.body}`)
  return res.json().scenarios
}

async function list (app: FastifyInstance): Promise<ScenarioSummary[]> {
  return (await app.inject({ method: 'GET', url: '/__mock/scenarios' })).json().scenarios
}

const summary = async (app: FastifyInstance, name: string): Promise<ScenarioSummary | undefined> => (await list(app)).find(s => s.name === name)

async function ready (app: FastifyInstance, id = A, body?: Record<string, unknown>): Promise<string> {
  const guid = await signIn(app, id, body === undefined ? {} : { body: { password: '', phonenum: `7${id}`, ...body } })
  await drain(app, id, guid)
  return guid
}

const statusOf = async (app: FastifyInstance, guid: string, id = A): Promise<{ retcode: string, result?: { agentState: number } }> =>
  (await call(app, guid, 'GET', `/onlineagent/${id}/agentstatus`)).json()

t.test('`at` steps fire at their time after the scenario starts, not before', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  clock.advance(700) // the timeline counts from activation, not from the app's start
  await load(app, {
    name: 'timed',
    timeline: [
      { name: 'first', at: 1000, do: { inject: { agent: A, eventType: 'Custom_First', content: { n: 1 } } } },
      { name: 'second', at: 3000, do: { inject: { agent: 1001, eventType: 'Custom_Second' } } }
    ]
  })
  clock.advance(999)
  t.same(await drainTypes(app, A, guid), [])
  t.same((await summary(app, 'timed'))?.timeline, { fired: [], total: 2 })
  clock.advance(1)
  t.same(await drain(app, A, guid), [{ eventType: 'Custom_First', workNo: A, content: { n: 1 } }])
  t.same((await summary(app, 'timed'))?.timeline, { fired: [0], total: 2 })
  clock.advance(1999)
  t.same(await drainTypes(app, A, guid), [])
  clock.advance(1)
  t.same(await drain(app, A, guid), [{ eventType: 'Custom_Second', workNo: A, content: null }], 'content defaults to null')
  t.same((await summary(app, 'timed'))?.timeline, { fired: [0, 1], total: 2 })
})

t.test('`after` steps run delayMs after their trigger event, for the named agent only', async (t) => {
  const { app, clock } = await build(t)
  const ga = await ready(app, A)
  const gb = await ready(app, B)
  await load(app, {
    name: 'back to idle',
    timeline: [{ after: { event: 'AgentState_SetNotReady_Success', agent: A }, delayMs: 2000, do: { setState: { state: 'idle' } } }]
  })
  await call(app, gb, 'POST', `/onlineagent/${B}/saybusy`)
  clock.advance(5000)
  t.same(await drainTypes(app, B, gb), ['AgentState_SetNotReady_Success'], 'another agent does not trigger it')
  t.equal((await statusOf(app, gb, B)).result?.agentState, 3)
  await call(app, ga, 'POST', `/onlineagent/${A}/saybusy`)
  t.same(await drainTypes(app, A, ga), ['AgentState_SetNotReady_Success'])
  clock.advance(1999)
  t.same(await drainTypes(app, A, ga), [])
  t.equal((await statusOf(app, ga)).result?.agentState, 3, 'still busy at 1.999 s')
  clock.advance(1)
  t.same(await drainTypes(app, A, ga), ['AgentState_Ready'], 'the step acts on the agent that triggered it')
  t.equal((await statusOf(app, ga)).result?.agentState, 4)
})

t.test('a triggered step fires once unless it repeats', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, {
    name: 'echo',
    timeline: [
      { name: 'once', after: { event: 'Custom_Ping' }, do: { inject: { eventType: 'Custom_Once' } } },
      { name: 'every', after: { event: 'Custom_Ping' }, delayMs: 100, repeat: true, do: { inject: { eventType: 'Custom_Every' } } }
    ]
  })
  for (let i = 0; i < 3; i++) {
    await app.inject({ method: 'POST', url: `/__mock/agents/${A}/events`, payload: { eventType: 'Custom_Ping' } })
    clock.advance(100)
  }
  t.same(await drainTypes(app, A, guid), [
    'Custom_Ping', 'Custom_Once', 'Custom_Every',
    'Custom_Ping', 'Custom_Every',
    'Custom_Ping', 'Custom_Every'
  ])
})

t.test('timeline action farHangUp: the far end of the agent\'s call hangs up', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, { name: 'hang up', extends: 'default', timeline: [{ after: { event: 'AgentEvent_Talking' }, delayMs: 2000, do: { farHangUp: {} } }] })
  const callid = (await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9002' })).json().result
  clock.advance(0) // 9002 answers at once: on the clock's next turn
  t.equal((await drainTypes(app, A, guid)).at(-1), 'AgentEvent_Talking')
  clock.advance(2000)
  t.same(await drain(app, A, guid), [
    { eventType: 'AgentEvent_Customer_Release', workNo: A, content: { callid, number: '9002' } },
    { eventType: 'AgentOther_PhoneRelease', workNo: A, content: { phoneState: 3 } },
    { eventType: 'AgentState_Ready', workNo: A, content: null }
  ])
})

t.test('timeline action farAnswer: a ringing far end answers', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, { name: 'answer', extends: 'default', timeline: [{ after: { event: 'AgentEvent_Customer_Alerting' }, delayMs: 500, do: { farAnswer: {} } }] })
  await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9004' })
  t.equal((await drainTypes(app, A, guid)).at(-1), 'AgentEvent_Customer_Alerting', '9004 never answers by itself')
  clock.advance(499)
  t.same(await drainTypes(app, A, guid), [])
  clock.advance(1)
  t.same(await drainTypes(app, A, guid), ['AgentEvent_Talking'])
})

t.test('timeline action signOut: the agent is signed out with AgentOther_ShutdownService', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, { name: 'kick', timeline: [{ at: 1000, do: { signOut: { agent: A } } }] })
  t.equal((await statusOf(app, guid)).retcode, '0')
  clock.advance(1000)
  t.equal((await statusOf(app, guid)).retcode, '100-006')
  const history = (await app.inject({ method: 'GET', url: `/__mock/agents/${A}/history` })).json().events
  t.equal(history.at(-1).eventType, 'AgentOther_ShutdownService')
})

t.test('timeline action expireGuid: the GUID stops working, the agent stays signed in', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, { name: 'expire', timeline: [{ at: 1000, do: { expireGuid: { agent: A } } }] })
  clock.advance(1000)
  t.equal((await statusOf(app, guid)).retcode, '000-003')
  t.equal((await app.inject({ method: 'GET', url: `/__mock/agents/${A}` })).statusCode, 200)
})

t.test('timeline action setState: the agent jumps to the state with its event', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, {
    name: 'states',
    timeline: [
      { at: 1000, do: { setState: { agent: A, state: 'busy' } } },
      { at: 2000, do: { setState: { agent: A, state: 'work' } } },
      { at: 3000, do: { setState: { agent: A, state: 'signedOut' } } }
    ]
  })
  clock.advance(1000)
  t.same(await drainTypes(app, A, guid), ['AgentState_SetNotReady_Success'])
  t.equal((await statusOf(app, guid)).result?.agentState, 3)
  clock.advance(1000)
  t.same(await drainTypes(app, A, guid), ['AgentState_Work'])
  t.equal((await statusOf(app, guid)).result?.agentState, 5)
  clock.advance(1000)
  t.equal((await statusOf(app, guid)).retcode, '100-006')
})

t.test('timeline action inject: any event reaches the agent, with its content', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, { name: 'inject', timeline: [{ at: 10, do: { inject: { agent: A, eventType: 'AgentEvent_Hold', content: '1-1' } } }] })
  clock.advance(10)
  t.same(await drain(app, A, guid), [{ eventType: 'AgentEvent_Hold', workNo: A, content: '1-1' }])
})

t.test('timeline action armFault: the rule works from the step\'s time on', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, {
    name: 'arm later',
    timeline: [{ at: 1000, do: { armFault: { name: 'late failure', match: { operation: 'sayBusy' }, action: { retcode: '100-009' } } } }]
  })
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '0', 'not armed yet')
  await call(app, guid, 'POST', `/onlineagent/${A}/cancelbusy`)
  clock.advance(1000)
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '100-009')
  const journal = (await app.inject({ method: 'GET', url: '/__mock/journal?retcode=100-009' })).json().entries
  t.equal(journal[0]?.rule, 'late failure')
})

t.test('a step that cannot run (no such agent) is skipped and the timeline goes on', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, {
    name: 'skip',
    timeline: [
      { at: 100, do: { farHangUp: { agent: A } } },
      { at: 200, do: { inject: { agent: 4242, eventType: 'Custom_Lost' } } },
      { at: 300, do: { inject: { agent: A, eventType: 'Custom_Still' } } }
    ]
  })
  clock.advance(300)
  t.same(await drainTypes(app, A, guid), ['Custom_Still'])
})

t.test('a scenario reset restarts the timeline and zeroes its fault counters', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, {
    name: 'resettable',
    faults: [{ name: 'first busy fails', match: { operation: 'sayBusy' }, fire: { times: 1 }, action: { retcode: '100-009' } }],
    timeline: [{ at: 1000, do: { inject: { agent: A, eventType: 'Custom_Tick' } } }]
  })
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '100-009')
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '0')
  await call(app, guid, 'POST', `/onlineagent/${A}/cancelbusy`)
  clock.advance(1000)
  t.same(await drainTypes(app, A, guid), ['AgentState_SetNotReady_Success', 'AgentState_CancelNotReady_Success', 'Custom_Tick'])
  const before = (await app.inject({ method: 'GET', url: '/__mock/faults' })).json().rules
  t.same(before.map((r: { matched: number, fired: number }) => [r.matched, r.fired]), [[2, 1]])
  t.same((await summary(app, 'resettable'))?.timeline.fired, [0])

  clock.advance(500)
  const reset = await app.inject({ method: 'POST', url: '/__mock/scenarios/resettable/reset' })
  t.equal(reset.statusCode, 200)
  t.same((await summary(app, 'resettable'))?.timeline, { fired: [], total: 1 }, 'back to the first step')
  const after = (await app.inject({ method: 'GET', url: '/__mock/faults' })).json().rules
  t.same(after.map((r: { matched: number, fired: number }) => [r.matched, r.fired]), [[0, 0]], 'counters back to zero')
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '100-009', 'the times-1 rule fires again')
  clock.advance(999)
  t.same(await drainTypes(app, A, guid), [])
  clock.advance(1)
  t.same(await drainTypes(app, A, guid), ['Custom_Tick'], 'the timeline counts from the reset')
  t.equal((await statusOf(app, guid)).retcode, '0', 'agents stay signed in through a reset')
})

t.test('faults armed by a timeline step go away when the scenario is reset or deactivated', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, { name: 'arming', timeline: [{ at: 100, do: { armFault: { name: 'armed by step', match: { operation: 'sayBusy' }, action: { retcode: '100-009' } } } }] })
  const armed = async (): Promise<string[]> => (await app.inject({ method: 'GET', url: '/__mock/faults' })).json().rules.map((r: { name: string }) => r.name)
  clock.advance(100)
  t.same(await armed(), ['armed by step'])
  await app.inject({ method: 'POST', url: '/__mock/scenarios/arming/reset' })
  t.same(await armed(), [], 'a reset disarms it (the step has not run again yet)')
  clock.advance(100)
  t.same(await armed(), ['armed by step'], 'and the step arms it once more, not twice')
  await app.inject({ method: 'POST', url: '/__mock/scenarios/deactivate' })
  t.same(await armed(), [], 'deactivating the scenario disarms it')
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/saybusy`)).json().retcode, '0')
})

t.test('scenarios are activated and deactivated through /__mock/scenarios', async (t) => {
  const { app, clock } = await build(t)
  const guid = await ready(app)
  await load(app, {
    name: 'busy colleague',
    extends: 'default',
    simulatedAgents: [{ id: 9001, behaviour: 'busy' }],
    faults: [{ match: { operation: 'getAgentStatus' }, action: { retcode: '100-007' } }],
    timeline: [{ at: 1000, do: { inject: { agent: A, eventType: 'Custom_Timeline' } } }]
  }, false)
  // The other shipped scenarios are listed too (issue #14): only these two matter here.
  const mine = (l: ScenarioSummary[]): Array<[string, boolean]> => l.filter(s => s.name === 'default' || s.name === 'busy colleague').map(s => [s.name, s.active])
  t.same(mine(await list(app)), [['default', true], ['busy colleague', false]], 'loaded, not active')
  t.equal((await statusOf(app, guid)).retcode, '0', 'its faults are not armed')

  const act = await app.inject({ method: 'POST', url: '/__mock/scenarios/busy%20colleague/activate' })
  t.equal(act.statusCode, 200)
  t.same(mine(act.json().scenarios), [['default', false], ['busy colleague', true]])
  t.equal((await statusOf(app, guid)).retcode, '100-007', 'its faults are armed')
  await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9001' })
  t.same((await drainTypes(app, A, guid)).slice(-3), ['AgentEvent_Inside_Call_Fail', 'AgentOther_PhoneRelease', 'AgentState_Ready'], 'its world is in use')

  const off = await app.inject({ method: 'POST', url: '/__mock/scenarios/deactivate' })
  t.equal(off.statusCode, 200)
  t.ok(off.json().scenarios.every((s: ScenarioSummary) => !s.active), 'none active')
  t.equal((await statusOf(app, guid)).retcode, '0', 'its faults are gone, the agent still signed in')
  clock.advance(1000)
  t.same(await drainTypes(app, A, guid), [], 'its timeline is stopped')
  await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9001' })
  clock.advance(1000)
  t.equal((await drainTypes(app, A, guid)).at(-1), 'AgentEvent_Talking', 'the default world is back: 9001 answers after 1 s')
})

t.test('POST /__mock/scenarios loads a JSON scenario; ?activate=true makes it the active one', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/__mock/scenarios', payload: { name: 'json one', description: 'from JSON' } })
  t.equal(res.statusCode, 201)
  t.same(res.json().scenarios.find((s: ScenarioSummary) => s.name === 'json one'), {
    name: 'json one', description: 'from JSON', source: 'api', active: false, faults: 0, timeline: { fired: [], total: 0 }
  })
  const activated = await load(app, { name: 'json two', faults: [{ match: {}, action: { retcode: '100-007' } }] })
  t.same(activated.filter(s => s.active).map(s => [s.name, s.faults]), [['json two', 1]])
  const replaced = await load(app, { name: 'json two', description: 'replaced' })
  t.same(replaced.filter(s => s.name === 'json two').map(s => [s.active, s.faults]), [[true, 0]], 'loading the same name replaces it, still active')

  const noName = await app.inject({ method: 'POST', url: '/__mock/scenarios', payload: { description: 'nameless' } })
  t.equal(noName.statusCode, 400)
  const bad = await app.inject({ method: 'POST', url: '/__mock/scenarios', payload: { name: 'bad', faults: [{ match: {}, action: { retcode: 'x' } }] } })
  t.equal(bad.statusCode, 400)
  t.notOk((await list(app)).some(s => s.name === 'bad'), 'an invalid scenario is not loaded')
})

t.test('unknown scenario names answer 404; resetting one that is not active answers 409', async (t) => {
  const { app } = await build(t)
  for (const [method, url] of [
    ['POST', '/__mock/scenarios/nope/activate'],
    ['POST', '/__mock/scenarios/nope/reset'],
    ['DELETE', '/__mock/scenarios/nope']
  ] as const) {
    const res = await app.inject({ method, url })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.match(res.json().message, /nope/)
  }
  await load(app, { name: 'idle one' }, false)
  t.equal((await app.inject({ method: 'POST', url: '/__mock/scenarios/idle%20one/reset' })).statusCode, 409)
  t.equal((await app.inject({ method: 'DELETE', url: '/__mock/scenarios/idle%20one' })).statusCode, 200)
  t.notOk((await list(app)).some(s => s.name === 'idle one'), 'unloaded')
})
