/** Median with min–max over repetitions, and percentiles of latency samples. */

export interface Spread { median: number, min: number, max: number }

export function spread (values: number[]): Spread {
  const v = values.filter(x => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN }
  const mid = Math.floor(v.length / 2)
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2
  return { median, min: v[0]!, max: v[v.length - 1]! }
}

/** Nearest-rank percentile of unsorted samples (p in 0–100). */
export function percentile (samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const v = [...samples].sort((a, b) => a - b)
  const rank = Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))
  return v[rank]!
}

/** Spread of each numeric field over a list of per-repetition records. */
export function spreadOf<K extends string> (reps: Array<Record<K, number>>, keys: readonly K[]): Record<K, Spread> {
  const out = {} as Record<K, Spread>
  for (const k of keys) out[k] = spread(reps.map(r => r[k]))
  return out
}

export function round (x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x
  const f = 10 ** digits
  return Math.round(x * f) / f
}
