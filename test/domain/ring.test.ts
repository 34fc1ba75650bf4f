/** The bounded ring behind the journal and the event queues (issue #16): a FIFO that really forgets. */
import fc from 'fast-check'
import t from 'tap'
import { Ring } from '../../src/domain/ring.js'

t.test('behaves like an array that drops its oldest item beyond the capacity', async (t) => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.oneof(fc.integer(), fc.constant('shift'), fc.constant('clear')), { maxLength: 300 }), (cap, ops) => {
    const ring = new Ring<number>(cap)
    let model: number[] = []
    for (const op of ops) {
      if (op === 'shift') { if (ring.shift() !== model.shift()) return false } else if (op === 'clear') { ring.clear(); model = [] } else {
        const evicted = ring.push(op)
        const expected = model.length === cap ? model.shift() : undefined
        model.push(op)
        if (evicted !== expected) return false
      }
      if (ring.length !== model.length || ring.first() !== model[0]) return false
    }
    return JSON.stringify(ring.toArray()) === JSON.stringify(model)
  }), { seed: 16, numRuns: 300 })
})

t.test('a removed item is no longer referenced', async (t) => {
  const ring = new Ring<object>(4)
  const gone = {}
  ring.push(gone)
  for (let i = 0; i < 10; i++) ring.push({})
  const slots = (ring as unknown as { slots: unknown[] }).slots
  t.notOk(slots.includes(gone), 'evicted: not in any slot')
  t.equal(slots.length, 4, 'never more slots than the capacity')
  const taken = {}
  ring.push(taken)
  while (ring.length > 0) ring.shift()
  t.notOk(slots.includes(taken), 'shifted: not in any slot')
  t.throws(() => new Ring(0))
})
