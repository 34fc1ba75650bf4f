/**
 * The per-agent event queue (spec §4.1): FIFO with a cap, and at most one held long poll that
 * receives an event instead of the queue, never as well as it.
 */
import t from 'tap'
import type { GatewayEvent } from '../../src/domain/events.js'
import { EventQueue, type Waiter } from '../../src/domain/event-queue.js'

const event = (n: number): GatewayEvent => ({ eventType: `E${n}`, workNo: '1001', content: n, genTime: n })
const names = (events: Array<GatewayEvent | undefined>): Array<string | undefined> => events.map(e => e?.eventType)

interface TestWaiter extends Waiter { got: Array<GatewayEvent | undefined>, live: boolean }

function waiter (live = true): TestWaiter {
  const w: TestWaiter = {
    got: [],
    live,
    alive: () => w.live,
    deliver: (e) => { w.got.push(e) }
  }
  return w
}

function queue (cap = 100): { q: EventQueue, dropped: GatewayEvent[] } {
  const dropped: GatewayEvent[] = []
  return { q: new EventQueue(cap, e => dropped.push(e)), dropped }
}

function takeAll (q: EventQueue): GatewayEvent[] {
  const out: GatewayEvent[] = []
  for (let e = q.take(); e !== undefined; e = q.take()) out.push(e)
  return out
}

t.test('events come out in the order they went in', async (t) => {
  const { q } = queue()
  t.equal(q.take(), undefined, 'empty queue gives nothing')
  for (const n of [1, 2, 3]) q.push(event(n))
  t.equal(q.length, 3)
  t.same(names(takeAll(q)), ['E1', 'E2', 'E3'])
  t.equal(q.length, 0)
  t.equal(q.take(), undefined)
})

t.test('at the cap the oldest event is dropped and reported', async (t) => {
  const { q, dropped } = queue(3)
  for (const n of [1, 2, 3, 4, 5]) q.push(event(n))
  t.equal(q.length, 3)
  t.same(names(dropped), ['E1', 'E2'])
  t.same(names(q.peek()), ['E3', 'E4', 'E5'])
})

t.test('a held poll gets the next event directly, and it is not queued', async (t) => {
  const { q } = queue()
  const w = waiter()
  q.hold(w)
  t.ok(q.holding)
  q.push(event(1))
  t.same(names(w.got), ['E1'])
  t.equal(q.length, 0, 'not queued as well')
  t.notOk(q.holding, 'the hold is over')
  q.push(event(2))
  t.same(names(w.got), ['E1'], 'a poll is answered once')
  t.same(names(q.peek()), ['E2'])
})

t.test('a held poll whose client has gone is skipped and the event is queued', async (t) => {
  const { q } = queue()
  const w = waiter(false)
  q.hold(w)
  q.push(event(1))
  t.same(w.got, [], 'nothing handed to a dead poll')
  t.same(names(q.peek()), ['E1'])
  t.notOk(q.holding)
})

t.test('a dead poll at the cap: the event is queued and the oldest dropped', async (t) => {
  const { q, dropped } = queue(2)
  q.push(event(1))
  q.push(event(2))
  q.hold(waiter(false))
  q.push(event(3))
  t.same(names(dropped), ['E1'])
  t.same(names(q.peek()), ['E2', 'E3'])
})

t.test('a new hold supersedes the previous one, which is answered with no event', async (t) => {
  const { q } = queue()
  const first = waiter()
  const second = waiter()
  q.hold(first)
  q.hold(second)
  t.same(first.got, [undefined], 'the first poll ends empty')
  q.push(event(1))
  t.same(names(second.got), ['E1'])
  t.same(first.got, [undefined], 'the first poll gets nothing more')
})

t.test('a superseded poll whose client has gone is not answered', async (t) => {
  const { q } = queue()
  const gone = waiter()
  q.hold(gone)
  gone.live = false
  q.hold(waiter())
  t.same(gone.got, [])
})

t.test('release forgets the held poll, but only if it is still the held one', async (t) => {
  const { q } = queue()
  const first = waiter()
  const second = waiter()
  q.hold(first)
  q.hold(second)
  q.release(first)
  t.ok(q.holding, 'releasing a superseded poll leaves the current one')
  q.release(second)
  t.notOk(q.holding)
  q.push(event(1))
  t.same(second.got, [], 'a released poll gets nothing')
  t.same(names(q.peek()), ['E1'])
})

t.test('wake ends the hold with no event', async (t) => {
  const { q } = queue()
  const w = waiter()
  q.hold(w)
  q.wake()
  t.same(w.got, [undefined])
  t.notOk(q.holding)
  q.wake()
  t.same(w.got, [undefined], 'waking with nobody held does nothing')
  const dead = waiter(false)
  q.hold(dead)
  q.wake()
  t.same(dead.got, [], 'a poll whose client has gone is not answered')
  t.notOk(q.holding)
})

t.test('peek shows the waiting events without draining them', async (t) => {
  const { q } = queue()
  q.push(event(1))
  q.push(event(2))
  t.same(names(q.peek()), ['E1', 'E2'])
  t.same(names(q.peek()), ['E1', 'E2'], 'peeking twice sees the same')
  q.peek().length = 0
  t.equal(q.length, 2, 'the peeked array is a copy')
  t.equal(q.take()?.eventType, 'E1')
  t.same(names(q.peek()), ['E2'])
})

t.test('clear empties the queue', async (t) => {
  const { q } = queue()
  q.push(event(1))
  q.clear()
  t.equal(q.length, 0)
  t.equal(q.take(), undefined)
})

t.test('order and length survive compaction after many takes', async (t) => {
  const { q, dropped } = queue(1000)
  for (let n = 0; n < 200; n++) q.push(event(n))
  for (let n = 0; n < 150; n++) t.equal(q.take()?.content, n, `take ${n}`)
  t.equal(q.length, 50)
  t.same(q.peek().map(e => e.content), Array.from({ length: 50 }, (_, i) => 150 + i))
  for (let n = 200; n < 300; n++) q.push(event(n))
  t.same(takeAll(q).map(e => e.content), Array.from({ length: 150 }, (_, i) => 150 + i))

  // Interleaved pushes and takes, past several compactions.
  let next = 1000
  let expected = 1000
  const out: number[] = []
  for (let round = 0; round < 500; round++) {
    for (let i = 0; i < 3; i++) q.push(event(next++))
    for (let i = 0; i < 2; i++) out.push(q.take()!.content as number)
  }
  for (const e of takeAll(q)) out.push(e.content as number)
  const bad = out.filter(n => n !== expected++)
  t.same(bad, [], 'every event once, in order')
  t.equal(out.length, 1500)
  t.same(dropped, [])
})

t.test('model: any mix of pushes and takes gives back exactly what a plain FIFO with the cap would (fields, times, order, drops)', async (t) => {
  const { default: fc } = await import('fast-check')
  fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.oneof(fc.constant('take'), fc.double({ noNaN: true })), { maxLength: 300 }), (cap, ops) => {
    const dropped: GatewayEvent[] = []
    const q = new EventQueue(cap, e => dropped.push(e))
    const model: GatewayEvent[] = []
    const modelDropped: GatewayEvent[] = []
    let n = 0
    for (const op of ops) {
      if (op === 'take') {
        const got = q.take()
        const want = model.shift()
        if (JSON.stringify(got) !== JSON.stringify(want) || got?.genTime !== want?.genTime) return false
      } else {
        const e: GatewayEvent = { eventType: `E${n}`, workNo: String(1000 + (n % 3)), content: n % 4 === 0 ? undefined : { n, op }, genTime: op }
        n++
        q.push(e)
        model.push(e)
        if (model.length > cap) modelDropped.push(model.shift()!)
      }
      if (q.length !== model.length) return false
    }
    return JSON.stringify(q.peek()) === JSON.stringify(model) && JSON.stringify(dropped) === JSON.stringify(modelDropped) && q.storage.held === model.length && q.storage.slots <= cap
  }), { numRuns: 500 })
  t.pass('fast-check found no counter-example')
})
