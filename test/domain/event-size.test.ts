/**
 * contentBytesToMeasure: an injected event's content is measured only when its JSON may reach
 * MEASURED_FROM; a walk that stops there decides without serialising. It must never call a
 * large content small.
 */
import fc from 'fast-check'
import t from 'tap'
import { contentBytes, contentBytesToMeasure, MEASURED_FROM } from '../../src/domain/event-size.js'

const agrees = (v: unknown): boolean => {
  const r = contentBytesToMeasure(v)
  return r === 0 ? contentBytes(v) < MEASURED_FROM : r === contentBytes(v)
}

t.test('0 only for content whose JSON is under MEASURED_FROM, else its exact size', async (t) => {
  fc.assert(fc.property(fc.jsonValue(), agrees), { numRuns: 2000 })
  // Strings of characters JSON escapes (up to 6 bytes each), around the threshold.
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', '"', '\\', '\u0001', '\n', 'é', '\ud83d\ude00'), maxLength: 1200 }), s => agrees(s) && agrees({ s }) && agrees([s, s])), { numRuns: 1000 })
  t.pass('fast-check found no counter-example')
})

t.test('small plain content is 0; large content, and what the walk does not cover, is measured exactly', async (t) => {
  t.equal(contentBytesToMeasure({ s: 1, t: 1790000000000.123 }), 0)
  // The longest a number is as JSON: 25 characters, 40 of them 1,041 bytes with the commas.
  const longNumbers = JSON.parse(`[${Array(40).fill('-0.0000012345678901234567').join(',')}]`) as number[]
  t.equal(JSON.stringify(longNumbers).length, 1041)
  t.equal(contentBytesToMeasure(longNumbers), 1041, 'numbers of 25 characters: measured')
  fc.assert(fc.property(fc.array(fc.double(), { maxLength: 60 }), agrees), { numRuns: 1000 })
  t.equal(contentBytesToMeasure(null), 0)
  const big = { text: 'x'.repeat(2000) }
  t.equal(contentBytesToMeasure(big), JSON.stringify(big).length)
  const escaped = '\u0001'.repeat(200)
  t.equal(contentBytesToMeasure(escaped), JSON.stringify(escaped).length, '1,202 bytes as JSON for 200 characters')
  t.equal(contentBytesToMeasure('\u0001'.repeat(100)), 0, 'at most 602 bytes for 100 characters')
  const withToJson = { toJSON: () => 'y'.repeat(5000) }
  t.equal(contentBytesToMeasure(withToJson), 5002, 'toJSON: measured')
  t.equal(contentBytesToMeasure({ when: new Date(0) }), JSON.stringify({ when: new Date(0) }).length, 'a Date (toJSON): measured exactly')
  t.equal(contentBytesToMeasure([{ a: [{ b: 'z'.repeat(1100) }] }]), JSON.stringify([{ a: [{ b: 'z'.repeat(1100) }] }]).length, 'deep')
})
