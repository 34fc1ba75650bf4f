/** The scenario-file validators compiled ahead of time are what Ajv compiles from the schemas today. */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { renderValidators, VALIDATORS_FILE } from '../scripts/write-validators.js'

t.test('src/world/validators.generated.ts matches the schemas (run `npm run validators` when this fails)', async (t) => {
  t.equal(readFileSync(VALIDATORS_FILE, 'utf8'), renderValidators())
})
