/**
 * The fuzz suite's sweep (fuzz-kit.ts) over the issue #13 families: every agent, group, queue,
 * monitor, recording and multimedia route with every kind of hostile input. These routes share
 * their few handlers and schemas (route-kit.ts), so each gets a quarter of each kind of hostile
 * value (every one of them is still tried on some route), then random combinations.
 */
import t from 'tap'
import { INVENTORY, sweep } from './fuzz-kit.js'

t.setTimeout(600000)

t.test('the issue #13 routes, every kind of hostile input: the documented envelope, no 5xx, no state change when refused', async (t) => {
  await sweep(t, { select: r => INVENTORY.test(r.path), runs: 400, light: () => true })
})
