/**
 * A scenario (issue #4): a world plus fault rules plus a timeline of steps. This module holds the
 * shapes and the timeline runner; files are read in src/world/, faults decided in faults.ts.
 */
import type { TimerHandle } from './clock.js'
import type { FaultRule } from './faults.js'
import type { World } from './world.js'

export type ForcedState = 'idle' | 'busy' | 'rest' | 'work' | 'signedOut'

export type TimelineAction =
  | { farHangUp: { agent?: string | undefined } }
  | { farAnswer: { agent?: string | undefined } }
  | { signOut: { agent?: string | undefined } }
  | { expireGuid: { agent?: string | undefined } }
  | { setState: { agent?: string | undefined, state: ForcedState } }
  | { inject: { agent?: string | undefined, eventType: string, content?: unknown } }
  | { armFault: FaultRule }

export interface TimelineStep {
  name?: string | undefined
  at?: number | undefined
  after?: { event: string, agent?: string | undefined } | undefined
  delayMs?: number | undefined
  repeat?: boolean | undefined
  do: TimelineAction
}

export interface Scenario {
  name: string
  description: string
  /** Where it came from: a file path, or 'api'. */
  source: string
  /** Line of `name` in the source file, for error messages. */
  nameLine?: number | undefined
  world: World
  faults: FaultRule[]
  timeline: TimelineStep[]
  seed?: number | undefined
  /** Gateway settings that apply while the scenario is active. */
  gateway?: GatewaySettings | undefined
}

export interface GatewaySettings {
  guidRotation?: 'static' | 'dynamic' | undefined
  inactivityTimeoutMs?: number | undefined
  pollWaitMs?: number | undefined
}

export interface TimelineHost {
  setTimer(ms: number, fn: () => void): TimerHandle
  perform(action: TimelineAction, agent: string | undefined, source: string): void
}

/** Runs one scenario's timeline: timed steps from `start()`, triggered steps from `onEvent`. */
export class TimelineRunner {
  private timers: TimerHandle[] = []
  private readonly fired = new Set<number>()
  private running = false

  constructor (private readonly host: TimelineHost, private readonly steps: TimelineStep[], private readonly source: string) {}

  start (): void {
    this.stop()
    this.running = true
    this.fired.clear()
    this.steps.forEach((step, i) => {
      if (step.after !== undefined || step.at === undefined) return
      this.schedule(i, step, step.at + (step.delayMs ?? 0), undefined)
    })
  }

  stop (): void {
    this.running = false
    for (const t of this.timers) t.cancel()
    this.timers = []
  }

  /** Steps done so far (indexes), for the admin API. */
  progress (): { fired: number[], total: number } { return { fired: [...this.fired].sort((a, b) => a - b), total: this.steps.length } }

  onEvent (agentId: string, eventType: string): void {
    if (!this.running) return
    this.steps.forEach((step, i) => {
      const a = step.after
      if (a === undefined || a.event !== eventType || (a.agent !== undefined && a.agent !== agentId)) return
      if (step.repeat !== true && this.fired.has(i)) return
      this.fired.add(i)
      this.schedule(i, step, step.delayMs ?? 0, agentId)
    })
  }

  private schedule (i: number, step: TimelineStep, ms: number, trigger: string | undefined): void {
    const timer = this.host.setTimer(ms, () => {
      this.timers = this.timers.filter(t => t !== timer)
      if (!this.running) return
      this.fired.add(i)
      this.host.perform(step.do, trigger, `${this.source}#${step.name ?? `step-${i + 1}`}`)
    })
    this.timers.push(timer)
  }
}
