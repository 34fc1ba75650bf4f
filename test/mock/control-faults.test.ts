/**
 * The control API under /__mock (issue #5), part 4: fault rules armed at run time (arm, list,
 * remove one, clear), the clock (real and virtual) and scenarios (list, load, activate,
 * deactivate, reset, unload).
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { ManualClock, type Clock } from '../../src/domain/clock.js'
import { defaultWorldPath, loadScenarioFile } from '../../src/world/load-world.js'
import { clockView } from '../../src/routes/mock/admin.js'
import type { Config } from '../../src/config.js'
import { build, call, drain, signIn, admin } from '../helper.js'

const T0 = Date.UTC(2026, 0, 1)
const A = '1001'

const err = (message: string): unknown => ({ message, retcode: '000-002' })

const CALL_FAULT = { match: { operation: 'callInner' }, fire: { times: 1 }, action: { retcode: '100-007' } }

// ---- faults -----------------------------------------------------------------------------------

t.test('POST /__mock/faults arms a rule: the next callinner fails, the one after succeeds', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, A)

  const res = await admin(app, 'POST', '/__mock/faults', CALL_FAULT)
  t.equal(res.statusCode, 201)
  t.same(res.json(), { ...CALL_FAULT, id: 'rule-1', matched: 0, fired: 0, source: 'api' })
  t.same((await admin(app, 'GET', '/__mock/faults')).json(), { rules: [{ ...CALL_FAULT, id: 'rule-1', matched: 0, fired: 0, source: 'api' }] })

  const first = await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9004' })
  t.equal(first.statusCode, 200)
  t.equal(first.body, '{"message":"fault injected by cc-gateway-mock","retcode":"100-007"}')
  t.same((await admin(app, 'GET', '/__mock/calls')).json(), { calls: [] }, 'no call was placed')
  t.same((await admin(app, 'GET', '/__mock/faults')).json().rules[0], { ...CALL_FAULT, id: 'rule-1', matched: 1, fired: 1, source: 'api' })

  const second = (await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9004' })).json()
  t.equal(second.retcode, '0', 'fired once only')
  t.match(second.result, /^\d+-\d+$/)
  t.same((await admin(app, 'GET', '/__mock/faults')).json().rules[0], { ...CALL_FAULT, id: 'rule-1', matched: 2, fired: 1, source: 'api' })
  t.same(await drain(app, A, guid).then(es => es.some(e => e.eventType === 'AgentEvent_Customer_Alerting')), true)
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/handshake`)).json().retcode, '0', 'other operations are not touched')
})

t.test('a rule with every field: id, name, message, agent, fields, after, times', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, A)
  const other = await signIn(app, '1002')
  const rule = {
    id: 'no-9001',
    name: 'calls to 9001 fail',
    match: { operation: ['callInner', 'callout'], agent: 1001, fields: { called: '9001' } },
    fire: { after: 1, times: 1 },
    action: { retcode: '200-018', message: 'not now' }
  }
  const res = await admin(app, 'POST', '/__mock/faults', rule)
  t.equal(res.statusCode, 201)
  t.same(res.json(), { ...rule, match: { ...rule.match, agent: '1001' }, matched: 0, fired: 0, source: 'api' }, 'the agent id becomes a string')

  const dial = async (g: string, from: string, called: string): Promise<string> => {
    const r = (await call(app, g, 'PUT', `/voicecall/${from}/callinner`, { called })).json()
    if (r.retcode === '0') await call(app, g, 'DELETE', `/voicecall/${from}/release`)
    return r.retcode === '0' ? '0' : `${r.retcode} ${r.message}`
  }
  t.equal(await dial(other, '1002', '9001'), '0', 'another agent: no match')
  t.equal(await dial(guid, A, '9002'), '0', 'another number: no match')
  t.equal(await dial(guid, A, '9001'), '0', 'after: 1 lets the first match pass')
  t.equal(await dial(guid, A, '9001'), '200-018 not now', 'then it fires, with its message')
  t.equal(await dial(guid, A, '9001'), '0', 'times: 1')
  t.match((await admin(app, 'GET', '/__mock/faults')).json().rules, [{ id: 'no-9001', matched: 3, fired: 1 }])
  t.match((await admin(app, 'GET', '/__mock/journal?retcode=200-018')).json().entries, [{ operation: 'callInner', rule: 'calls to 9001 fail' }],
    'the journal names the rule')
})

t.test('DELETE /__mock/faults/:id and DELETE /__mock/faults', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, A)
  t.equal((await admin(app, 'POST', '/__mock/faults', CALL_FAULT)).json().id, 'rule-1')
  t.equal((await admin(app, 'POST', '/__mock/faults', { match: { operation: 'handShake' }, action: { retcode: '100-007' } })).json().id, 'rule-2')
  t.equal((await admin(app, 'POST', '/__mock/faults', { id: 'mine', match: { operation: 'getAgentStatus' }, action: { retcode: '100-007' } })).json().id, 'mine')

  const removed = await admin(app, 'DELETE', '/__mock/faults/rule-1')
  t.equal(removed.statusCode, 200)
  t.same(removed.json(), { removed: true })
  t.same((await admin(app, 'GET', '/__mock/faults')).json().rules.map((r: { id: string }) => r.id), ['rule-2', 'mine'])
  t.equal((await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9004' })).json().retcode, '0', 'the removed rule no longer fires')
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/handshake`)).json().retcode, '100-007', 'the others still do')

  const again = await admin(app, 'DELETE', '/__mock/faults/rule-1')
  t.equal(again.statusCode, 404)
  t.same(again.json(), err('no fault rule rule-1'))

  const cleared = await admin(app, 'DELETE', '/__mock/faults')
  t.equal(cleared.statusCode, 200)
  t.same(cleared.json(), { cleared: true })
  t.same((await admin(app, 'GET', '/__mock/faults')).json(), { rules: [] })
  t.equal((await call(app, guid, 'POST', `/onlineagent/${A}/handshake`)).json().retcode, '0')
  t.equal((await call(app, guid, 'GET', `/onlineagent/${A}/agentstatus`)).json().retcode, '0')

  t.test('scenario rules stay when the API rules are cleared', async (t) => {
    const loaded = await admin(app, 'POST', '/__mock/scenarios?activate=true', {
      name: 'flaky',
      extends: 'default',
      faults: [{ id: 'from-scenario', match: { operation: 'handShake' }, action: { retcode: '100-007' } }]
    })
    t.equal(loaded.statusCode, 201)
    await admin(app, 'POST', '/__mock/faults', CALL_FAULT)
    t.same((await admin(app, 'GET', '/__mock/faults')).json().rules.map((r: { id: string, source: string }) => [r.id, r.source]),
      [['from-scenario', 'scenario'], ['rule-3', 'api']])
    await admin(app, 'DELETE', '/__mock/faults')
    t.same((await admin(app, 'GET', '/__mock/faults')).json().rules.map((r: { id: string }) => r.id), ['from-scenario'])
  })
})

t.test('an invalid rule: 400 naming the field', async (t) => {
  const { app } = await build(t)
  const cases: Array<[unknown, string]> = [
    [{ action: { retcode: '100-007' } }, 'match is required'],
    [{ match: { operation: 'callInner' } }, 'action is required'],
    [{ match: {}, action: { retcode: 'boom' } }, 'action.retcode must be a retcode: 0 or three digits, a dash and three digits (100-007)'],
    [{ match: { operation: '' }, action: { retcode: '100-007' } }, 'match.operation must NOT have fewer than 1 characters'],
    [{ match: { agent: 'abc' }, action: { retcode: '100-007' } }, 'match.agent must be 1 to 24 digits'],
    [{ match: {}, fire: { times: -1 }, action: { retcode: '100-007' } }, 'fire.times must be >= 0'],
    [{ match: {}, fire: { probability: 2 }, action: { retcode: '100-007' } }, 'fire.probability must be <= 1']
  ]
  for (const [body, message] of cases) {
    const r = await admin(app, 'POST', '/__mock/faults', body)
    t.equal(r.statusCode, 400, JSON.stringify(body))
    t.same(r.json(), err(message), JSON.stringify(body))
  }
  // Judgement call (current behaviour): an action matching none of the shapes is reported against
  // the first shape ({retcode}), even when it is close to another one (a negative delayMs).
  for (const action of [{ explode: true }, { delayMs: -5 }, { transport: 'explode' }]) {
    const r = await admin(app, 'POST', '/__mock/faults', { match: {}, action })
    t.equal(r.statusCode, 400, JSON.stringify(action))
    t.same(r.json(), err('retcode is required'), JSON.stringify(action))
  }
  const none = await admin(app, 'POST', '/__mock/faults')
  t.equal(none.statusCode, 400)
  t.same(none.json(), err('body must be object'))
  t.same((await admin(app, 'GET', '/__mock/faults')).json(), { rules: [] }, 'nothing was armed')

  t.test('a misspelt match key is refused (dropping it would fire on every request)', async (t) => {
    // BUG: Fastify's default Ajv removeAdditional strips `operaton`; the rule is armed with match {} and fails everything.
    const r = await admin(app, 'POST', '/__mock/faults', { match: { operaton: 'callInner' }, action: { retcode: '100-007' } })
    t.equal(r.statusCode, 400, r.body)
    t.match(r.json(), { message: /operaton|additional/, retcode: '000-002' })
    await admin(app, 'DELETE', '/__mock/faults')
  })
})

// ---- clock ------------------------------------------------------------------------------------

async function bare (tt: { teardown(fn: () => unknown): void }, config: Partial<Config>): Promise<FastifyInstance> {
  const app = await buildApp({ pollWaitMs: 0, ...config }, { logger: false })
  tt.teardown(() => app.close())
  return app
}

t.test('GET /__mock/clock: the real clock by default; advancing it is a 409', async (t) => {
  const app = await bare(t, {})
  const before = Date.now()
  const res = await admin(app, 'GET', '/__mock/clock')
  const after = Date.now()
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(Object.keys(body), ['mode', 'now', 'iso'])
  t.equal(body.mode, 'real')
  t.ok(body.now >= before && body.now <= after, 'now is the wall clock')
  t.equal(body.iso, new Date(body.now).toISOString())

  const adv = await admin(app, 'POST', '/__mock/clock/advance', { ms: 1000 })
  t.equal(adv.statusCode, 409)
  t.same(adv.json(), err('the clock is real; start with --clock virtual to move it by hand'))
})

t.test('with clock: virtual, POST /__mock/clock/advance moves now and fires due timers', async (t) => {
  const app = await bare(t, { clock: 'virtual' })
  const start = (await admin(app, 'GET', '/__mock/clock')).json()
  t.equal(start.mode, 'virtual')
  t.same((await admin(app, 'GET', '/__mock/clock')).json(), start, 'time stands still')

  const guid = await signIn(app, A)
  const callid = (await call(app, guid, 'PUT', `/voicecall/${A}/callinner`, { called: '9001' })).json().result as string
  const res = await admin(app, 'POST', '/__mock/clock/advance', { ms: 999 })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { mode: 'virtual', now: start.now + 999, iso: new Date(start.now + 999).toISOString() })
  t.equal((await admin(app, 'GET', `/__mock/calls/${callid}`)).json().state, 'alerting', '9001 has not answered yet')
  t.same((await admin(app, 'POST', '/__mock/clock/advance', { ms: 1 })).json().now, start.now + 1000)
  t.match((await admin(app, 'GET', `/__mock/calls/${callid}`)).json(), { state: 'talking', answerTime: start.now + 1000 }, 'answered at 1 s')
  t.same((await admin(app, 'GET', '/__mock/clock')).json(), { mode: 'virtual', now: start.now + 1000, iso: new Date(start.now + 1000).toISOString() })
  t.equal((await admin(app, 'POST', '/__mock/clock/advance', { ms: 0 })).statusCode, 200, 'zero is allowed')

  const cases: Array<[unknown, string]> = [
    [{}, 'ms is required'],
    [{ ms: -1 }, 'ms must be >= 0'],
    [{ ms: 1.5 }, 'ms must be integer'],
    [{ ms: 'soon' }, 'ms must be integer'],
    [{ ms: 31536000001 }, 'ms must be <= 31536000000']
  ]
  for (const [body, message] of cases) {
    const r = await admin(app, 'POST', '/__mock/clock/advance', body)
    t.equal(r.statusCode, 400, JSON.stringify(body))
    t.same(r.json(), err(message), JSON.stringify(body))
  }
  t.equal((await admin(app, 'GET', '/__mock/clock')).json().now, start.now + 1000, 'refused advances moved nothing')
})

t.test('the test helper\'s ManualClock shows as virtual', async (t) => {
  const { app, clock } = await build(t)
  t.same((await admin(app, 'GET', '/__mock/clock')).json(), { mode: 'virtual', now: T0, iso: '2026-01-01T00:00:00.000Z' })
  clock.advance(60000)
  t.same((await admin(app, 'GET', '/__mock/clock')).json(), { mode: 'virtual', now: T0 + 60000, iso: '2026-01-01T00:01:00.000Z' })
})

// ---- scenarios --------------------------------------------------------------------------------

const DEFAULT = {
  name: 'default',
  description: 'A few simulated colleagues and magic external numbers, like test phone numbers.',
  active: true,
  faults: 0,
  timeline: { fired: [], total: 0 }
}

t.test('GET /__mock/scenarios shows the default scenario as active', async (t) => {
  const { app } = await build(t)
  const res = await admin(app, 'GET', '/__mock/scenarios')
  t.equal(res.statusCode, 200)
  const list = res.json().scenarios as Array<Record<string, unknown>>
  t.same(list.filter(s => s.active === true).map(s => s.name), ['default'], 'the default first and active; the other shipped scenarios follow (issue #14 bug 3)')
  const { source, ...rest } = list[0]!
  t.same(rest, DEFAULT)
  t.match(source, /scenarios[/\\]default\.yaml$/)
})

/** An app with the default scenario only (not the other shipped ones, offered on a real start). */
async function defaultOnly (tt: { teardown(fn: () => unknown): void }): Promise<{ app: FastifyInstance }> {
  const app = await buildApp({ pollWaitMs: 0 }, { logger: false, clock: new ManualClock(), scenarios: [loadScenarioFile(defaultWorldPath)] })
  tt.teardown(() => app.close())
  return { app }
}

t.test('scenarios: load, activate, reset, deactivate, unload', async (t) => {
  const { app } = await defaultOnly(t)
  const loaded = await admin(app, 'POST', '/__mock/scenarios', {
    name: 'quiet',
    description: 'one colleague',
    simulatedAgents: [{ id: 9100, behaviour: 'answer', afterMs: 0 }],
    faults: [{ match: { operation: 'handShake' }, action: { retcode: '100-007' } }],
    timeline: [{ at: 5000, do: { inject: { agent: A, eventType: 'Later' } } }]
  })
  t.equal(loaded.statusCode, 201)
  const quiet = { name: 'quiet', description: 'one colleague', source: 'api', active: false, faults: 1, timeline: { fired: [], total: 1 } }
  t.match(loaded.json().scenarios, [DEFAULT, quiet])

  const on = await admin(app, 'POST', '/__mock/scenarios/quiet/activate')
  t.equal(on.statusCode, 200)
  t.match(on.json().scenarios, [{ name: 'default', active: false }, { ...quiet, active: true }])
  t.match((await admin(app, 'GET', '/__mock/faults')).json().rules, [{ source: 'scenario', match: { operation: 'handShake' } }])

  const reset = await admin(app, 'POST', '/__mock/scenarios/quiet/reset')
  t.equal(reset.statusCode, 200)
  t.match(reset.json().scenarios, [{ name: 'default', active: false }, { name: 'quiet', active: true }])
  const notActive = await admin(app, 'POST', '/__mock/scenarios/default/reset')
  t.equal(notActive.statusCode, 409)
  t.same(notActive.json(), err("scenario 'default' is not active"))

  const off = await admin(app, 'POST', '/__mock/scenarios/deactivate')
  t.equal(off.statusCode, 200)
  t.match(off.json().scenarios, [{ name: 'default', active: false }, { name: 'quiet', active: false }])
  t.same((await admin(app, 'GET', '/__mock/faults')).json(), { rules: [] }, 'its faults go with it')

  const gone = await admin(app, 'DELETE', '/__mock/scenarios/quiet')
  t.equal(gone.statusCode, 200)
  t.equal(gone.json().scenarios.length, 1)
  for (const [method, url] of [['DELETE', '/__mock/scenarios/quiet'], ['POST', '/__mock/scenarios/quiet/activate'], ['POST', '/__mock/scenarios/quiet/reset']] as const) {
    const r = await admin(app, method, url)
    t.equal(r.statusCode, 404, `${method} ${url}`)
    t.same(r.json(), err("no scenario named 'quiet'"))
  }

  const activated = await admin(app, 'POST', '/__mock/scenarios?activate=true', { name: 'again', extends: 'default' })
  t.equal(activated.statusCode, 201)
  t.match(activated.json().scenarios, [{ name: 'default', active: false }, { name: 'again', active: true, source: 'api' }])
})

t.test('scenarios: bad input', async (t) => {
  const { app } = await defaultOnly(t)
  const nameless = await admin(app, 'POST', '/__mock/scenarios', { description: 'x' })
  t.equal(nameless.statusCode, 400)
  t.same(nameless.json(), err('a scenario loaded through the API needs a name'))
  const bad = await admin(app, 'POST', '/__mock/scenarios', { name: 'x', ringTimeoutMs: -1 })
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), err('ringTimeoutMs must be >= 0'))
  const step = await admin(app, 'POST', '/__mock/scenarios', { name: 'x', timeline: [{ at: 1, do: { setState: { state: 'nap' } } }] })
  t.equal(step.statusCode, 400)
  t.match(step.json(), { retcode: '000-002' })
  const badQuery = await admin(app, 'POST', '/__mock/scenarios?activate=perhaps', { name: 'x' })
  t.equal(badQuery.statusCode, 400)
  t.same(badQuery.json(), err('querystring activate must be boolean'))
  t.equal((await admin(app, 'GET', '/__mock/scenarios')).json().scenarios.length, 1, 'nothing was loaded')
})

t.test('GET /__mock/clock reads the clock once per answer (issue #14 bug 1)', async (t) => {
  // A clock that moves 1 ms at every read: two reads in one answer would disagree.
  let ms = Date.UTC(2026, 0, 1, 0, 0, 0, 999)
  const ticking: Clock = { now: () => ms++, monotonic: () => ms, setTimer: () => ({ cancel () {} }) }
  const view = clockView(ticking)
  t.same(view, { mode: 'real', now: Date.UTC(2026, 0, 1, 0, 0, 0, 999), iso: '2026-01-01T00:00:00.999Z' })
  t.equal(ms, Date.UTC(2026, 0, 1, 0, 0, 1), 'one read')
})
