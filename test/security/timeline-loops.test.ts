/**
 * Issue #16, finding 6: a repeating timeline step after event X that injects X hung the server
 * (`clock/advance` never returned on the virtual clock; timers doubled on the real one). Such
 * cycles are refused when a scenario is loaded; at run time a repeating step fires at most
 * MAX_STEP_FIRES_PER_SECOND times per agent and second, and one advance runs at most a bounded
 * number of timers. Also (lower findings): a cycle in `extends`, and `extends` through the API.
 */
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ClockRunawayError, ManualClock } from '../../src/domain/clock.js'
import { MAX_STEP_FIRES_PER_SECOND, type Scenario } from '../../src/domain/scenario.js'
import { emptyWorld } from '../../src/domain/world.js'
import { loadScenarioFile, WorldFileError } from '../../src/world/load-world.js'
import { admin, build, signIn } from '../helper.js'

const selfTrigger = { name: 'loop', after: { event: 'Custom_X' }, repeat: true, do: { inject: { eventType: 'Custom_X' } } }

t.test('a step that triggers itself is refused when loaded, from a file or the API', async (t) => {
  const dir = t.testdir({ 'loop.yaml': 'name: loop\ntimeline:\n  - name: loop\n    after: { event: Custom_X }\n    repeat: true\n    do: { inject: { eventType: Custom_X } }\n' })
  let problems: string[] = []
  try { loadScenarioFile(`${dir}/loop.yaml`) } catch (err) { problems = (err as WorldFileError).problems }
  t.same(problems, [`${dir}/loop.yaml: timeline: loop → loop triggers itself forever (a repeating step after an event it causes)`])

  const { app } = await build(t)
  const res = await admin(app, 'POST', '/__mock/scenarios?activate=true', { name: 'loop', timeline: [selfTrigger] })
  t.equal(res.statusCode, 400)
  t.same(res.json(), { message: 'api: timeline: loop → loop triggers itself forever (a repeating step after an event it causes)', retcode: '000-002' })
  const cycle = await admin(app, 'POST', '/__mock/scenarios', {
    name: 'pair',
    timeline: [
      { name: 'a', after: { event: 'AgentState_Ready', agent: 1001 }, repeat: true, do: { inject: { eventType: 'Custom_Y' } } },
      { name: 'b', after: { event: 'Custom_Y' }, repeat: true, do: { setState: { state: 'idle' } } }
    ]
  })
  t.equal(cycle.statusCode, 400)
  t.match(cycle.json().message, /timeline: a → b → a trigger each other forever/)
  const safe = await admin(app, 'POST', '/__mock/scenarios', {
    name: 'safe',
    timeline: [
      { after: { event: 'Custom_X', agent: 1001 }, repeat: true, do: { inject: { agent: 1002, eventType: 'Custom_X' } } },
      { after: { event: 'Custom_X' }, do: { inject: { eventType: 'Custom_X' } } }
    ]
  })
  t.equal(safe.statusCode, 201, 'another agent\'s event, or a step that fires once, is no cycle')
  t.match((await admin(app, 'GET', '/__mock/scenarios')).json(), { scenarios: [{ name: 'default', active: true }, { name: 'safe' }] }, 'nothing refused was loaded')
})

t.test('at run time, a loop the load check cannot see stops at the firing bound and advance returns', async (t) => {
  // Built directly (not through the loader) to get past the load-time check.
  const looping: Scenario = { name: 'loop', description: '', source: 'test', world: emptyWorld(), faults: [], timeline: [selfTrigger] }
  const clock = new ManualClock()
  const app = await buildApp({ pollWaitMs: 0, clock: 'virtual' }, { clock, logger: false, scenarios: [looping] })
  t.teardown(() => app.close())
  await signIn(app, '1001')
  await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: 'Custom_X' })
  const res = await admin(app, 'POST', '/__mock/clock/advance', { ms: 1000 })
  t.equal(res.statusCode, 200, 'advance returns')
  const history = app.simulator.historyOf('1001').filter(e => e.eventType === 'Custom_X')
  t.equal(history.length, Math.min(100, MAX_STEP_FIRES_PER_SECOND + 1), 'the injected event and the step\'s first firings (history shows the last 100)')
  const queued = (await admin(app, 'GET', '/__mock/agents/1001')).json().queueLength
  t.ok(queued <= MAX_STEP_FIRES_PER_SECOND + 3, `${queued} events queued`)
  const again = await admin(app, 'POST', '/__mock/clock/advance', { ms: 5000 })
  t.equal(again.statusCode, 200, 'nothing left running')
})

t.test('one advance runs a bounded number of timers', async (t) => {
  const clock = new ManualClock(0, { maxTimersPerAdvance: 1000 })
  let fired = 0
  const again = (): void => { fired++; clock.setTimer(0, again) }
  clock.setTimer(5, again)
  t.throws(() => clock.advance(10), ClockRunawayError)
  t.equal(fired, 1000)
  t.equal(clock.now(), 5, 'the clock stands at the last timer it ran')
  t.equal(clock.pending(), 1, 'the next timer is kept')
  const plain = new ManualClock(0, { maxTimersPerAdvance: 1000 })
  let n = 0
  for (let i = 0; i < 1000; i++) plain.setTimer(i, () => { n++ })
  plain.advance(2000)
  t.equal(n, 1000, 'up to the bound, every timer runs')
})

t.test('a cycle in extends is reported briefly, not as a stack overflow', async (t) => {
  const dir = t.testdir({ 'a.yaml': 'name: a\nextends: b.yaml\n', 'b.yaml': 'name: b\nextends: c.yaml\n', 'c.yaml': 'name: c\nextends: a.yaml\n' })
  let problems: string[] = []
  try { loadScenarioFile(`${dir}/a.yaml`) } catch (err) { problems = (err as WorldFileError).problems }
  t.equal(problems.length, 1)
  t.match(problems[0], /extends this file again \(a\.yaml → b\.yaml → c\.yaml → a\.yaml\)/)
  t.ok(problems[0]!.length < 2000, `${problems[0]!.length} characters`)
})

t.test('extends through the API: default is resolved, anything else refused', async (t) => {
  const { app } = await build(t)
  const ok = await admin(app, 'POST', '/__mock/scenarios?activate=true', { name: 'ext', extends: 'default', defaultCaller: '123' })
  t.equal(ok.statusCode, 201)
  t.ok(app.simulator.world.world.externalNumbers.length > 0, 'the default world came along')
  for (const ext of ['../../../etc/passwd', 'scenarios/callee-busy.yaml', '/etc/hostname']) {
    const res = await admin(app, 'POST', '/__mock/scenarios', { name: 'x', extends: ext })
    t.equal(res.statusCode, 400, ext)
    t.same(res.json(), { message: `extends: through the API only 'default' can be extended, not '${ext}'`, retcode: '000-002' })
  }
  const bad = await admin(app, 'POST', '/__mock/scenarios', { name: 'p', externalNumbers: [{ pattern: '(', behaviour: 'answer' }] })
  t.equal(bad.statusCode, 400, 'a world problem is a 400, not a 500')
  t.match(bad.json().message, /externalNumbers\.0\.pattern: error parsing regexp/)
})
