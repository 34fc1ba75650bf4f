/**
 * Push deliveries kept in the journal's columns (src/domain/push/journal-columns.ts) read back as
 * the entries recorded, in order and numbered with the journal's other entries: bodies in the
 * buffer or, too long for a slot, as strings; wrapped slots, a trimmed journal, a cleared one.
 */
import fc from 'fast-check'
import t from 'tap'
import { Journal, type JournalEntry } from '../../src/domain/journal.js'
import { PushDelivery, type ShownUrl } from '../../src/domain/push/channel.js'
import { BODY_SLOT_BYTES, PushJournalColumns } from '../../src/domain/push/journal-columns.js'

const shown: ShownUrl = { url: 'http://127.0.0.1:9/cb?x=1', path: '/cb', query: { x: '1' } }

function delivery (i: number, raw: string, ok = true): PushDelivery {
  return new PushDelivery(`10${i % 7}`, shown, Date.UTC(2026, 10, 30) + i * 1.5, raw, 1 + (i % 3), ok ? 200 : 503, ok ? '0' : undefined, ok ? undefined : 'HTTP 503', 1234 + i, i % 5 === 0 ? 'rule-x' : undefined)
}

function request (i: number): JournalEntry {
  return { seq: 0, time: i, method: 'POST', path: '/agentgateway/resource/onlineagent/1001/sayfree', query: {}, operation: 'sayFree', agent: '1001', status: 200, retcode: '0', durationMs: 1, rule: undefined, body: { i } }
}

const plain = (e: JournalEntry): unknown => JSON.parse(JSON.stringify(e))
const body = (n: number, ch = 'a'): string => JSON.stringify({ workNo: '1001', eventList: [{ eventType: 'X', content: ch.repeat(n) }] })

t.test('each delivery reads back as recorded, numbered in turn with the requests', async (t) => {
  const journal = new Journal(50)
  const columns = new PushJournalColumns(journal)
  const recorded: JournalEntry[] = []
  const bodies = [
    body(10),
    body(BODY_SLOT_BYTES), // longer than a slot: kept as a string
    body(120, '坐席'), // under a slot in characters, over it in UTF-8 bytes
    body(BODY_SLOT_BYTES - 66, 'b'), // 508 bytes: the longest kept in the buffer
    body(BODY_SLOT_BYTES - 62, 'c'), // 512 bytes: fills the slot, so it may have been cut; kept as a string
    body(100, 'é')
  ]
  bodies.forEach((raw, i) => {
    const r = request(i)
    journal.record(r)
    recorded.push(r)
    const d = delivery(i, raw, i !== 2)
    columns.keep(d)
    d.seq = journal.lastSeq
    recorded.push(d)
  })
  const all = journal.all()
  t.strictSame(all.map(plain), recorded.map(plain))
  t.strictSame(all.map(e => e.seq), recorded.map((_, i) => i + 1), 'numbered 1, 2, 3… across both kinds')
  t.strictSame(all.filter(e => e.operation === 'pushEvent').map(e => (e as PushDelivery).raw), bodies, 'the exact bodies')
  // The deliveries are entries 2, 4, … 12: their slots.
  const bodyLength = (columns as unknown as { bodyLength: Int32Array }).bodyLength
  t.strictSame([2, 4, 6, 8, 10, 12].map(slot => bodyLength[slot]), [Buffer.byteLength(bodies[0]!), -1, -1, 508, -1, Buffer.byteLength(bodies[5]!)], 'in the buffer, or as strings (-1)')
})

t.test('like the journal of the entries themselves, through grown and wrapped slots, byte trims and clears', async (t) => {
  const op = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('push' as const), n: fc.nat({ max: 700 }), wide: fc.boolean() }), weight: 30 },
    { arbitrary: fc.constant({ kind: 'request' as const }), weight: 10 },
    { arbitrary: fc.constant({ kind: 'clear' as const }), weight: 1 }
  )
  fc.assert(fc.property(fc.integer({ min: 1, max: 150 }), fc.integer({ min: 300, max: 60000 }), fc.array(op, { maxLength: 400, size: 'max' }), (cap, totalBytes, ops) => {
    const flat = new Journal(cap, totalBytes)
    const columns = new PushJournalColumns(flat)
    const objects = new Journal(cap, totalBytes)
    ops.forEach((o, i) => {
      if (o.kind === 'clear') { flat.clear(); objects.clear() } else if (o.kind === 'request') { flat.record(request(i)); objects.record(request(i)) } else {
        const d = delivery(i, body(o.n, o.wide ? 'ü' : 'a'))
        columns.keep(d)
        objects.record(d, 0)
      }
    })
    return JSON.stringify(flat.all()) === JSON.stringify(objects.all()) && flat.keptBytes === objects.keptBytes
  }), { seed: 12, numRuns: 200 })
})

t.test('a journal too large for the body buffer keeps bodies as strings; columns grow with use', async (t) => {
  const journal = new Journal(1000000)
  const columns = new PushJournalColumns(journal)
  for (let i = 0; i < 3; i++) columns.keep(delivery(i, body(i)))
  const inside = columns as unknown as { bodies: Buffer | undefined, seq: Float64Array, refs: unknown[] }
  t.equal(inside.bodies, undefined, 'no buffer')
  t.equal(inside.seq.length, 64, 'a million entries allowed, 64 slots made for 3')
  t.equal(inside.refs.length, 6 * 64)
  t.strictSame(journal.all().map(e => (e as PushDelivery).raw), [body(0), body(1), body(2)])
})

t.test('entries trimmed by the byte bound let go of their strings; the columns never pass what the bound can keep', async (t) => {
  // 10 entries allowed, but at most 4 fit in the bytes (each costs 256 + its path's 3).
  const journal = new Journal(10, 4 * 259)
  const columns = new PushJournalColumns(journal)
  t.equal(journal.columnSlots, 4)
  for (let i = 0; i < 9; i++) columns.keep(delivery(i, body(BODY_SLOT_BYTES + i)))
  t.strictSame(journal.all().map(e => e.seq), [6, 7, 8, 9])
  const inside = columns as unknown as { refs: unknown[], seq: Float64Array }
  t.equal(inside.seq.length, 4, 'four slots')
  t.equal(inside.refs.filter(r => typeof r === 'string' && r.startsWith('{')).length, 4, 'the bodies of the four kept, no other')

  const wide = new Journal(20, 10 * 259)
  const wideColumns = new PushJournalColumns(wide)
  for (let i = 0; i < 10; i++) wideColumns.keep(delivery(i, body(BODY_SLOT_BYTES + i)))
  // A request costing 5 × 259 bytes (256 + its path's 47 + 992 of body): five deliveries make room.
  wide.record(request(10), 992)
  t.equal(wide.size, 6)
  const refs = (wideColumns as unknown as { refs: unknown[] }).refs
  t.equal(refs.filter(r => typeof r === 'string' && r.startsWith('{')).length, 5, 'the five deliveries left keep their bodies, the five trimmed none')
})

t.test('the journal off keeps nothing; a cleared one lets go of what it held', async (t) => {
  const off = new Journal(0)
  new PushJournalColumns(off).keep(delivery(1, body(1)))
  t.equal(off.size, 0)

  const journal = new Journal(4)
  const columns = new PushJournalColumns(journal)
  const error = `HTTP ${'5'.repeat(3)}`
  columns.keep(new PushDelivery('1001', shown, 1, body(BODY_SLOT_BYTES * 2), 1, 503, undefined, error, 1, undefined))
  journal.clear()
  t.strictSame(journal.all(), [])
  t.notOk((columns as unknown as { refs: unknown[] }).refs.some(r => r !== undefined), 'no string held')
  columns.keep(delivery(2, body(2)))
  t.strictSame(journal.all().map(e => e.seq), [2], 'numbering goes on')
})

t.test('one column store per journal', async (t) => {
  const journal = new Journal(4)
  new PushJournalColumns(journal).keep(delivery(1, body(1)))
  t.throws(() => { new PushJournalColumns(journal).keep(delivery(2, body(2))) }, /another column store/)
})
