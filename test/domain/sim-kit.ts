/**
 * Domain-level test kit: a Simulator built directly (no HTTP) on a ManualClock, and small helpers
 * to sign agents in, take their events and read the catalogue key of a refusal. The domain unit
 * tests (call engine, simulator, scenario registry) share it.
 */
import { ManualClock } from '../../src/domain/clock.js'
import { createIdSource } from '../../src/domain/ids.js'
import { Simulator, type SimulatorOptions } from '../../src/domain/simulator.js'
import { emptyWorld, type World } from '../../src/domain/world.js'

export interface SimCtx { sim: Simulator, clock: ManualClock, logged: string[] }

/** A simulator on a ManualClock with polls answered at once and no inactivity timeout unless `opts` says otherwise. */
export function simulator (world: World = emptyWorld(), opts: Partial<SimulatorOptions> = {}): SimCtx {
  const clock = new ManualClock()
  const logged: string[] = []
  const sim = new Simulator({
    clock,
    ids: createIdSource({ seed: 1 }),
    world,
    authMode: 'compat',
    guidRotation: 'static',
    pollWaitMs: 0,
    inactivityTimeoutMs: 0,
    queueCap: 1000,
    guidGraceMs: 30000,
    log: { info (_o, msg) { logged.push(msg) }, warn (_o, msg) { logged.push(msg) } },
    ...opts
  })
  return { sim, clock, logged }
}

/** Event types waiting for the agent, taken. */
export function drain (sim: Simulator, id: string): string[] {
  const out: string[] = []
  const q = sim.agents.get(id)?.queue
  for (let e = q?.take(); e !== undefined; e = q?.take()) out.push(e.eventType)
  return out
}

/** Sign in (with the gateway's defaults, over `opts`) and forget the sign-in events. */
export function signIn (sim: Simulator, id: string, opts: { autoanswer?: boolean, releasephone?: boolean, autoenteridle?: boolean } = {}): void {
  sim.login(id, { password: '', phonenum: `7${id}`, ...opts }, 'login')
  drain(sim, id)
}

/** The catalogue key `fn` fails with, or undefined when it succeeds. */
export const codeOf = (fn: () => unknown): string | undefined => {
  try { fn(); return undefined } catch (err) { return (err as { key?: string }).key }
}
