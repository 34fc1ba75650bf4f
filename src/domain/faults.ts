/**
 * Fault rules (issue #4): match a gateway operation by its vendor name (and optionally agent, call
 * and request fields), fire always / the first N times / after N matches / with a probability, and
 * name one action. The engine only decides; the HTTP layer performs transport faults and delays,
 * the Simulator performs session and event faults.
 */
import type { FaultAction, FaultRule } from './scenario-schema.js'

// The shapes are derived from their schemas (scenario-schema.ts).
export type { FaultAction, FaultRule }
export type FaultMatch = FaultRule['match']
export type FaultFire = NonNullable<FaultRule['fire']>
export type TransportFault = Extract<FaultAction, { transport: unknown }>['transport']

export interface ArmedRule extends FaultRule { id: string, matched: number, fired: number, source: string }

export interface RequestFacts {
  operation: string
  agent: string | undefined
  fields: Record<string, unknown>
}

export class FaultEngine {
  private rules: ArmedRule[] = []
  private nextId = 1

  constructor (private readonly random: () => number) {}

  arm (rule: FaultRule, source: string): ArmedRule {
    const armed: ArmedRule = { ...rule, id: rule.id ?? `rule-${this.nextId++}`, matched: 0, fired: 0, source }
    this.rules.push(armed)
    return armed
  }

  list (): ArmedRule[] { return [...this.rules] }

  get size (): number { return this.rules.length }

  remove (id: string): boolean {
    const before = this.rules.length
    this.rules = this.rules.filter(r => r.id !== id)
    return this.rules.length !== before
  }

  /** Remove all rules, or only those armed from `source` (e.g. one scenario). */
  clear (source?: string): void { this.rules = source === undefined ? [] : this.rules.filter(r => r.source !== source) }

  /** Counters back to zero: a scenario reset. */
  resetCounters (): void { for (const r of this.rules) { r.matched = 0; r.fired = 0 } }

  /** The first rule that matches and fires for this request, with its counters advanced. */
  decide (req: RequestFacts): ArmedRule | undefined {
    for (const rule of this.rules) {
      if (!matches(rule.match, req)) continue
      rule.matched++
      const fire = rule.fire ?? {}
      if (fire.after !== undefined && rule.matched <= fire.after) continue
      if (fire.times !== undefined && rule.fired >= fire.times) continue
      if (fire.probability !== undefined && this.random() >= fire.probability) continue
      rule.fired++
      return rule
    }
    return undefined
  }
}

function matches (m: FaultMatch, req: RequestFacts): boolean {
  if (m.operation !== undefined) {
    const ops = Array.isArray(m.operation) ? m.operation : [m.operation]
    if (!ops.some(op => op.toLowerCase() === req.operation.toLowerCase())) return false
  }
  if (m.agent !== undefined && m.agent !== req.agent) return false
  if (m.callid !== undefined && String(req.fields.callid ?? '') !== m.callid) return false
  if (m.fields !== undefined) {
    for (const [k, v] of Object.entries(m.fields)) if (String(req.fields[k]) !== String(v)) return false
  }
  return true
}

/** A delay action's wait, drawn from its range with the engine's random source. */
export function delayOf (action: { delayMs: number | [number, number] }, random: () => number): number {
  const d = action.delayMs
  return Array.isArray(d) ? Math.round(d[0] + random() * (d[1] - d[0])) : d
}
