/**
 * Loaded scenarios and the one that is active (issue #4). Activating a scenario swaps the world,
 * arms its fault rules (source 'scenario') and starts its timeline; agents stay signed in where
 * the new world still has them. Rules armed through the admin API (source 'api') are kept.
 */
import type { Control } from './control.js'
import { MAX_STEP_FIRES_PER_SECOND, TimelineRunner, type Scenario } from './scenario.js'
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
  /** Known by name, loaded on first use (the shipped scenarios: reading them all would slow the start). */
  private readonly lazy = new Map<string, () => Scenario>()
  private activeName: string | undefined
  private runner: TimelineRunner | undefined

  constructor (private readonly sim: Simulator, private readonly control: Control, private readonly fallback: World) {}

  get active (): Scenario | undefined { return this.activeName === undefined ? undefined : this.scenarios.get(this.activeName) }

  /** Add or replace a scenario. Replacing the active one re-activates it (hot reload). */
  add (scenario: Scenario): void {
    this.lazy.delete(scenario.name)
    this.scenarios.set(scenario.name, scenario)
    if (this.activeName === scenario.name) this.activate(scenario.name)
  }

  /** Make a scenario available by name, loaded when first listed or activated; a loaded one of that name wins. */
  addLazy (name: string, load: () => Scenario): void {
    if (!this.scenarios.has(name)) this.lazy.set(name, load)
  }

  has (name: string): boolean { return this.scenarios.has(name) || this.lazy.has(name) }

  remove (name: string): boolean {
    if (this.activeName === name) this.deactivate()
    return this.lazy.delete(name) || this.scenarios.delete(name)
  }

  private get (name: string): Scenario | undefined {
    const load = this.lazy.get(name)
    if (load !== undefined) {
      this.lazy.delete(name)
      this.scenarios.set(name, load())
    }
    return this.scenarios.get(name)
  }

  list (): ScenarioSummary[] {
    for (const name of [...this.lazy.keys()]) this.get(name)
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
    const s = this.get(name)
    if (s === undefined) throw new Error(`no scenario named '${name}'`)
    this.stop()
    this.activeName = name
    this.sim.setWorld(s.world)
    this.sim.useSettings(s.gateway)
    for (const rule of s.faults) this.sim.faults.arm(rule, 'scenario')
    const runner = new TimelineRunner({
      setTimer: (ms, fn) => this.sim.clock.setTimer(ms, fn),
      perform: (action, agent, source) => this.control.perform(action, agent, source),
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
    this.sim.useSettings()
  }
}
