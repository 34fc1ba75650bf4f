/**
 * Which agent may see which call, in one place (issue #16, finding 8): under `--auth strict` an
 * agent reads only calls it takes part in. Written against today's Call (its legs name the agents);
 * the call-engine redesign adapts this one function.
 */
import type { Call } from './call-engine.js'

export function callHasParty (call: Pick<Call, 'legs'>, agentId: string): boolean {
  return call.legs.some(leg => leg.agentId === agentId)
}
