/**
 * The conformance expectations judged on hand-made timelines (issue #15): each kind passes, fails
 * with the excerpt that decided it, stays pending while it can still change, and is "not
 * exercised" when its trigger never came. Also the reports' escaping.
 */
import t from 'tap'
import type { Expectation } from '../../src/conformance/check-schema.js'
import { evaluate, invalidReason, judge, type Observation } from '../../src/conformance/expectations.js'
import { junitXml } from '../../src/conformance/reports.js'
import type { CheckResult } from '../../src/conformance/runner.js'
import { mergeTimeline, pollDeliveries, type Entry, type HistoryEvent } from '../../src/conformance/timeline.js'

let seq = 0
/** A journal entry answered at `time` after `durationMs`. */
function req (time: number, operation: string, retcode = '0', more: Partial<Entry> = {}): Entry {
  const paths: Record<string, string> = { getAgentEvent: '/agentgateway/resource/agentevent/1001', answer: '/agentgateway/resource/voicecall/1001/answer' }
  return { seq: ++seq, time, method: 'GET', path: paths[operation] ?? `/agentgateway/resource/${operation}`, operation, agent: '1001', status: 200, retcode, durationMs: 0, rule: undefined, ...more }
}
const ev = (genTime: number, eventType: string): HistoryEvent => ({ eventType, workNo: '1001', content: null, genTime })

function obs (entries: Entry[], events: HistoryEvent[] = [], now = 10000, final = false): Observation {
  return { agent: '1001', items: mergeTimeline(entries, events), start: 0, now, final, clientAlive: true, runEntries: entries }
}

const reauth: Expectation = {
  sequence: [
    { operation: 'getAgentEvent', retcode: '000-003' },
    { operation: ['login', 'forceLogin'], retcode: '0', withinMs: 2000 },
    { operation: 'getAgentEvent', retcode: '0', withinMs: 2000 }
  ]
}

t.test('sequence: pending, passed, failed with the excerpt, not exercised', async (t) => {
  const expired = req(100, 'getAgentEvent', '000-003')
  t.same(evaluate(reauth, obs([expired], [], 500)).state, 'pending', 'still within the 2 s')
  const passed = evaluate(reauth, obs([expired, req(300, 'forceLogin'), req(400, 'getAgentEvent')], [], 500))
  t.equal(passed.state, 'passed')
  const spinning = [expired, req(150, 'getAgentEvent', '000-003'), req(200, 'getAgentEvent', '000-003')]
  const failed = evaluate(reauth, obs(spinning, [], 2200))
  t.equal(failed.state, 'failed', 'decided as soon as the 2 s are over')
  if (failed.state !== 'failed') return
  t.match(failed.detail, /no login or forceLogin answered 0 within 2000 ms after getAgentEvent answered 000-003/)
  t.equal(failed.excerpt.length, 3, 'the excerpt: from the trigger on')
  t.equal(judge(reauth, obs([req(100, 'getAgentEvent')], [], 500)).state, 'notExercised', 'no 000-003 ever: not exercised')
  const late = judge(reauth, obs([expired, req(2500, 'forceLogin')], [], 2600))
  t.match(late.detail, /it came 2400 ms later/)
})

t.test('requests of other agents do not count', async (t) => {
  const other = req(100, 'getAgentEvent', '000-003', { agent: '1002' })
  t.equal(judge(reauth, obs([other])).state, 'notExercised')
})

t.test('never: after a trigger, for a while', async (t) => {
  const e: Expectation = { never: { after: { retcode: '100-006' }, match: { retcode: ['100-006', '000-003'] }, forMs: 600 } }
  const signedOut = req(100, 'getAgentEvent', '100-006')
  t.equal(evaluate(e, obs([signedOut], [], 300)).state, 'pending')
  t.equal(evaluate(e, obs([signedOut, req(300, 'forceLogin')], [], 701)).state, 'passed')
  const ignored = evaluate(e, obs([signedOut, req(150, 'getAgentEvent', '100-006'), req(200, 'getAgentEvent', '100-006')], [], 300))
  t.equal(ignored.state, 'failed')
  if (ignored.state === 'failed') {
    t.match(ignored.detail, /^2 × request answered 100-006 or 000-003 after a request answered 100-006/)
    t.equal(ignored.excerpt[0]?.kind === 'request' && ignored.excerpt[0].entry.seq, signedOut.seq, 'the trigger leads the excerpt')
  }
  t.equal(evaluate(e, obs([signedOut, req(800, 'getAgentEvent', '100-006')], [], 900)).state, 'passed', 'outside the window')
  t.equal(judge(e, obs([req(100, 'getAgentEvent')])).state, 'notExercised')
})

t.test('polls: which carried an event, re-poll gaps, idle rate, overlaps', async (t) => {
  // Two events wait; three polls follow; the third finds nothing.
  const entries = [req(100, 'getAgentEvent'), req(120, 'getAgentEvent'), req(500, 'getAgentEvent', '0', { durationMs: 300 })]
  const events = [ev(90, 'AgentOther_InService'), ev(95, 'AgentOther_InService')]
  t.same(pollDeliveries(mergeTimeline(entries, events), '1001').map(p => p.carried), [true, true, false])
  t.equal(judge({ repollAfterEvent: { withinMs: 250 } }, obs(entries, events, 600)).state, 'passed')
  const slow = [req(100, 'getAgentEvent'), req(900, 'getAgentEvent')]
  const v = judge({ repollAfterEvent: { withinMs: 250 } }, obs(slow, [ev(90, 'X')], 1000))
  t.equal(v.state, 'failed')
  t.match(v.detail, /the next poll started 800 ms after a poll that carried an event/)
  t.equal(judge({ repollAfterEvent: { withinMs: 250 } }, obs(slow, [], 1000)).state, 'notExercised', 'no event: not exercised')

  // 50 polls answered at once, each re-sent 20 ms later: 50/s against a gateway that answers at once.
  const spin = Array.from({ length: 50 }, (_, i) => req(i * 20, 'getAgentEvent'))
  const rate = judge({ idlePollRate: { maxPerSecond: 10 } }, obs(spin, [], 1000))
  t.equal(rate.state, 'failed')
  t.match(rate.detail, /after 49 polls answered at once without an event, the client waited 20 ms \(median\) before the next: 50\.0 polls\/s, more than 10\/s/)
  t.equal(evaluate({ idlePollRate: { maxPerSecond: 10 } }, obs(spin, [], 1000)).state, 'watch', 'judged only at the end')
  const patient = Array.from({ length: 5 }, (_, i) => req(i * 210, 'getAgentEvent'))
  t.match(judge({ idlePollRate: { maxPerSecond: 10 } }, obs(patient, [], 1000)).detail, /waited 210 ms \(median\).*4\.8 polls\/s/)
  // A held poll (a long poll) may be followed at once: it is not counted.
  const held = Array.from({ length: 5 }, (_, i) => req(i * 300 + 300, 'getAgentEvent', '0', { durationMs: 300 }))
  t.equal(judge({ idlePollRate: { maxPerSecond: 10 } }, obs(held, [], 1600)).state, 'notExercised')

  const overlap = [req(500, 'getAgentEvent', '0', { durationMs: 400 }), req(600, 'getAgentEvent', '0', { durationMs: 300 })]
  t.equal(judge({ singleFlight: {} }, obs(overlap)).state, 'failed')
  t.equal(judge({ singleFlight: {} }, obs([req(500, 'getAgentEvent', '0', { durationMs: 400 }), req(900, 'getAgentEvent', '0', { durationMs: 300 })])).state, 'passed')
})

t.test('report: never judged, always told', async (t) => {
  const e: Expectation = { report: { after: { event: 'AgentEvent_Ringing' }, match: { operation: 'answer' }, withinMs: 2000 } }
  const answered = judge(e, obs([req(400, 'answer')], [ev(100, 'AgentEvent_Ringing')]))
  t.equal(answered.state, 'passed')
  t.match(answered.detail, /reported: answer 300 ms after event AgentEvent_Ringing/)
  const ignored = judge(e, obs([], [ev(100, 'AgentEvent_Ringing')], 3000))
  t.equal(ignored.state, 'passed')
  t.match(ignored.detail, /reported: no answer within 2000 ms/)
  t.equal(judge(e, obs([])).state, 'notExercised')
})

t.test('valid requests: each invalid one named', async (t) => {
  t.equal(invalidReason(req(1, 'getAgentEvent')), undefined)
  t.match(invalidReason(req(1, 'agentStatus', '000-002', { agent: '99' })) ?? '', /agent id '99' out of range/)
  t.match(invalidReason(req(1, 'unknown', '000-002', { status: 404, agent: undefined })) ?? '', /no such interface/)
  t.match(invalidReason(req(1, 'callInner', '000-002')) ?? '', /invalid parameters \(000-002\)/)
  t.equal(invalidReason(req(1, 'callInner', '000-002', { rule: 'scripted' })), undefined, 'a fault rule\'s answer is the mock\'s doing')
  const v = judge({ validRequests: true }, obs([req(1, 'getAgentEvent'), req(2, 'agentStatus', '000-002', { agent: '99' })]))
  t.equal(v.state, 'failed')
  t.match(v.detail, /1 of 2 requests invalid: agent id '99' out of range/)
  t.equal(v.excerpt.length, 1)
})

t.test('JUnit XML escapes what it quotes', async (t) => {
  const result: CheckResult = {
    name: 'a<b',
    title: 'a<b',
    description: '',
    outcome: 'failed',
    summary: 'got "x" & <y>',
    durationMs: 1500,
    expectations: [{ expected: 'e', outcome: 'failed', detail: 'd\u0001', excerpt: ['+1 ms  GET /x → 200 0'] }],
    timeline: [],
    origin: 0,
    notes: []
  }
  const xml = junitXml([result])
  t.match(xml, /<testcase classname="conformance" name="a&lt;b" time="1\.500">/)
  t.match(xml, /<failure message="got &quot;x&quot; &amp; &lt;y&gt;" type="conformance">/)
  t.notOk(xml.includes('\u0001'), 'control characters dropped')
  t.match(xml, /tests="1" failures="1" errors="0" skipped="0"/)
})
