/**
 * The simulator hub on its own (issue #17): sign-in rules, polls held and answered on the
 * ManualClock, the 2-minute rule, rest reminders, the admin event history and its bounds,
 * gateway settings in force, world swaps and push agents refusing polls. The wire tests
 * (test/routes/onlineagent*, agentevent) check the same through HTTP; these pin the hub's rules.
 */
import t from 'tap'
import { HISTORY_LIMITS, type PollResult, type Simulator } from '../../src/domain/simulator.js'
import { emptyWorld, type World } from '../../src/domain/world.js'
import { codeOf, drain, signIn, simulator } from './sim-kit.js'

/** A held poll's answer as a promise (holdPoll calls back once). */
const hold = async (sim: Simulator, agentId: string): Promise<PollResult> =>
  await new Promise((resolve) => { sim.holdPoll(agentId, () => true, resolve) })

const A = '1001'
const B = '1002'

t.test('sign-in: the parameters are checked in the gateway order and the answer names the kind of sign-in', async (t) => {
  const { sim, clock } = simulator()
  clock.advance(5000)
  const at = String(clock.now())
  t.equal(codeOf(() => sim.login(A, { phonenum: '71001' }, 'login')), 'LOGIN_PARAM_EMPTY', 'login needs a password')
  t.equal(codeOf(() => sim.login(A, { password: '', phonenum: '' }, 'login')), 'LOGIN_PARAM_EMPTY', 'and a phone number')
  t.equal(codeOf(() => sim.login(A, { password: '', phonenum: '7', status: 6 }, 'login')), 'LOGIN_PARAM_INVALID', 'status 3, 4 or 5 only')
  t.equal(codeOf(() => sim.login(A, { password: '', phonenum: '7', agenttype: 5 }, 'login')), 'LOGIN_AGENT_TYPE_INVALID')
  t.equal(sim.agents.size, 0, 'a refused sign-in leaves nothing behind')

  const r = sim.login(A, { password: '', phonenum: '71001' }, 'login')
  t.same(r.result, { vdnid: 1, workno: A, mediatype: 'TTF', loginTime: at, isForceChange: 'false', serverName: 'AgentGateway', timeRemaining: '' })
  t.same(drain(sim, A), ['AgentOther_InService', 'AgentState_Ready'])
  t.equal(codeOf(() => sim.login(A, { password: '', phonenum: '71001' }, 'login')), 'ALREADY_SIGNED_IN')

  t.equal(sim.login(B, {}, 'loginEx').result.mediatype, 'TFF', 'loginex needs no password and answers TFF')
  t.same(drain(sim, B), ['AgentOther_InService', 'AgentState_Ready'])
  t.equal(sim.login(B, { status: 3 }, 'forceLoginEx').result.mediatype, 'TFF')
  t.equal(sim.agents.get(B)?.status, 'notReady', 'status 3 signs in busy')
})

t.test('a forced sign-in replaces the session: the old GUID no longer works, the old client hears ShutdownService', async (t) => {
  const { sim } = simulator()
  const first = sim.login(A, { password: '', phonenum: '71001' }, 'login').guid
  drain(sim, A)
  const old = sim.agents.get(A)
  const second = sim.login(A, { password: '', phonenum: '71001' }, 'forceLogin').guid
  t.not(second, first)
  t.same(old?.queue.take()?.eventType, undefined, "the replaced session's queue is cleared")
  t.equal(sim.authorize(A, { header: first, cookies: [] }).ok, false, 'the replaced GUID is refused')
  t.equal(sim.authorize(A, { header: second, cookies: [] }).ok, true)
  t.equal(sim.agents.get(A)?.settings.releasePhone, false, 'forcelogin defaults releasephone to false (Part C §5.3)')
})

t.test('a roster checks who may sign in and with which password; a new roster signs out agents it no longer has', async (t) => {
  const world: World = { ...emptyWorld(), roster: [{ id: A, password: 'pw' }, { id: B }] }
  const { sim } = simulator(world)
  t.equal(codeOf(() => sim.login('1003', { password: '', phonenum: '7' }, 'login')), 'WRONG_PASSWORD', 'not on the roster')
  t.equal(codeOf(() => sim.login(A, { password: 'nope', phonenum: '7' }, 'login')), 'WRONG_PASSWORD')
  signIn(sim, B)
  sim.login(A, { password: 'pw', phonenum: '7' }, 'login')
  sim.setWorld({ ...emptyWorld(), roster: [{ id: A, password: 'pw' }] })
  t.same([...sim.agents.keys()], [A], 'B is signed out by the new roster')
  sim.setWorld(emptyWorld())
  t.same([...sim.agents.keys()], [A], 'an empty roster lets everyone stay')
})

t.test('a poll is held until an event comes, or until pollWaitMs of clock time', async (t) => {
  const { sim, clock } = simulator(emptyWorld(), { pollWaitMs: 10000 })
  signIn(sim, A)
  t.equal(sim.pollNow(A, () => true), undefined, 'nothing waits: the poll must be held')
  const held = hold(sim, A)
  t.equal(sim.agents.get(A)?.queue.holding, true)
  sim.sayBusy(A, 12, false)
  t.same((await held).event?.eventType, 'AgentState_SetNotReady_Success', 'the event goes to the held poll at once')
  t.same(drain(sim, A), [], 'and is not queued again')

  const empty = hold(sim, A)
  clock.advance(9999)
  t.equal(sim.agents.get(A)?.queue.holding, true, 'still held 1 ms before the end')
  clock.advance(1)
  t.same(await empty, { event: undefined, newGuid: undefined }, 'answered empty at pollWaitMs')
})

t.test('signing out answers a held poll with ShutdownService and ends the session', async (t) => {
  const { sim } = simulator(emptyWorld(), { pollWaitMs: 10000 })
  signIn(sim, A)
  const held = hold(sim, A)
  sim.logout(A)
  t.equal((await held).event?.eventType, 'AgentOther_ShutdownService')
  t.equal(sim.agents.has(A), false)
  t.equal(codeOf(() => sim.pollNow(A, () => true)), 'NOT_SIGNED_IN')
})

t.test('dynamic GUIDs rotate on each poll answered to a client that is still there', async (t) => {
  const { sim } = simulator(emptyWorld(), { guidRotation: 'dynamic' })
  const guid = sim.login(A, { password: '', phonenum: '7' }, 'login').guid
  const answered = sim.pollNow(A, () => true)
  t.equal(answered?.event?.eventType, 'AgentOther_InService')
  t.not(answered?.newGuid, undefined)
  t.not(answered?.newGuid, guid)
  const gone = sim.pollNow(A, () => false)
  t.equal(gone?.newGuid, undefined, 'a client that has gone gets no new GUID')
})

t.test('the 2-minute rule: no poll for inactivityTimeoutMs signs the agent out; each poll restarts the count', async (t) => {
  const { sim, clock, logged } = simulator(emptyWorld(), { inactivityTimeoutMs: 120000 })
  signIn(sim, A)
  clock.advance(100000)
  sim.pollNow(A, () => true)
  clock.advance(100000)
  t.equal(sim.agents.has(A), true, '200 s after sign-in, but 100 s after the last poll')
  clock.advance(20000)
  t.equal(sim.agents.has(A), false, '120 s after the last poll')
  t.ok(logged.includes('agent signed out'))
})

t.test('rest expiry is a reminder: Rest_Timeout after the rest time, the agent stays in rest', async (t) => {
  const { sim, clock } = simulator()
  signIn(sim, A)
  sim.rest(A, 60, 3, false)
  t.same(drain(sim, A), ['AgentState_SetRest_Success'])
  clock.advance(59999)
  t.same(drain(sim, A), [])
  clock.advance(1)
  t.same(drain(sim, A), ['AgentState_Rest_Timeout'])
  t.equal(sim.agents.get(A)?.status, 'rest')
  sim.cancelRest(A)
  clock.advance(120000)
  t.same(drain(sim, A), ['AgentState_CancelRest_Success'], 'no reminder after the rest is cancelled')
})

t.test('the admin history keeps every event across sign-outs, bounded per agent', async (t) => {
  const { sim } = simulator(emptyWorld(), { historySize: 3 })
  signIn(sim, A)
  sim.sayBusy(A, 1, false)
  sim.logout(A)
  t.same(sim.historyOf(A).map(e => e.eventType), ['AgentState_Ready', 'AgentState_SetNotReady_Success', 'AgentOther_ShutdownService'], 'the last 3, oldest first, kept after sign-out')
  sim.forgetHistory(A)
  t.same(sim.historyOf(A), [])
  const none = simulator(emptyWorld(), { historySize: 0 })
  signIn(none.sim, A)
  t.same(none.sim.historyOf(A), [], 'historySize 0 keeps nothing')
  t.ok(HISTORY_LIMITS.agents > 0 && HISTORY_LIMITS.agentBytes < HISTORY_LIMITS.totalBytes)
})

t.test('the history of injected content is bounded in bytes per agent', async (t) => {
  const { sim } = simulator(emptyWorld(), { historySize: 1000 })
  signIn(sim, A)
  const agent = sim.agents.get(A)!
  const big = 'x'.repeat(512 * 1024)
  for (let i = 0; i < 8; i++) sim.emit(agent, { eventType: `Big_${i}`, content: big }, big.length)
  const kept = sim.historyOf(A).map(e => e.eventType)
  t.ok(kept.length < 8, `older big events were dropped (kept ${kept.length})`)
  t.equal(kept.at(-1), 'Big_7', 'the newest stays')
  t.equal(drain(sim, A).length, 8, 'the queue itself is not touched by the history bound')
})

t.test('gateway settings in force: the command line, with a scenario override over it, and back', async (t) => {
  const { sim } = simulator(emptyWorld(), { pollWaitMs: 2000, inactivityTimeoutMs: 0 })
  t.same(sim.settings, { guidRotation: 'static', pollWaitMs: 2000, inactivityTimeoutMs: 0 })
  sim.useSettings({ pollWaitMs: 50, guidRotation: 'dynamic', inactivityTimeoutMs: undefined })
  t.same(sim.settings, { guidRotation: 'dynamic', pollWaitMs: 50, inactivityTimeoutMs: 0 }, 'undefined keeps the base value')
  sim.useSettings()
  t.same(sim.settings, sim.baseSettings)
  t.throws(() => { (sim.baseSettings as { pollWaitMs: number }).pollWaitMs = 1 }, 'the base is frozen')
})

t.test('a push agent is not polled: WRONG_EVENT_METHOD, and allagentevent skips it', async (t) => {
  const { sim } = simulator()
  sim.login(A, { password: '', phonenum: '7', callBackUri: 'http://127.0.0.1:9/cb', serviceToken: 'tok' }, 'login')
  signIn(sim, B)
  sim.sayBusy(B, 1, false)
  t.equal(codeOf(() => sim.pollNow(A, () => true)), 'WRONG_EVENT_METHOD')
  t.same(sim.allAgentEvent().map(e => e.workNo), [B], "only the polling agent's events")
  sim.forceLogout(A)
})

t.test('resetskill: all configured skills, or the ones named, never one the agent does not have', async (t) => {
  const world: World = { ...emptyWorld(), skills: [{ id: 1, name: 'Sales' }, { id: 2, name: 'Support' }, { id: 3, name: 'Back office' }], roster: [{ id: A, skills: [1, 2] }] }
  const { sim } = simulator(world)
  signIn(sim, A)
  t.same(sim.agentSkills(A).map(s => s.id), [1, 2], 'the roster names the skills')
  t.same(sim.resetSkill(A, false, '2;3;9').map(s => s.id), [2], 'skill 3 exists but is not configured for the agent')
  t.same(sim.agentSkills(A).map(s => s.id), [2])
  t.same(sim.resetSkill(A, true, undefined).map(s => s.id), [1, 2])
})

t.test('a full queue drops the oldest event; the warning is logged at most once a second per agent, counting the drops', async (t) => {
  const warned: Array<{ agent?: string, droppedCount?: number }> = []
  const { sim, clock } = simulator(emptyWorld(), {
    queueCap: 2,
    log: { info () {}, warn (o: { agent?: string, droppedCount?: number }) { warned.push(o) } }
  })
  signIn(sim, A)
  for (let i = 0; i < 6; i++) { sim.sayBusy(A, undefined, false); sim.cancelBusy(A) } // 12 events, cap 2: 10 dropped
  t.equal(sim.agents.get(A)?.queue.length, 2, 'the queue keeps its cap')
  t.same(warned, [{ agent: A, dropped: 'AgentState_SetNotReady_Success', droppedCount: 1, cap: 2 }], 'one line for the first drop')
  clock.advance(999)
  sim.sayBusy(A, undefined, false)
  t.equal(warned.length, 1, 'none within the second')
  clock.advance(1)
  sim.cancelBusy(A)
  t.equal(warned.length, 2, 'the next drop a second later logs again')
  t.equal(warned[1]?.droppedCount, 11, 'counting every drop since the last line')
})
