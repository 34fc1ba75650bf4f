/**
 * DeadlineQueue: many deadlines on one clock timer (the push hub's retries and POST timeouts).
 * Deadlines are on the clock's monotonic time, so a wall clock that steps moves none of them.
 */
import t from 'tap'
import { ManualClock, type Clock } from '../../src/domain/clock.js'
import { DeadlineQueue } from '../../src/domain/deadlines.js'

/** An item of a DeadlineQueue: its name, and the field the queue marks. */
interface Item { name: string, mark: number }
const items = new Map<string, Item>()
/** The item called `name` (one object per name). */
const it = (name: string): Item => { let i = items.get(name); if (i === undefined) items.set(name, i = { name, mark: 0 }); return i }
t.beforeEach(() => { items.clear() })

/** A manual clock whose wall time steps by `step` ms; its timers and monotonic time do not. */
function steppingClock (): { clock: Clock, manual: ManualClock, step: (ms: number) => void } {
  const manual = new ManualClock()
  let shift = 0
  const clock: Clock = { now: () => manual.now() + shift, monotonic: () => manual.now(), setTimer: (ms, fn) => manual.setTimer(ms, fn) }
  return { clock, manual, step: (ms) => { shift += ms } }
}

t.test('each item falls due its delay after it was added, in order, on one timer', async (t) => {
  const manual = new ManualClock()
  const fired: Array<[string, number]> = []
  const q = new DeadlineQueue<'mark', Item>(manual, 100, 'mark', ({ name: s }) => { fired.push([s, manual.now() - Date.UTC(2026, 0, 1)]) })
  q.add(it('a'))
  manual.advance(30)
  q.add(it('b'))
  q.add(it('c'))
  t.equal(manual.pending(), 1, 'one timer for three deadlines')
  manual.advance(69)
  t.strictSame(fired, [])
  manual.advance(1)
  t.strictSame(fired, [['a', 100]])
  manual.advance(30)
  t.strictSame(fired, [['a', 100], ['b', 130], ['c', 130]])
  t.equal(q.size, 0)
  t.equal(manual.pending(), 0, 'no timer left once the queue is empty')
})

t.test('a deleted item never falls due; one added again counts from then', async (t) => {
  const manual = new ManualClock()
  const fired: string[] = []
  const q = new DeadlineQueue<'mark', Item>(manual, 100, 'mark', ({ name: s }) => { fired.push(s) })
  q.add(it('a'))
  q.add(it('b'))
  q.delete(it('a'))
  manual.advance(50)
  q.add(it('b'))
  manual.advance(100)
  t.strictSame(fired, ['b'])
  manual.advance(1000)
  t.strictSame(fired, ['b'], 'once')
})

t.test('a wall clock stepping back or forward moves no deadline', async (t) => {
  for (const stepMs of [-8000, 6000]) {
    const { clock, manual, step } = steppingClock()
    const start = manual.now()
    const fired: Array<[string, number]> = []
    const q = new DeadlineQueue<'mark', Item>(clock, 10000, 'mark', ({ name: s }) => { fired.push([s, manual.now() - start]) })
    q.add(it('a'))
    manual.advance(1000)
    step(stepMs)
    q.add(it('b'))
    manual.advance(20000)
    t.strictSame(fired, [['a', 10000], ['b', 11000]], `wall clock stepped by ${stepMs} ms`)
  }
})

t.test('items added while items fall due are timed from then; one that throws does not stop the rest for good', async (t) => {
  const manual = new ManualClock()
  const fired: Array<[string, number]> = []
  const q = new DeadlineQueue<'mark', Item>(manual, 100, 'mark', ({ name: s }) => {
    fired.push([s, manual.now() - Date.UTC(2026, 0, 1)])
    if (s === 'a') q.add(it('a2'))
    if (s === 'b') throw new Error('boom')
  })
  q.add(it('a'))
  q.add(it('b'))
  q.add(it('c'))
  t.throws(() => { manual.advance(100) }, /boom/)
  t.strictSame(fired, [['a', 100], ['b', 100]])
  manual.advance(1)
  t.strictSame(fired, [['a', 100], ['b', 100], ['c', 100]], 'c went on the next turn of the clock, still at its time')
  manual.advance(99)
  t.strictSame(fired.at(-1), ['a2', 200])
  q.add(it('d'))
  q.clear()
  manual.advance(1000)
  t.equal(fired.length, 4, 'nothing after clear')
  t.equal(manual.pending(), 0)
})

t.test('items deleted in the order they were added leave no entry behind (a POST answered before its timeout)', async (t) => {
  const manual = new ManualClock()
  const fired: string[] = []
  const q = new DeadlineQueue<'mark', Item>(manual, 10000, 'mark', ({ name }) => { fired.push(name) })
  const slots = (): number => (q as unknown as { dues: Float64Array }).dues.length
  for (let n = 0; n < 100000; n++) {
    const item = it(`p${n % 64}`)
    if (n >= 64) q.delete(item)
    q.add(item)
    if (n % 1000 === 0) manual.advance(1)
  }
  t.equal(q.size, 64)
  t.ok(slots() <= 128, `${slots()} slots for 64 items after 100,000 adds`)
  const hung = it('hung')
  q.add(hung)
  for (let n = 0; n < 1000; n++) { const item = it(`p${n % 64}`); q.delete(item); q.add(item) }
  t.equal(q.size, 65)
  t.ok(slots() <= 2048, 'behind an item that stays, entries wait for it: at most what is added in one delay')
  q.delete(hung)
  manual.advance(10000)
  t.equal(fired.length, 64, 'the 64 items left fall due; the deleted one does not')
  t.notOk(fired.includes('hung'))
  t.equal(q.size, 0)
  t.equal(manual.pending(), 0)
})
