/** A retry's body grown from the previous one is byte for byte the body built afresh (issue #12, workload j). */
import t from 'tap'
import type { GatewayEvent } from '../../src/domain/events.js'
import { extendCurrentBody, pushBody } from '../../src/domain/push/formats.js'
import type { PushTarget } from '../../src/domain/push/types.js'

t.test('extending a current-variant body equals building it', async (t) => {
  const target: PushTarget = { variant: 'current', url: 'http://127.0.0.1/cb', token: 'tok' }
  const events: GatewayEvent[] = Array.from({ length: 7 }, (_, i) => ({ eventType: `E${i}`, workNo: '1"01', content: i % 2 === 0 ? { n: i, s: 'a]}' } : `text ${i}`, genTime: 1000 + i }))
  for (const withGenTime of [false, true]) {
    for (let from = 0; from < events.length; from++) {
      for (let to = from + 1; to <= events.length; to++) {
        const before = from === 0 ? '' : pushBody(target, '1"01', events.slice(0, from), withGenTime)
        t.equal(extendCurrentBody('1"01', before, events, from, to, withGenTime), pushBody(target, '1"01', events.slice(0, to), withGenTime), `${from} → ${to}${withGenTime ? ' with eventGenTime' : ''}`)
      }
    }
  }
})
