/**
 * A push delivery's journal entry keeps its time as a small integer (ms since the module loaded)
 * when that gives the time back exactly; any other time is kept as it is.
 */
import t from 'tap'
import { PushDelivery } from '../../src/domain/push/channel.js'

const at = (time: number): number => new PushDelivery('1001', { url: 'http://h/cb', path: 'http://h/cb', query: {} }, time, '{}', 1, 200, '0', undefined, 0, undefined).time

t.test('the time reads back exactly', async (t) => {
  for (const time of [Date.now(), Date.now() + 0.25, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 1234.567, 0, 0.1, 12.345, -5.5, 1e15 + 0.5]) t.equal(at(time), time, String(time))
})
