/**
 * ManualClock drives every timer in the tests, so its ordering rules are checked here: time order,
 * ties in creation order, timers scheduled while advancing, cancel, and where now() stands.
 */
import t from 'tap'
import { ManualClock, RealClock } from '../../src/domain/clock.js'
import { seededRandom } from '../../src/domain/ids.js'

const START = Date.UTC(2026, 0, 1)

t.test('ManualClock', async (t) => {
  t.test('starts at 2026-01-01 by default, or where it is told', async (t) => {
    t.equal(new ManualClock().now(), START)
    t.equal(new ManualClock(1000).now(), 1000)
  })

  t.test('fires due timers in time order, with now() at each due time', async (t) => {
    const clock = new ManualClock(0)
    const fired: Array<[string, number]> = []
    clock.setTimer(300, () => fired.push(['c', clock.now()]))
    clock.setTimer(100, () => fired.push(['a', clock.now()]))
    clock.setTimer(200, () => fired.push(['b', clock.now()]))
    clock.advance(300)
    t.same(fired, [['a', 100], ['b', 200], ['c', 300]])
  })

  t.test('timers due at the same time fire in creation order', async (t) => {
    const clock = new ManualClock(0)
    const fired: string[] = []
    for (const name of ['first', 'second', 'third', 'fourth']) clock.setTimer(50, () => fired.push(name))
    clock.setTimer(49, () => fired.push('earlier'))
    clock.advance(50)
    t.same(fired, ['earlier', 'first', 'second', 'third', 'fourth'])
  })

  t.test('many timers fire sorted by due time, then creation', async (t) => {
    const clock = new ManualClock(0)
    const random = seededRandom(42)
    const fired: Array<[number, number]> = []
    const expected: Array<[number, number]> = []
    for (let i = 0; i < 300; i++) {
      const at = Math.floor(random() * 50)
      expected.push([at, i])
      clock.setTimer(at, () => fired.push([clock.now(), i]))
    }
    clock.advance(50)
    expected.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    t.same(fired, expected)
  })

  t.test('a timer not yet due does not fire, and fires once its time comes', async (t) => {
    const clock = new ManualClock(0)
    let at = -1
    clock.setTimer(250, () => { at = clock.now() })
    clock.advance(100)
    clock.advance(100)
    t.equal(at, -1)
    t.equal(clock.pending(), 1)
    clock.advance(100)
    t.equal(at, 250, 'fired at its due time, not at the end of the window')
    t.equal(clock.now(), 300)
    t.equal(clock.pending(), 0)
  })

  t.test('a timer scheduled inside advance fires in the same advance when due within the window', async (t) => {
    const clock = new ManualClock(0)
    const fired: Array<[string, number]> = []
    clock.setTimer(100, () => {
      fired.push(['outer', clock.now()])
      clock.setTimer(50, () => fired.push(['inner', clock.now()]))
      clock.setTimer(0, () => fired.push(['immediate', clock.now()]))
      clock.setTimer(500, () => fired.push(['later', clock.now()]))
    })
    clock.setTimer(120, () => fired.push(['between', clock.now()]))
    clock.advance(200)
    t.same(fired, [['outer', 100], ['immediate', 100], ['between', 120], ['inner', 150]])
    t.equal(clock.pending(), 1, 'the one due after the window still waits')
    clock.advance(400)
    t.same(fired.at(-1), ['later', 600])
  })

  t.test('a cancelled timer never fires, even when cancelled by another timer at the same time', async (t) => {
    const clock = new ManualClock(0)
    const fired: string[] = []
    const a = clock.setTimer(10, () => fired.push('a'))
    const handles: Array<{ cancel(): void }> = []
    clock.setTimer(20, () => { fired.push('b'); handles[0]?.cancel() })
    handles.push(clock.setTimer(20, () => fired.push('c')))
    clock.setTimer(30, () => fired.push('d'))
    a.cancel()
    t.equal(clock.pending(), 3)
    clock.advance(100)
    t.same(fired, ['b', 'd'])
    t.equal(clock.pending(), 0)
    a.cancel()
    t.pass('cancelling twice, or after firing, is harmless')
  })

  t.test('now() ends at the target of advance, with or without timers', async (t) => {
    const clock = new ManualClock(0)
    clock.advance(1000)
    t.equal(clock.now(), 1000)
    clock.setTimer(10, () => {})
    clock.advance(500)
    t.equal(clock.now(), 1500)
    clock.advance(0)
    t.equal(clock.now(), 1500)
  })

  t.test('advance(0) fires timers due now; negative times count as zero', async (t) => {
    const clock = new ManualClock(0)
    const fired: string[] = []
    clock.setTimer(0, () => fired.push('zero'))
    clock.setTimer(-50, () => fired.push('negative'))
    clock.advance(0)
    t.same(fired, ['zero', 'negative'])
    clock.advance(-100)
    t.equal(clock.now(), 0, 'time never goes back')
  })
})

t.test('RealClock', async (t) => {
  t.test('now() is the wall clock', async (t) => {
    const before = Date.now()
    const now = new RealClock().now()
    t.ok(now >= before && now <= Date.now())
  })

  t.test('a timer fires, and a cancelled one does not', async (t) => {
    // RealClock's timers are unref'd (they never keep the process alive), so hold it open here.
    const keepAlive = setTimeout(() => {}, 5000)
    t.teardown(() => clearTimeout(keepAlive))
    const clock = new RealClock()
    let cancelledFired = false
    clock.setTimer(0, () => { cancelledFired = true }).cancel()
    const at = await new Promise<number>(resolve => clock.setTimer(0, () => resolve(clock.now())))
    t.ok(at > 0)
    await new Promise<void>(resolve => clock.setTimer(1, resolve))
    t.notOk(cancelledFired)
  })
})
