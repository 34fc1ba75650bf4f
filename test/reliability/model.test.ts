/**
 * Model-based test of the simulator (issue #7): random operation sequences across three agents,
 * simulated peers and external numbers, checked step by step against the reference model in
 * test/reliability/model-kit.ts (see there for the invariants). Fixed seed, bounded runs; `npm run model --
 * --runs N` runs longer. The shrunk counterexamples found on the way are the regression tests below.
 */
import fc from 'fast-check'
import t from 'tap'
import { Advance, Dial, modelApp, property, replay, SignIn, StateChange, type Stats } from './model-kit.js'
import { call, drain, GW } from '../helper.js'

const SEED = 20260701

const configs = [
  { name: 'queue cap 1000', queueCap: 1000, runs: 200 },
  { name: 'queue cap 4: events dropped on overflow', queueCap: 4, runs: 100 }
]

for (const { name, queueCap, runs } of configs) {
  t.test(`random operation sequences keep every invariant (${name})`, async (t) => {
    const real = await modelApp(t, { queueCap })
    const stats: Stats = {}
    const started = Date.now()
    await fc.assert(property({ maxCommands: 60, queueCap, real, stats }), { seed: SEED, numRuns: runs })
    t.comment(`${runs} runs (seed ${SEED}), ${stats['steps checked'] ?? 0} steps checked, in ${Date.now() - started} ms`)
    t.comment(Object.entries(stats).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v}`).join('; '))
    t.ok((stats['events delivered'] ?? 0) > 100 && (stats['calls ended, state checked'] ?? 0) > 20 && (stats['fault fired: retcode'] ?? 0) > 0,
      'the runs reached calls, deliveries and faults')
  })
}

// ---- regression tests: shrunk counterexamples ------------------------------------------------

t.test('counterexample: a refused rest request changed the cause the agent returns to after a call', async (t) => {
  // Shrunk from seed 5: rest(cause 0) granted, rest(cause 5) refused with 100-009, then a call-out
  // that fails at once brought the agent back to rest with {"reason":"5"}.
  const real = await modelApp(t)
  await replay(real, [
    new SignIn('1003', false, 4, false, false, undefined),
    new StateChange('1003', 'rest', false, undefined, 1, 0, 'own'),
    new StateChange('1003', 'rest', false, undefined, 1, 5, 'own'),
    new Dial('1003', 'callout', '5550101', 'own')
  ])
  t.pass('the model agrees')
})

t.test('counterexample: a refused saybusy changed the reason the agent returns to after a call', async (t) => {
  const { app } = await modelApp(t)
  const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: { password: '', phonenum: '71001' } })
  const guid = String(res.headers['set-guid']).replace('JSESSIONID=', '')
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=201')).json().retcode, '0')
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=205')).json().retcode, '100-009', 'busy again without prolong')
  await drain(app, '1001', guid)
  t.equal((await call(app, guid, 'PUT', '/voicecall/1001/callout', { called: '5550101' })).json().retcode, '0', 'a call-out that fails at once')
  const events = await drain(app, '1001', guid)
  t.strictSame(events.at(-1), { eventType: 'AgentState_SetNotReady_Success', workNo: '1001', content: { reason: '201' } },
    'back to the busy in force, with its reason')
})

t.test('counterexample: back in rest after a call, the rest reminder never came', async (t) => {
  // Shrunk from seed 5: the rest timer ran from the request, fired during the call and was lost.
  const real = await modelApp(t)
  await replay(real, [
    new SignIn('1002', false, 4, false, false, undefined),
    new StateChange('1002', 'rest', false, undefined, 1, 0, 'own'),
    new Advance(1000),
    new Dial('1002', 'callinner', '1001', 'own'),
    new Advance(30000)
  ])
  t.pass('the model agrees')
})

t.test('rest asked for during a call: its time counts from the end of the call', async (t) => {
  const { app, clock } = await modelApp(t)
  const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: { password: '', phonenum: '71001' } })
  const guid = String(res.headers['set-guid']).replace('JSESSIONID=', '')
  t.equal((await call(app, guid, 'PUT', '/voicecall/1001/callout', { called: '5550100' })).json().retcode, '0')
  clock.advance(1000) // answered
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/rest/5/3')).json().retcode, '0', 'rest during the call (pre-rest)')
  clock.advance(10000)
  await drain(app, '1001', guid)
  t.equal((await call(app, guid, 'DELETE', '/voicecall/1001/release')).json().retcode, '0')
  t.equal((await drain(app, '1001', guid)).at(-1)?.eventType, 'AgentState_SetRest_Success', 'rest begins when the call ends')
  clock.advance(4999)
  t.strictSame(await drain(app, '1001', guid), [], 'not yet over')
  clock.advance(1)
  t.strictSame((await drain(app, '1001', guid)).map(e => e.eventType), ['AgentState_Rest_Timeout'], '5 s after the rest began')
})
