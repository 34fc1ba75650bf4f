/**
 * The request journal (issue #5): a bounded ring buffer of every gateway request, for tests that
 * ask "what did my client send?" and WireMock-style verification. Entries never hold credentials:
 * GUIDs, cookies and passwords are not recorded.
 */
import { Ring } from './ring.js'

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

/**
 * What the journal keeps (issue #16, finding 2): any client can send bodies, so each entry is cut
 * to a few kilobytes — depth, items, keys and string length bounded, and a byte budget over all
 * of it — and the whole journal to a total, oldest entries leaving first.
 */
export const JOURNAL_LIMITS = {
  depth: 4,
  items: 20,
  keys: 50,
  string: 256,
  /** About how many bytes of JSON one entry's body (and query) may keep. */
  entryBytes: 8192,
  /** About how many bytes all entries together may keep. */
  totalBytes: 32 * 1024 * 1024
}

/** What an entry costs besides its body: the fixed fields, path and strings. */
const ENTRY_OVERHEAD = 256

interface Budget { left: number }

/** The body with secrets removed, cut to the journal's limits; and about how many bytes it keeps. */
export function scrubSized (body: unknown): { value: unknown, bytes: number } {
  const budget: Budget = { left: JOURNAL_LIMITS.entryBytes }
  const value = scrub(body, 0, budget)
  return { value, bytes: JOURNAL_LIMITS.entryBytes - budget.left }
}

export function scrubBody (body: unknown): unknown { return scrubSized(body).value }

function scrub (body: unknown, depth: number, budget: Budget): unknown {
  if (depth > JOURNAL_LIMITS.depth) { budget.left -= 10; return '[nested]' }
  if (typeof body === 'string') {
    const kept = body.length > JOURNAL_LIMITS.string || body.length > budget.left ? `${body.slice(0, Math.max(0, Math.min(JOURNAL_LIMITS.string, budget.left)))}…(${body.length} chars)` : body
    budget.left -= kept.length + 2
    return kept
  }
  if (body === null || typeof body !== 'object') { budget.left -= 8; return body }
  budget.left -= 2
  if (Array.isArray(body)) {
    const out: unknown[] = []
    for (let i = 0; i < body.length && i < JOURNAL_LIMITS.items && budget.left > 0; i++) out.push(scrub(body[i], depth + 1, budget))
    if (out.length < body.length) { out.push(`…(${body.length - out.length} more items)`); budget.left -= 24 }
    return out
  }
  const out: Record<string, unknown> = {}
  let kept = 0
  let total = 0
  // for-in, not Object.entries: a body of 100,000 keys is not copied to keep 50 of them.
  for (const k in body) {
    if (!Object.hasOwn(body, k)) continue
    total++
    if (kept >= JOURNAL_LIMITS.keys || budget.left <= 0) continue
    kept++
    const key = k.length > JOURNAL_LIMITS.string ? `${k.slice(0, JOURNAL_LIMITS.string)}…` : k
    budget.left -= key.length + 4
    out[key] = SECRET_KEYS.has(k.toLowerCase()) ? '[redacted]' : scrub((body as Record<string, unknown>)[k], depth + 1, budget)
  }
  if (kept < total) { out['…'] = `${total - kept} more keys`; budget.left -= 24 }
  return out
}

/**
 * Entries kept in columns rather than as an object each (push deliveries, by the thousand a
 * second): the journal's ring holds their slot number, and `read` makes the entry when asked.
 * An object kept in the ring outlives the young generation, so every POST's entry would be
 * copied and promoted to the old heap, and collected there (docs/decisions.md, "A push's journal
 * entry in columns").
 */
export interface ColumnStore {
  /** The entry written in `slot` (see Journal.reserve). */
  read(slot: number): JournalEntry
  /** The entry in `slot` left the journal: let go of what it holds. */
  drop(slot: number): void
  /** The journal was emptied: let go of what the columns hold. */
  clear(): void
}

export class Journal {
  private entries: Ring<JournalEntry | number> | undefined
  /**
   * What each entry keeps, in bytes, side by side with `entries` (the same pushes and shifts):
   * a small integer each, not a wrapper object per entry — push deliveries failing by the
   * thousand a second are journalled, and whatever an entry holds is old-generation garbage soon.
   */
  private sizes: Ring<number> | undefined
  /** The store whose entries the ring holds as slot numbers. */
  private columns: ColumnStore | undefined
  private bytes = 0
  private seq = 0
  /**
   * Slots a column store needs: no more entries than this are ever kept at once (each costs at
   * least ENTRY_OVERHEAD of totalBytes), and kept entries have consecutive numbers.
   */
  readonly columnSlots: number

  constructor (private capacity: number, private readonly totalBytes = JOURNAL_LIMITS.totalBytes) {
    this.columnSlots = Math.max(1, Math.min(capacity, Math.floor(totalBytes / ENTRY_OVERHEAD)))
    this.entries = capacity > 0 ? new Ring<JournalEntry | number>(capacity) : undefined
    this.sizes = capacity > 0 ? new Ring<number>(capacity) : undefined
  }

  get size (): number { return this.entries?.length ?? 0 }
  get limit (): number { return this.capacity }
  /** About how many bytes the entries keep (bounded by totalBytes). */
  get keptBytes (): number { return this.bytes }
  /** The number of the last entry recorded (reserved). */
  get lastSeq (): number { return this.seq }

  /**
   * Keeps `entry` itself (no copy) and numbers it: its `seq` is overwritten. `bodyBytes` is what
   * its body and query keep (from scrubSized); the oldest entries leave to stay within totalBytes.
   */
  record (entry: JournalEntry, bodyBytes = 0): void {
    if (this.entries === undefined) return
    entry.seq = this.seq + 1
    this.keep(entry, ENTRY_OVERHEAD + entry.path.length + bodyBytes)
  }

  /**
   * Numbers an entry that `store` keeps in its columns (`lastSeq` is its number) and returns the
   * slot to write it in: its number modulo `columnSlots`. The ring holds that many numbers at
   * most, consecutive, so no two entries kept share a slot. -1: the journal is off.
   * `bytes` is what the entry keeps. One store per journal.
   */
  reserve (store: ColumnStore, bytes: number): number {
    if (this.entries === undefined) return -1
    if (this.columns !== store) {
      if (this.columns !== undefined) throw new Error('the journal has another column store')
      this.columns = store
    }
    const slot = (this.seq + 1) % this.columnSlots
    this.keep(slot, ENTRY_OVERHEAD + bytes)
    return slot
  }

  private keep (entry: JournalEntry | number, bytes: number): void {
    const ring = this.entries!
    const sizes = this.sizes!
    this.seq++
    this.bytes += bytes
    this.left(ring.push(entry))
    const evicted = sizes.push(bytes)
    if (evicted !== undefined) this.bytes -= evicted
    while (this.bytes > this.totalBytes && ring.length > 1) {
      this.left(ring.shift())
      this.bytes -= sizes.shift()!
    }
  }

  /** An entry left the ring: one kept in columns lets go of what it holds there. */
  private left (entry: JournalEntry | number | undefined): void {
    if (typeof entry === 'number') this.columns?.drop(entry)
  }

  /** Oldest first. */
  all (): JournalEntry[] {
    if (this.entries === undefined) return []
    const all = this.entries.toArray()
    const columns = this.columns
    const out = new Array<JournalEntry>(all.length)
    for (let i = 0; i < all.length; i++) {
      const e = all[i]!
      out[i] = typeof e === 'number' ? columns!.read(e) : e
    }
    return out
  }

  /** Matching entries, oldest or newest first; `limit` keeps the first ones in that order. */
  find (q: JournalQuery, limit = Infinity, order: 'oldest' | 'newest' = 'oldest'): JournalEntry[] {
    const out: JournalEntry[] = []
    const all = this.all()
    if (order === 'newest') all.reverse()
    for (const e of all) {
      if (mismatches(e, q).length === 0) out.push(e)
      if (out.length >= limit) break
    }
    return out
  }

  count (q: JournalQuery): number { return this.find(q).length }

  clear (): void { this.entries?.clear(); this.sizes?.clear(); this.columns?.clear(); this.bytes = 0 }

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
        .filter(entry => sameRequest(entry, v.match))
        .map(entry => ({ entry, mismatches: mismatches(entry, v.match) }))
        .filter(m => m.mismatches.length > 0)
        .sort((a, b) => a.mismatches.length - b.mismatches.length || b.entry.seq - a.entry.seq)
        .slice(0, 5)
    return { ok, expected: parts.join(' and '), actual, nearMisses }
  }
}

/**
 * A near miss is the request asked about, gone wrong in its details (agent, body, retcode, time):
 * it has the operation, method and path asked for (compared ignoring case, so a misspelt case
 * still shows the requests meant). Other operations are not near misses (issue #14 bug 6).
 */
function sameRequest (e: JournalEntry, q: JournalQuery): boolean {
  const lower = (v: unknown): string => String(v).toLowerCase()
  return (q.operation === undefined || lower(q.operation) === lower(e.operation)) &&
    (q.method === undefined || lower(q.method) === lower(e.method)) &&
    (q.path === undefined || lower(e.path).includes(lower(q.path)))
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
