/**
 * A scenario (issue #4): a world plus fault rules plus a timeline of steps. This module holds the
 * scenario and the timeline runner; the rule and step shapes are in scenario-schema.ts, files are
 * read in src/world/, faults decided in faults.ts.
 */
import type { TimerHandle } from './clock.js'
import type { FaultRule } from './faults.js'
import type { ForcedState, TimelineAction, TimelineStep } from './scenario-schema.js'
import type { World } from './world.js'

// The shapes are derived from their schemas (scenario-schema.ts).
export type { ForcedState, TimelineAction, TimelineStep }

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
  /** The clock's time, for the firing bound. */
  now(): number
  /** A repeating step reached its firing bound this second; later triggers in it are ignored. */
  throttled?(source: string, agent: string): void
}

/**
 * A repeating step fires at most this often for one agent in one second of clock time (issue #16,
 * finding 6): a chain of steps that triggers itself in a way the load-time check cannot see ends
 * there instead of running the server out of time.
 */
export const MAX_STEP_FIRES_PER_SECOND = 100

/** The event types an action queues for sure (others are not predictable: calls, sign-outs). */
function eventsOf (action: TimelineAction): string[] {
  if ('inject' in action) return [action.inject.eventType]
  if ('setState' in action) {
    const event = { idle: 'AgentState_Ready', busy: 'AgentState_SetNotReady_Success', rest: 'AgentState_SetRest_Success', work: 'AgentState_Work', signedOut: undefined }[action.setState.state]
    return event === undefined ? [] : [event]
  }
  return []
}

const stepName = (step: TimelineStep, i: number): string => step.name ?? `step ${i + 1}`

/**
 * Repeating steps that trigger each other (or themselves) forever: a step after event X whose
 * action queues X, directly or through other repeating steps, for an agent the next step listens
 * to. One sentence per cycle; none when the timeline is safe to run.
 */
export function timelineCycles (steps: TimelineStep[]): string[] {
  const repeating = steps.map((s, i) => ({ s, i })).filter(({ s }) => s.repeat === true && s.after !== undefined)
  const agentOf = (s: TimelineStep): string | undefined => {
    const a = s.do as Record<string, { agent?: string | undefined }>
    return Object.values(a)[0]?.agent ?? s.after?.agent
  }
  const next = new Map<number, number[]>()
  for (const a of repeating) {
    const produced = eventsOf(a.s.do)
    const target = agentOf(a.s)
    next.set(a.i, repeating.filter(b => produced.includes(b.s.after!.event) &&
      (target === undefined || b.s.after!.agent === undefined || target === b.s.after!.agent)).map(b => b.i))
  }
  const out: string[] = []
  const done = new Set<number>()
  const visit = (i: number, path: number[]): void => {
    const at = path.indexOf(i)
    if (at >= 0) {
      const cycle = path.slice(at)
      // Report each cycle once, from its lowest step.
      if (Math.min(...cycle) === i) out.push(`timeline: ${[...cycle, i].map(j => stepName(steps[j]!, j)).join(' → ')} trigger${cycle.length === 1 ? 's itself' : ' each other'} forever (a repeating step after an event it causes)`)
      return
    }
    if (done.has(i)) return
    for (const j of next.get(i) ?? []) visit(j, [...path, i])
    done.add(i)
  }
  for (const { i } of repeating) visit(i, [])
  return out
}

/** Runs one scenario's timeline: timed steps from `start()`, triggered steps from `onEvent`. */
export class TimelineRunner {
  private timers: TimerHandle[] = []
  private readonly fired = new Set<number>()
  private running = false
  /** Firings per step and agent in the current second of clock time (MAX_STEP_FIRES_PER_SECOND). */
  private readonly firings = new Map<string, number>()
  private second = -1

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
      if (step.repeat === true && !this.mayFire(i, agentId)) return
      this.fired.add(i)
      this.schedule(i, step, step.delayMs ?? 0, agentId)
    })
  }

  private mayFire (i: number, agentId: string): boolean {
    const second = Math.floor(this.host.now() / 1000)
    if (second !== this.second) { this.second = second; this.firings.clear() }
    const key = `${i}:${agentId}`
    const n = (this.firings.get(key) ?? 0) + 1
    this.firings.set(key, n)
    if (n === MAX_STEP_FIRES_PER_SECOND + 1) this.host.throttled?.(`${this.source}#${stepName(this.steps[i]!, i)}`, agentId)
    return n <= MAX_STEP_FIRES_PER_SECOND
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
