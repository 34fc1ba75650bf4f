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
  private activeName: string | undefined
  private runner: TimelineRunner | undefined

  constructor (private readonly sim: Simulator, private readonly control: Control, private readonly fallback: World) {}

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
