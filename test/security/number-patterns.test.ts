/**
 * Issue #16, finding 5: `externalNumbers[].pattern` ran on a backtracking engine, so
 * `([0-9]|[0-9]|[0-9])*#` blocked the server for 84 s on one call-out. Patterns now run on RE2
 * (re2js: linear-time matching); what RE2 refuses is refused when the world is loaded.
 */
import t from 'tap'
import { compileNumberPattern, WorldIndex, emptyWorld } from '../../src/domain/world.js'
import { loadScenarioFile, WorldFileError } from '../../src/world/load-world.js'
import { admin, build, call, signIn } from '../helper.js'

const EVIL = '([0-9]|[0-9]|[0-9])*#'

t.test('a call-out against a catastrophic-backtracking pattern answers at once', async (t) => {
  const world = { ...emptyWorld(), externalNumbers: [{ pattern: EVIL, behaviour: 'busy' as const }, { pattern: '[0-9]{1,40}', behaviour: 'answer' as const }] }
  const { app } = await build(t, {}, world)
  const guid = await signIn(app, '1001')
  // 24 digits would take hours on a backtracking engine; RE2 tries each digit once per state.
  const res = await call(app, guid, 'PUT', '/voicecall/1001/callout', { called: '1'.repeat(24) })
  t.equal(res.json().retcode, '0', 'served, by the second pattern')
  t.equal((await admin(app, 'GET', '/__mock/health')).statusCode, 200, 'the server still answers')
  const index = new WorldIndex(world)
  t.equal(index.external('1'.repeat(40))?.behaviour, 'answer')
  t.equal(index.external('123#')?.behaviour, 'busy', 'the pattern still means what it says')
})

t.test('matching is linear: 100 times longer input, far less than 100² times the work', async (t) => {
  // Counted, not timed: RE2 does no backtracking, so the count of pattern evaluations per input
  // character is bounded by the pattern's size. Checked through the result on inputs a
  // backtracking engine could not finish (2^60 paths).
  const re = compileNumberPattern('(0|0|00)*1')
  t.equal(re.matches(`${'0'.repeat(60)}2`), false)
  t.equal(re.matches(`${'0'.repeat(60)}1`), true)
})

t.test('patterns RE2 refuses are refused at load, with the file and the field', async (t) => {
  for (const [pattern, why] of [['(1)\\\\1', /invalid escape sequence/], ['(?=1)1', /unsupported Perl syntax/], ['1{2000}', /invalid repeat count/], ['[', /missing closing \]/], ['1'.repeat(501), /longer than 500 characters/]] as const) {
    const dir = t.testdir({ 'w.yaml': `externalNumbers:\n  - { pattern: "${pattern}", behaviour: answer }\n` })
    let problems: string[] = []
    try { loadScenarioFile(`${dir}/w.yaml`) } catch (err) { problems = (err as WorldFileError).problems }
    t.equal(problems.length, 1, pattern)
    t.match(problems[0], why, pattern)
    t.match(problems[0], /w\.yaml:2: externalNumbers\.0\.pattern: /)
  }
})
