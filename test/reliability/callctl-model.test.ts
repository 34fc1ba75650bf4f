/**
 * Model-based test of call control (issue #13): random sequences of call-control operations keep
 * every invariant of test/reliability/callctl-kit.ts, and the runs reach every operation.
 */
import t from 'tap'
import { commands, runModel } from './callctl-kit.js'

t.test('random call-control sequences keep every invariant', async (t) => {
  await runModel(t, commands, 25, ['transfer', 'innerhelp', 'confjoin', 'dropcall', 'disconnect', 'beginmute', 'seconddial', 'beginmutevideo'])
})
