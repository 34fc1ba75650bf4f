/**
 * Push deliveries in the journal, kept in columns (docs/decisions.md, "A push's journal entry in
 * columns"): numbers in typed arrays, strings the channel already holds (agent id, shown URL,
 * rule) in one array, and the POST's body as UTF-8 bytes in a slot of one buffer — so a POST
 * leaves nothing young behind in the journal, where each entry lives past the young generation.
 * Bodies too long for a slot, and the rare answer other than retcode "0" or an error, are kept
 * as strings. The journal entry (a PushDelivery) is made again when the journal is read.
 */
import type { ColumnStore, Journal, JournalEntry } from '../journal.js'
import { PushDelivery, type ShownUrl } from './channel.js'

/** Bytes of body kept in the buffer per slot; a longer body is kept as a string. */
export const BODY_SLOT_BYTES = 512
/** A journal with more column slots keeps bodies as strings (the buffer would be over 8 MiB). */
const MAX_BODY_SLOTS = 16384
/** `refs` per slot: agent id, shown URL, retcode, error, rule, body (when not in the buffer). */
const REFS = 6

/** Slots the columns start with; they grow by doubling up to the journal's `columnSlots`. */
const FIRST_SLOTS = 64

export class PushJournalColumns implements ColumnStore {
  private seq = new Float64Array(0)
  private time = new Float64Array(0)
  private events = new Int32Array(0)
  private status = new Int32Array(0)
  private hundredths = new Float64Array(0)
  /** The body's length in `bodies` (-1: the body is the string in refs). */
  private bodyLength = new Int32Array(0)
  private refs: unknown[] = []
  /** Undefined past MAX_BODY_SLOTS. */
  private bodies: Buffer | undefined

  constructor (private readonly journal: Journal) {}

  /** Journal `d` (a no-op when the journal is off). */
  keep (d: PushDelivery): void {
    const slot = this.journal.reserve(this, d.shown.path.length)
    if (slot < 0) return
    if (slot >= this.seq.length) this.grow(slot)
    this.seq[slot] = this.journal.lastSeq
    this.time[slot] = d.time
    this.events[slot] = d.events
    this.status[slot] = d.status
    this.hundredths[slot] = d.hundredths
    const r = REFS * slot
    const refs = this.refs
    refs[r] = d.agentId
    refs[r + 1] = d.shown
    // "0", every delivered POST's answer, as the constant: the receiver's text would be promoted with the entry.
    refs[r + 2] = d.answered === '0' ? '0' : d.answered
    refs[r + 3] = d.error
    refs[r + 4] = d.rule
    const raw = d.raw
    const bodies = this.bodies
    let written = -1
    if (bodies !== undefined && raw.length <= BODY_SLOT_BYTES) {
      written = bodies.write(raw, slot * BODY_SLOT_BYTES, BODY_SLOT_BYTES, 'utf8')
      // Whole unless it filled the slot to within a character's bytes (then it may have been cut).
      if (written > BODY_SLOT_BYTES - 4) written = -1
    }
    this.bodyLength[slot] = written
    refs[r + 5] = written < 0 ? raw : undefined
  }

  read (slot: number): JournalEntry {
    const r = REFS * slot
    const refs = this.refs
    const n = this.bodyLength[slot]!
    const raw = n < 0 ? refs[r + 5] as string : this.bodies!.toString('utf8', slot * BODY_SLOT_BYTES, slot * BODY_SLOT_BYTES + n)
    const d = new PushDelivery(refs[r] as string, refs[r + 1] as ShownUrl, this.time[slot]!, raw, this.events[slot]!, this.status[slot]!,
      refs[r + 2] as string | undefined, refs[r + 3] as string | undefined, this.hundredths[slot]!, refs[r + 4] as string | undefined)
    d.seq = this.seq[slot]!
    return d
  }

  drop (slot: number): void { this.refs.fill(undefined, REFS * slot, REFS * slot + REFS) }

  clear (): void { this.refs.fill(undefined) }

  /** Room for `slot`: double (at least), up to the journal's `columnSlots`. */
  private grow (slot: number): void {
    const n = Math.min(this.journal.columnSlots, Math.max(slot + 1, FIRST_SLOTS, 2 * this.seq.length))
    const wider = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => { const a = make(n); a.set(old); return a }
    this.seq = wider(this.seq, k => new Float64Array(k))
    this.time = wider(this.time, k => new Float64Array(k))
    this.hundredths = wider(this.hundredths, k => new Float64Array(k))
    this.events = wider(this.events, k => new Int32Array(k))
    this.status = wider(this.status, k => new Int32Array(k))
    this.bodyLength = wider(this.bodyLength, k => new Int32Array(k))
    const refs = this.refs
    this.refs = new Array<unknown>(REFS * n).fill(undefined)
    for (let i = 0; i < refs.length; i++) this.refs[i] = refs[i]
    if (this.journal.columnSlots <= MAX_BODY_SLOTS) {
      const bodies = Buffer.alloc(n * BODY_SLOT_BYTES)
      this.bodies?.copy(bodies)
      this.bodies = bodies
    }
  }
}
