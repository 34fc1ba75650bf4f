/** Control-API actions are logged at info (issue #14: reset, scenario activated, fault armed); reads are not. */
import { Writable } from 'node:stream'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'
import { admin } from '../helper.js'

t.test('actions at info, reads at debug', async (t) => {
  const lines: Array<{ level: number, msg: string }> = []
  const stream = new Writable({ write (chunk: Buffer, _e, done) { for (const l of String(chunk).split('\n')) if (l !== '') lines.push(JSON.parse(l)); done() } })
  const app = await buildApp({ pollWaitMs: 0 }, { clock: new ManualClock(), logger: { level: 'info', stream } })
  t.teardown(() => app.close())
  await admin(app, 'GET', '/__mock/agents')
  await admin(app, 'POST', '/__mock/reset')
  await admin(app, 'POST', '/__mock/scenarios/callee-busy/activate')
  await admin(app, 'POST', '/__mock/faults', { match: { operation: 'login' }, action: { retcode: '100-007' } })
  await admin(app, 'POST', '/__mock/scenarios/nosuch/activate') // refused: not an action that happened
  const control = lines.filter(l => l.msg.startsWith('control API')).map(l => `${l.level} ${l.msg}`)
  t.same(control, ['30 control API: POST /__mock/reset', '30 control API: POST /__mock/scenarios/callee-busy/activate', '30 control API: POST /__mock/faults'])
})
