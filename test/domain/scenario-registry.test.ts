/**
 * The scenario registry on its own (issue #17): loaded and lazily known scenarios, activation
 * (world, gateway settings, fault rules, timeline), hot reload, reset, deactivation and removal,
 * against a Simulator on a ManualClock. test/scenarios/* check the same through the control API.
 */
import t from 'tap'
import { Control } from '../../src/domain/control.js'
import type { Scenario } from '../../src/domain/scenario.js'
import { ScenarioRegistry } from '../../src/domain/scenario-registry.js'
import { emptyWorld, type World } from '../../src/domain/world.js'
import { drain, signIn, simulator } from './sim-kit.js'

const A = '1001'

function scenario (name: string, over: Partial<Scenario> = {}): Scenario {
  return { name, description: `${name} for the test`, source: 'api', world: { ...emptyWorld(), ringTimeoutMs: 5000 }, faults: [], timeline: [], ...over }
}

function setup (): ReturnType<typeof simulator> & { registry: ScenarioRegistry, fallback: World } {
  const fallback = emptyWorld()
  const ctx = simulator(fallback, { pollWaitMs: 2000 })
  return { ...ctx, fallback, registry: new ScenarioRegistry(ctx.sim, new Control(ctx.sim), fallback) }
}

const sources = (r: ReturnType<typeof setup>): string[] => r.sim.faults.list().map(f => `${f.source}:${f.name ?? ''}`)

t.test('activation swaps the world, applies the gateway block, arms the faults and starts the timeline', async (t) => {
  const r = setup()
  signIn(r.sim, A)
  const s = scenario('morning', {
    gateway: { pollWaitMs: 50 },
    faults: [{ name: 'busy callee', match: { operation: 'callInner' }, action: { retcode: '200-018' } }],
    timeline: [{ name: 'hello', at: 1000, do: { inject: { agent: A, eventType: 'Custom_Hello' } } }]
  })
  r.registry.add(s)
  t.equal(r.registry.active, undefined, 'adding does not activate')
  r.registry.activate('morning')
  t.equal(r.registry.active, s)
  t.equal(r.sim.world.world, s.world)
  t.equal(r.sim.settings.pollWaitMs, 50)
  t.same(sources(r), ['scenario:busy callee'])
  t.same(r.registry.list(), [{ name: 'morning', description: 'morning for the test', source: 'api', active: true, faults: 1, timeline: { fired: [], total: 1 } }])
  r.clock.advance(1000)
  t.same(drain(r.sim, A), ['Custom_Hello'], 'the timed step ran on the clock')
  t.same(r.registry.list()[0]?.timeline, { fired: [0], total: 1 })
  t.equal(r.sim.agents.has(A), true, 'an agent the new world still allows stays signed in')
})

t.test('a triggered step runs after the event it waits for', async (t) => {
  const r = setup()
  signIn(r.sim, A)
  r.registry.add(scenario('echo', { timeline: [{ after: { event: 'AgentState_SetNotReady_Success' }, delayMs: 500, do: { inject: { eventType: 'Custom_Echo' } } }] }))
  r.registry.activate('echo')
  r.sim.sayBusy(A, 1, false)
  t.same(drain(r.sim, A), ['AgentState_SetNotReady_Success'])
  r.clock.advance(500)
  t.same(drain(r.sim, A), ['Custom_Echo'], 'for the agent whose event triggered it')
})

t.test('deactivation and switching: fallback world, base settings, scenario faults cleared, API faults kept, timers stopped', async (t) => {
  const r = setup()
  signIn(r.sim, A)
  r.sim.faults.arm({ name: 'mine', match: { operation: 'sayBusy' }, action: { retcode: '100-007' } }, 'api')
  r.registry.add(scenario('one', { gateway: { guidRotation: 'dynamic' }, faults: [{ name: 'f1', match: { operation: 'callInner' }, action: { retcode: '200-018' } }], timeline: [{ at: 1000, do: { inject: { agent: A, eventType: 'From_One' } } }] }))
  r.registry.add(scenario('two', { faults: [{ name: 'f2', match: { operation: 'callOut' }, action: { retcode: '200-018' } }] }))
  r.registry.activate('one')
  t.same(sources(r), ['api:mine', 'scenario:f1'])
  r.registry.activate('two')
  t.same(sources(r), ['api:mine', 'scenario:f2'], "switching replaces the scenario's rules only")
  t.equal(r.sim.settings.guidRotation, 'static', "the previous scenario's gateway block is gone")
  r.clock.advance(5000)
  t.same(drain(r.sim, A), [], "the previous scenario's timeline no longer runs")
  r.registry.deactivate()
  t.equal(r.registry.active, undefined)
  t.equal(r.sim.world.world, r.fallback)
  t.same(sources(r), ['api:mine'])
  t.same(r.sim.settings, r.sim.baseSettings)
})

t.test('adding a scenario under the active name reloads it; reset restarts the timeline; removing the active one deactivates', async (t) => {
  const r = setup()
  signIn(r.sim, A)
  const step = (eventType: string): Scenario['timeline'] => [{ at: 1000, do: { inject: { agent: A, eventType } } }]
  r.registry.add(scenario('live', { timeline: step('Old') }))
  r.registry.activate('live')
  r.registry.add(scenario('live', { timeline: step('New') }))
  t.same(r.registry.active?.timeline, step('New'), 'the new version is the active one')
  r.clock.advance(1000)
  t.same(drain(r.sim, A), ['New'], 'the reloaded timeline runs, the old one does not')
  r.registry.reset()
  t.same(r.registry.list()[0]?.timeline.fired, [], 'reset: nothing fired yet')
  r.clock.advance(1000)
  t.same(drain(r.sim, A), ['New'], 'and the timeline runs again from its start')
  t.equal(r.registry.remove('live'), true)
  t.equal(r.registry.active, undefined)
  t.equal(r.sim.world.world, r.fallback)
  t.equal(r.registry.remove('live'), false, 'gone')
})

t.test('lazy scenarios are loaded on first list or activation only; a loaded one of the same name wins', async (t) => {
  const r = setup()
  let loads = 0
  r.registry.addLazy('shipped', () => { loads++; return scenario('shipped') })
  t.equal(r.registry.has('shipped'), true)
  t.equal(loads, 0, 'known by name without being read')
  r.registry.activate('shipped')
  t.equal(loads, 1)
  r.registry.list()
  t.equal(loads, 1, 'read once')
  r.registry.addLazy('mine', () => { loads++; return scenario('mine', { description: 'lazy' }) })
  r.registry.add(scenario('mine', { description: 'loaded' }))
  r.registry.addLazy('mine', () => { loads++; return scenario('mine', { description: 'lazy again' }) })
  t.same(r.registry.list().map(s => `${s.name}:${s.description}`), ['shipped:shipped for the test', 'mine:loaded'])
  t.equal(loads, 1)
  t.throws(() => r.registry.activate('nope'), /no scenario named 'nope'/)
  t.equal(r.registry.active?.name, 'shipped', 'a failed activation leaves the active scenario alone')
})
