/**
 * Model-based test of supervision (issue #13, qualitycontrol): inspectors listening, inserting,
 * whispering, switching, stopping, intercepting, dropping calls and forcing states among random
 * call control keep every invariant of test/reliability/callctl-kit.ts.
 */
import t from 'tap'
import { commands, runModel, supervisionCmds } from './callctl-kit.js'

t.test('random supervision among call control keeps every invariant', async (t) => {
  // The inspections' commands weigh as much as all of call control, so inspections last and meet transfers, holds and help.
  // Required to succeed at least once: the operations that open or end an inspection. Switching,
  // stopping and whispering succeed only while one is open, which random runs reach by chance
  // (their invariants are checked whenever they do); their route tests cover each of them.
  await runModel(t, [...supervisionCmds, ...commands], 15,
    ['addsupervise', 'addinsert', 'intercept', 'forcedropcall', 'forcebusy', 'forcerest', 'transfer', 'innerhelp'])
})
