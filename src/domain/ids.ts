/**
 * Identifiers the gateway hands out: session GUIDs (`<uuid>.AgentGateway0`, spec §1) and call ids
 * (`<unix-seconds>-<sequence>`, spec §0). GUIDs are crypto-random unless a seed asks for
 * reproducible runs. With a seed every id repeats exactly, whatever the clock: the call ids'
 * seconds part is a fixed instant (SEEDED_CALL_SECONDS) instead of the time, and `reset()` starts
 * the sequences again (POST /__mock/reset).
 */
import { randomUUID } from 'node:crypto'

export interface IdSource {
  guid(): string
  callId(nowMs: number): string
  /** Back to the first id (a seeded source then repeats its ids; an unseeded one stays random). */
  reset(): void
}

/** The seconds part of seeded call ids: 2026-01-01T00:00:00Z (also the virtual clock's default start). */
export const SEEDED_CALL_SECONDS = Date.UTC(2026, 0, 1) / 1000

/** mulberry32: a small, fast, seedable PRNG (not for secrets; used only when a seed is asked for). */
export function seededRandom (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function uuidFrom (random: () => number): string {
  const hex: string[] = []
  for (let i = 0; i < 16; i++) hex.push(Math.floor(random() * 256).toString(16).padStart(2, '0'))
  hex[6] = '4' + hex[6]!.slice(1)
  hex[8] = ((parseInt(hex[8]!, 16) & 0x3f) | 0x80).toString(16)
  const s = hex.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
}

export function createIdSource (opts: { seed?: number | undefined, node?: number } = {}): IdSource {
  const node = opts.node ?? 0
  const seed = opts.seed
  let random = seed === undefined ? undefined : seededRandom(seed)
  let sequence = 0
  return {
    guid: () => `${random === undefined ? randomUUID() : uuidFrom(random)}.AgentGateway${node}`,
    callId: (nowMs) => `${seed === undefined ? Math.floor(nowMs / 1000) : SEEDED_CALL_SECONDS}-${++sequence}`,
    reset: () => {
      sequence = 0
      if (seed !== undefined) random = seededRandom(seed)
    }
  }
}
