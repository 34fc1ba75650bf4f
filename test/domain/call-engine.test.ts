/**
 * The call engine on its own (issue #11): calls placed, answered, held and released through the
 * domain API, with a Simulator as host and a ManualClock for the far end's timers. The wire tests
 * (test/routes/voicecall-*) check the same flows through HTTP; these pin the engine's rules.
 */
import t from 'tap'
import { MAX_HELD_CALLS } from '../../src/domain/call-engine.js'
import { emptyWorld, type World } from '../../src/domain/world.js'
import { codeOf, drain, signIn, simulator, type SimCtx } from './sim-kit.js'

const A = '1001'
const B = '1002'

function world (): World {
  return {
    ...emptyWorld(),
    ringTimeoutMs: 30000,
    simulatedAgents: [
      { id: '9001', behaviour: 'answer', afterMs: 1000 },
      { id: '9003', behaviour: 'busy' },
      { id: '9004', behaviour: 'noAnswer' },
      { id: '9007', behaviour: 'answer', afterMs: 1000, hangUpAfterMs: 5000 }
    ],
    externalNumbers: [
      { number: '5550100', behaviour: 'answer', afterMs: 1000 },
      { number: '5550103', behaviour: 'reject', afterMs: 2000 },
      { number: '5550199', behaviour: 'invalid' }
    ]
  }
}

const setup = (): SimCtx => simulator(world())

t.test('internal call to a signed-in agent with manual answer: ring, answer, release', async (t) => {
  const { sim } = setup()
  signIn(sim, A)
  signIn(sim, B, { autoanswer: false })
  const callid = sim.calls.callInner(A, { called: B })
  t.match(callid, /^\d+-1$/)
  t.same(drain(sim, A), ['AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentState_Busy', 'AgentEvent_Customer_Alerting'])
  t.same(drain(sim, B), ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentEvent_Ringing'])
  t.equal(sim.agents.get(B)?.status, 'occupied')
  t.equal(codeOf(() => sim.calls.answer(A, undefined)), 'NO_CALL_TO_ANSWER', 'the caller has nothing to answer')
  sim.calls.answer(B, callid)
  t.same(drain(sim, A), ['AgentEvent_Talking'])
  t.same(drain(sim, B), ['AgentEvent_Talking'])
  t.ok(sim.calls.isTalking(sim.agents.get(A)!))
  sim.calls.release(B)
  t.same(drain(sim, B), ['AgentEvent_Call_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  t.same(drain(sim, A), ['AgentEvent_Customer_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  t.equal(sim.calls.active.size, 0)
  t.equal(sim.calls.get(callid)?.endTime !== undefined, true, 'kept as finished')
  t.same(sim.agents.get(A)?.calls, [])
})

t.test('auto answer connects at once', async (t) => {
  const { sim } = setup()
  signIn(sim, A)
  signIn(sim, B)
  sim.calls.callInner(A, { called: B })
  t.same(drain(sim, B), ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentEvent_Auto_Answer', 'AgentEvent_Talking'])
  t.same(drain(sim, A).slice(-2), ['AgentEvent_Customer_Alerting', 'AgentEvent_Talking'])
})

t.test('a manual-answer call rings out at the ring timeout', async (t) => {
  const { sim, clock } = setup()
  signIn(sim, A)
  signIn(sim, B, { autoanswer: false })
  sim.calls.callInner(A, { called: B })
  drain(sim, A)
  drain(sim, B)
  clock.advance(29999)
  t.same(drain(sim, B), [])
  clock.advance(1)
  t.same(drain(sim, B), ['AgentEvent_No_Answer', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  t.same(drain(sim, A), ['AgentEvent_Inside_Call_Fail', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
})

t.test('calling a busy agent, nobody, or oneself', async (t) => {
  const { sim } = setup()
  signIn(sim, A)
  signIn(sim, B)
  sim.sayBusy(B, undefined, false)
  drain(sim, B)
  sim.calls.callInner(A, { called: B })
  t.same(drain(sim, A), ['AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentState_Busy', 'AgentEvent_Inside_Call_Fail', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  t.same(drain(sim, B), [], 'the busy agent hears nothing')
  sim.calls.callInner(A, { called: '1999' })
  t.same(drain(sim, A).slice(-3), ['AgentEvent_Inside_Call_Fail', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  t.equal(codeOf(() => sim.calls.callInner(A, { called: A })), 'INVALID_PARAMETER')
  t.equal(codeOf(() => sim.calls.callInner('1003', { called: B })), 'NOT_SIGNED_IN')
})

t.test('simulated colleagues: answer after a while, hang up by themselves, busy', async (t) => {
  const { sim, clock } = setup()
  signIn(sim, A)
  const c1 = sim.calls.callInner(A, { called: '9007' })
  drain(sim, A)
  clock.advance(1000)
  t.same(drain(sim, A), ['AgentEvent_Talking'])
  t.equal(sim.calls.get(c1)?.answerTime, clock.now())
  clock.advance(5000)
  t.same(drain(sim, A), ['AgentEvent_Customer_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  sim.calls.callInner(A, { called: '9003' })
  t.same(drain(sim, A).slice(-3), ['AgentEvent_Inside_Call_Fail', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
})

t.test('call-out: answered, rejected, invalid number; caller cancels', async (t) => {
  const { sim, clock } = setup()
  signIn(sim, A)
  t.equal(codeOf(() => sim.calls.callOut(A, { called: '5550199' })), 'WRONG_OUTBOUND_NUMBER')
  t.equal(codeOf(() => sim.calls.callOut(A, { called: '123' })), 'WRONG_OUTBOUND_NUMBER', 'no world entry matches')
  sim.calls.callOut(A, { called: '5550103' })
  drain(sim, A)
  clock.advance(2000)
  t.same(drain(sim, A), ['AgentOther_PhoneRelease', 'AgentEvent_Call_Out_Fail', 'AgentEvent_Connect_Fail', 'AgentState_Ready'])
  const out = sim.calls.callOut(A, { called: '5550100' })
  t.equal(sim.calls.get(out)?.feature, '7')
  t.equal(codeOf(() => sim.calls.callOut(A, { called: '5550100' })), 'OPERATION_EXCEPTION', 'one active call at a time')
  drain(sim, A)
  sim.calls.release(A)
  t.same(drain(sim, A), ['AgentEvent_Call_Out_Fail', 'AgentEvent_Connect_Fail', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  clock.advance(1000)
  t.same(drain(sim, A), [], 'the far end answering later changes nothing')
})

t.test('hold and retrieve; a second call while one is held', async (t) => {
  const { sim, clock } = setup()
  signIn(sim, A)
  const first = sim.calls.callOut(A, { called: '5550100' })
  clock.advance(1000)
  drain(sim, A)
  t.equal(codeOf(() => sim.calls.getHold(A, undefined)), 'UNHOLD_NO_HELD_CALL')
  sim.calls.hold(A)
  t.same(drain(sim, A), ['AgentEvent_Hold'])
  t.equal(codeOf(() => sim.calls.hold(A)), 'HOLD_NO_CALL', 'nothing active left to hold')
  const second = sim.calls.callInner(A, { called: '9001' })
  t.same(drain(sim, A), ['AgentEvent_Customer_Alerting'], 'already off-hook and occupied: only the alerting')
  clock.advance(1000)
  t.same(drain(sim, A), ['AgentEvent_Talking'])
  t.equal(codeOf(() => sim.calls.getHold(A, first)), 'UNHOLD_WRONG_STATE', 'release or hold the active call first')
  sim.calls.release(A)
  t.same(drain(sim, A), ['AgentEvent_Call_Release'], 'still in the held call: no phone release, no state change')
  t.same(sim.agents.get(A)?.calls, [first])
  sim.calls.getHold(A, first)
  t.same(drain(sim, A), ['AgentEvent_Talking'])
  t.not(first, second)
  sim.calls.release(A)
  t.same(drain(sim, A), ['AgentEvent_Call_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
})

t.test('forced sign-out releases the calls; the other side is told', async (t) => {
  const { sim } = setup()
  signIn(sim, A)
  signIn(sim, B)
  sim.calls.callInner(A, { called: B })
  drain(sim, A)
  drain(sim, B)
  sim.forceLogout(A)
  t.notOk(sim.agents.has(A))
  t.same(drain(sim, B), ['AgentEvent_Customer_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  t.equal(sim.calls.active.size, 0)
})

t.test('phone linkage: pick-up answers a ringing call; hang-up releases', async (t) => {
  const { sim } = setup()
  signIn(sim, A)
  signIn(sim, B, { autoanswer: false })
  sim.calls.callInner(A, { called: B })
  drain(sim, A)
  drain(sim, B)
  sim.calls.phonePickup(B)
  t.same(drain(sim, B), ['AgentOther_PhoneOffhook', 'AgentEvent_Talking'], 'the pick-up is reported, then the call connects')
  sim.calls.phoneHangup(B)
  t.same(drain(sim, B), ['AgentEvent_Call_Release', 'AgentOther_PhoneRelease', 'AgentState_Ready'])
  t.equal(codeOf(() => sim.calls.phoneHangup(B)), 'OPERATION_EXCEPTION')
})

t.test('call data of the current, held and last call', async (t) => {
  const { sim, clock } = setup()
  signIn(sim, A)
  t.equal(codeOf(() => sim.calls.callInfo(A, false)), 'CALLDATA_NO_CALL')
  const callid = sim.calls.callOut(A, { called: '5550100', callappdata: 'order=7', skillid: 1 })
  t.match(sim.calls.callInfo(A, false), { callid, callfeature: 7, caller: '10086', called: '5550100', calldata: 'order=7', callskill: 'voice', endtime: null })
  clock.advance(1000)
  sim.calls.release(A)
  t.match(sim.calls.callInfo(A, false), { callid, endtime: clock.now() }, 'the last call after it ended')
  t.equal(codeOf(() => sim.calls.callInfo(A, true)), 'CALLDATA_NO_CALL', 'isNoContainLastCall')
  t.match(sim.calls.callInfoByCallId(A, callid), { callid, caller: '10086', callfeature: 7 })
  t.equal(codeOf(() => sim.calls.callInfoByCallId(A, '1-999')), 'CALLDATA_NO_CALL')
})

t.test('clear forgets every call without events', async (t) => {
  const { sim, clock } = setup()
  signIn(sim, A)
  sim.calls.callOut(A, { called: '5550100' })
  drain(sim, A)
  sim.calls.clear()
  clock.advance(5000)
  t.equal(sim.calls.active.size, 0)
  t.equal(sim.calls.finished.size, 0)
  t.same(drain(sim, A), [], 'no timer of the forgotten call fires')
})

t.test('an agent holds at most MAX_HELD_CALLS calls (issue #16 finding 7)', async (t) => {
  const { sim, clock } = setup()
  signIn(sim, A)
  for (let i = 0; i < MAX_HELD_CALLS; i++) {
    sim.calls.callOut(A, { called: '5550100', callappdata: 'x'.repeat(16384) })
    clock.advance(1000)
    sim.calls.hold(A)
  }
  sim.calls.callOut(A, { called: '5550100' })
  clock.advance(1000)
  t.equal(codeOf(() => sim.calls.hold(A)), 'HOLD_WRONG_STATE', 'one more hold is refused')
  t.equal(codeOf(() => sim.calls.callOut(A, { called: '5550100' })), 'OPERATION_EXCEPTION', 'and no further call while one is active')
  t.equal(sim.agents.get(A)?.calls.length, MAX_HELD_CALLS + 1)
})
