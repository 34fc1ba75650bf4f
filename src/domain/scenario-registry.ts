/**
 * Loaded scenarios and the one that is active (issue #4). Activating a scenario swaps the world,
 * arms its fault rules (source 'scenario') and starts its timeline; agents stay signed in where
 * the new world still has them. Rules armed through the admin API (source 'api') are kept.
 */
import { MAX_STEP_FIRES_PER_SECOND, TimelineRunner, type GatewaySettings, type Scenario } from './scenario.js'
import type { Simulator } from './simulator.js'
import type { World } from './world.js'

export interface ScenarioSummary {
  name: string
  description: string
  source: string
  active: boolean
  faults: number
  timeline: { fired: number[], total: number }
}

export class ScenarioRegistry {
  private readonly scenarios = new Map<string, Scenario>()
  private activeName: string | undefined
  private runner: TimelineRunner | undefined
  private readonly base: Required<GatewaySettings>

  constructor (private readonly sim: Simulator, private readonly fallback: World) {
    const o = sim.opts
    this.base = { guidRotation: o.guidRotation, inactivityTimeoutMs: o.inactivityTimeoutMs, pollWaitMs: o.pollWaitMs }
  }

  get active (): Scenario | undefined { return this.activeName === undefined ? undefined : this.scenarios.get(this.activeName) }

  /** Add or replace a scenario. Replacing the active one re-activates it (hot reload). */
  add (scenario: Scenario): void {
    this.scenarios.set(scenario.name, scenario)
    if (this.activeName === scenario.name) this.activate(scenario.name)
  }

  has (name: string): boolean { return this.scenarios.has(name) }

  remove (name: string): boolean {
    if (this.activeName === name) this.deactivate()
    return this.scenarios.delete(name)
  }

  list (): ScenarioSummary[] {
    return [...this.scenarios.values()].map(s => ({
      name: s.name,
      description: s.description,
      source: s.source,
      active: s.name === this.activeName,
      faults: s.faults.length,
      timeline: s.name === this.activeName && this.runner !== undefined ? this.runner.progress() : { fired: [], total: s.timeline.length }
    }))
  }

  activate (name: string): void {
    const s = this.scenarios.get(name)
    if (s === undefined) throw new Error(`no scenario named '${name}'`)
    this.stop()
    this.activeName = name
    this.sim.setWorld(s.world)
    Object.assign(this.sim.opts, this.base, stripUndefined(s.gateway ?? {}))
    for (const rule of s.faults) this.sim.faults.arm(rule, 'scenario')
    const runner = new TimelineRunner({
      setTimer: (ms, fn) => this.sim.clock.setTimer(ms, fn),
      perform: (action, agent, source) => this.sim.perform(action, agent, source),
      now: () => this.sim.clock.now(),
      throttled: (source, agent) => this.sim.opts.log.warn({ source, agent, limit: MAX_STEP_FIRES_PER_SECOND },
        'timeline step fired too often in one second (does it trigger itself?): further triggers this second are ignored')
    }, s.timeline, s.name)
    this.runner = runner
    this.sim.observer = (agentId, eventType) => runner.onEvent(agentId, eventType)
    runner.start()
  }

  /** Back to the first step: fault counters to zero, the timeline restarted. */
  reset (): void {
    if (this.activeName === undefined) return
    this.activate(this.activeName)
  }

  /** No scenario: the fallback world, no scenario faults, no timeline. */
  deactivate (): void {
    this.stop()
    this.activeName = undefined
    this.sim.setWorld(this.fallback)
  }

  private stop (): void {
    this.runner?.stop()
    this.runner = undefined
    this.sim.observer = undefined
    this.sim.faults.clear('scenario')
    Object.assign(this.sim.opts, this.base)
  }
}

function stripUndefined<T extends object> (o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
