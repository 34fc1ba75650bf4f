/**
 * Issue #16, finding 4: `--queue-cap` did not bound memory — dropping the oldest event moved an
 * index but kept the event, so an agent that never polls kept every injected event (1 MB events
 * with a cap of 10 reached 4 GB). Queues are now ring buffers, bounded in bytes of content too,
 * and the per-agent history the control API shows is bounded in bytes as well as in count.
 */
import t from 'tap'
import { EventQueue } from '../../src/domain/event-queue.js'
import { measure } from '../../src/domain/event-size.js'
import type { GatewayEvent } from '../../src/domain/events.js'
import { HISTORY_LIMITS } from '../../src/domain/simulator.js'
import { admin, build, signIn } from '../helper.js'

t.test('an agent that never polls, under injection of 900 KB events: queue and history stay bounded', async (t) => {
  const { app } = await build(t, { queueCap: 10, bodyLimit: 2 * 1024 * 1024 })
  await signIn(app, '1001')
  const big = 'x'.repeat(900 * 1024)
  for (let i = 0; i < 60; i++) {
    const res = await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: `Big_${i}`, content: { blob: big } })
    t.equal(res.statusCode, 200)
  }
  const agent = app.simulator.agents.get('1001')!
  t.equal(agent.queue.length, 10, 'the cap holds')
  t.ok(agent.queue.storage.slots <= 10, 'and no dropped event is kept behind it')
  t.equal(agent.queue.storage.held, 10)
  t.ok(agent.queue.size <= 10 * 901 * 1024, `${agent.queue.size} bytes queued`)
  t.same((await admin(app, 'GET', '/__mock/agents/1001/events')).json().events.map((e: GatewayEvent) => e.eventType), Array.from({ length: 10 }, (_, i) => `Big_${50 + i}`), 'the newest ten')
  const history = app.simulator.historyOf('1001')
  const historyBytes = JSON.stringify(history).length
  t.ok(historyBytes <= HISTORY_LIMITS.agentBytes, `history keeps ${history.length} events, ${historyBytes} bytes`)
  t.equal(history.at(-1)?.eventType, 'Big_59', 'the newest is kept')
})

t.test('a queue drops its oldest events when their content passes its byte bound', async (t) => {
  const dropped: string[] = []
  const q = new EventQueue(1000, e => dropped.push(e.eventType), 10_000)
  const ev = (n: number, bytes: number): GatewayEvent => measure({ eventType: `E${n}`, workNo: '1', content: null, genTime: n }, bytes)
  for (let n = 1; n <= 5; n++) q.push(ev(n, 3000))
  t.equal(q.length, 3, 'three of 3000 bytes fit in 10,000')
  t.same(dropped, ['E1', 'E2'])
  t.equal(q.size, 9000)
  for (let n = 6; n <= 105; n++) q.push(ev(n, 0))
  t.equal(q.length, 103, 'small events are bounded by the count only')
  t.equal(q.take()?.eventType, 'E3')
  t.equal(q.size, 6000)
  q.push(ev(200, 50_000))
  t.equal(q.peek().at(-1)?.eventType, 'E200', 'one event larger than the bound is still queued, alone')
  t.equal(q.length, 1)
  q.clear()
  t.equal(q.size, 0)
})

/** A mock whose history bounds are `limits` for this test (the bounds are module-wide: put back after). */
async function withLimits (t: Parameters<typeof build>[0], limits: Partial<typeof HISTORY_LIMITS>, opts: Parameters<typeof build>[1] = {}): Promise<Awaited<ReturnType<typeof build>>['app']> {
  const { app } = await build(t, opts)
  const saved = { ...HISTORY_LIMITS }
  t.teardown(() => { Object.assign(HISTORY_LIMITS, saved) })
  Object.assign(HISTORY_LIMITS, limits)
  return app
}

t.test('histories over many agents stay within the total', async (t) => {
  const app = await withLimits(t, { totalBytes: 3 * 1024 * 1024 }, { bodyLimit: 2 * 1024 * 1024 })
  const big = 'y'.repeat(700 * 1024)
  for (const id of ['1001', '1002', '1003']) {
    await signIn(app, id)
    for (let i = 0; i < 3; i++) await admin(app, 'POST', `/__mock/agents/${id}/events`, { eventType: 'Big', content: big })
  }
  const kept = ['1001', '1002', '1003'].map(id => JSON.stringify(app.simulator.historyOf(id)).length)
  t.ok(kept.reduce((a, b) => a + b, 0) <= 3 * 1024 * 1024 + 64 * 1024, `kept ${kept.join(' + ')} bytes`)
  t.ok(app.simulator.historyOf('1003').some(e => e.eventType === 'Big'), 'the newest agent keeps its events')
})

t.test('an agent whose history was let go (over the agents bound) while signed in is remembered afresh', async (t) => {
  const app = await withLimits(t, { agents: 2 })
  for (const id of ['1001', '1002', '1003']) await signIn(app, id)
  t.same(app.simulator.historyOf('1001'), [], 'the longest remembered went first')
  t.ok(app.simulator.historyOf('1003').length > 0)
  t.equal((await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: 'After', content: { n: 1 } })).statusCode, 200)
  t.same(app.simulator.historyOf('1001').map(e => e.eventType), ['After'], 'its new event is in the history again')
  t.same(app.simulator.historyOf('1002'), [], 'and the next longest remembered made room')
  t.equal((await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: 'Again', content: null })).statusCode, 200)
  t.same(app.simulator.historyOf('1001').map(e => e.eventType), ['After', 'Again'])
})

t.test('a history let go over the total bound keeps no events behind its agent\'s reference', async (t) => {
  const app = await withLimits(t, { totalBytes: 2 * 1024 * 1024 }, { bodyLimit: 2 * 1024 * 1024 })
  const big = 'z'.repeat(700 * 1024)
  for (const id of ['1001', '1002', '1003']) {
    await signIn(app, id)
    for (let i = 0; i < 2; i++) t.equal((await admin(app, 'POST', `/__mock/agents/${id}/events`, { eventType: 'Big', content: big })).statusCode, 200)
  }
  t.same(app.simulator.historyOf('1001'), [], 'the longest remembered went first')
  const kept = app.simulator.agents.get('1001')!.history!
  t.equal(kept.forgotten, true)
  t.equal(kept.events.length, 0, 'and its events with it')
  t.equal(kept.events.storage.held, 0)
  t.equal(kept.bytes, 0)
})

t.test('a history out of slots grows to its share at once, and keeps the share\'s newest events', async (t) => {
  const app = await withLimits(t, { events: 24 })
  for (const id of ['1001', '1002']) await signIn(app, id)
  // Two agents remembered: each keeps 12 (the share of 24), and a ring starts with 4 slots.
  for (let i = 0; i < 30; i++) t.equal((await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: `E${i}`, content: { i } })).statusCode, 200)
  const kept = app.simulator.agents.get('1001')!.history!
  t.strictSame(kept.events.storage, { slots: 12, held: 12 }, 'one growth, from 4 to 12 slots (doubling would have made 16)')
  t.strictSame(app.simulator.historyOf('1001').map(e => e.eventType), Array.from({ length: 12 }, (_, k) => `E${18 + k}`))
})
