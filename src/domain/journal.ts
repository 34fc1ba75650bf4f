/**
 * The request journal (issue #5): a bounded ring buffer of every gateway request, for tests that
 * ask "what did my client send?" and WireMock-style verification. Entries never hold credentials:
 * GUIDs, cookies and passwords are not recorded.
 */

export interface JournalEntry {
  seq: number
  time: number
  method: string
  path: string
  query: Record<string, string>
  operation: string
  agent: string | undefined
  status: number
  retcode: string | undefined
  durationMs: number
  /** Name (or id) of the fault rule that matched, if any. */
  rule: string | undefined
  /** The request body with secrets removed and long strings cut. */
  body: unknown
}

export interface JournalQuery {
  agent?: string | undefined
  operation?: string | undefined
  method?: string | undefined
  path?: string | undefined
  retcode?: string | undefined
  status?: number | undefined
  since?: number | undefined
  until?: number | undefined
  /** Every key must equal the body's field (as strings). */
  body?: Record<string, unknown> | undefined
}

export interface VerifyRequest { match: JournalQuery, count?: number, atLeast?: number, atMost?: number }

export interface VerifyResult {
  ok: boolean
  expected: string
  actual: number
  /** When not ok: the closest entries and which criteria each one missed. */
  nearMisses: Array<{ entry: JournalEntry, mismatches: string[] }>
}

/** Compared lower-cased: `Guid`, `Password` and `JSESSIONID` are secrets too. */
const SECRET_KEYS = new Set(['password', 'guid', 'oldpassword', 'newpassword', 'servicetoken', 'jsessionid'])
const MAX_STRING = 256

export function scrubBody (body: unknown, depth = 0): unknown {
  if (depth > 4) return '[nested]'
  if (typeof body === 'string') return body.length > MAX_STRING ? `${body.slice(0, MAX_STRING)}…(${body.length} chars)` : body
  if (Array.isArray(body)) return body.slice(0, 20).map(b => scrubBody(b, depth + 1))
  if (body !== null && typeof body === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(body)) out[k] = SECRET_KEYS.has(k.toLowerCase()) ? '[redacted]' : scrubBody(v, depth + 1)
    return out
  }
  return body
}

export class Journal {
  private entries: JournalEntry[] = []
  private start = 0
  private seq = 0

  constructor (private capacity: number) {}

  get size (): number { return this.entries.length }
  get limit (): number { return this.capacity }

  /** Keeps `entry` itself (no copy) and numbers it: its `seq` is overwritten. */
  record (entry: JournalEntry): void {
    if (this.capacity <= 0) return
    entry.seq = ++this.seq
    if (this.entries.length < this.capacity) this.entries.push(entry)
    else {
      this.entries[this.start] = entry
      this.start = (this.start + 1) % this.capacity
    }
  }

  /** Oldest first. */
  all (): JournalEntry[] {
    return this.start === 0 ? [...this.entries] : [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)]
  }

  find (q: JournalQuery, limit = Infinity): JournalEntry[] {
    const out: JournalEntry[] = []
    for (const e of this.all()) {
      if (mismatches(e, q).length === 0) out.push(e)
      if (out.length >= limit) break
    }
    return out
  }

  count (q: JournalQuery): number { return this.find(q).length }

  clear (): void { this.entries = []; this.start = 0 }

  verify (v: VerifyRequest): VerifyResult {
    const actual = this.count(v.match)
    let ok = true
    const parts: string[] = []
    if (v.count !== undefined) { ok &&= actual === v.count; parts.push(`exactly ${v.count}`) }
    if (v.atLeast !== undefined) { ok &&= actual >= v.atLeast; parts.push(`at least ${v.atLeast}`) }
    if (v.atMost !== undefined) { ok &&= actual <= v.atMost; parts.push(`at most ${v.atMost}`) }
    if (parts.length === 0) { ok = actual >= 1; parts.push('at least 1') }
    const nearMisses = ok
      ? []
      : this.all()
        .map(entry => ({ entry, mismatches: mismatches(entry, v.match) }))
        .filter(m => m.mismatches.length > 0)
        .sort((a, b) => a.mismatches.length - b.mismatches.length || b.entry.seq - a.entry.seq)
        .slice(0, 5)
    return { ok, expected: parts.join(' and '), actual, nearMisses }
  }
}

/** Which criteria of `q` an entry does not meet, as readable sentences. */
export function mismatches (e: JournalEntry, q: JournalQuery): string[] {
  const out: string[] = []
  const eq = (name: string, want: unknown, got: unknown): void => {
    if (want !== undefined && String(want) !== String(got)) out.push(`${name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`)
  }
  eq('agent', q.agent, e.agent)
  eq('operation', q.operation, e.operation)
  eq('method', q.method?.toUpperCase(), e.method)
  eq('retcode', q.retcode, e.retcode)
  eq('status', q.status, e.status)
  if (q.path !== undefined && !e.path.includes(q.path)) out.push(`path: expected to contain ${JSON.stringify(q.path)}, got ${JSON.stringify(e.path)}`)
  if (q.since !== undefined && e.time < q.since) out.push(`time: before ${q.since}`)
  if (q.until !== undefined && e.time > q.until) out.push(`time: after ${q.until}`)
  if (q.body !== undefined) {
    const body = (e.body ?? {}) as Record<string, unknown>
    for (const [k, v] of Object.entries(q.body)) eq(`body.${k}`, v, body[k])
  }
  return out
}
