/**
 * The JSON Schemas under docs/schema/ (issue #14): generated from the TypeBox schemas the mock
 * validates with, current, referenced by every shipped scenario, and the shipped files validate.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import t from 'tap'
import { parse } from 'yaml'
import { renderSchemas, SCHEMA_DIR } from '../scripts/write-schemas.js'

const schemas = renderSchemas()
const ajv = new Ajv({ allErrors: true, strict: true })
const validate = (name: string): ReturnType<Ajv['compile']> => ajv.getSchema(`https://cc-gateway-mock.invalid/schema/${name}`) ?? ajv.compile(JSON.parse(schemas[name]!))

t.test('docs/schema/ matches the TypeBox schemas (run `npm run schemas` when this fails)', async (t) => {
  t.same(Object.keys(schemas).sort(), ['roster.schema.json', 'scenario.schema.json', 'world.schema.json'])
  for (const [name, text] of Object.entries(schemas)) t.equal(readFileSync(join(SCHEMA_DIR, name), 'utf8'), text, name)
})

t.test('every shipped scenario names the schema for editors and validates against it', async (t) => {
  const dir = 'scenarios'
  const files = readdirSync(dir).filter(f => f.endsWith('.yaml'))
  t.ok(files.length >= 10)
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8')
    t.equal(text.split('\n')[0], '# yaml-language-server: $schema=../docs/schema/scenario.schema.json', `${f}: first line`)
    const check = validate('scenario.schema.json')
    t.ok(check(parse(text)), `${f} validates: ${JSON.stringify(check.errors)}`)
  }
})

t.test('the schemas refuse what the mock refuses, and take rosters in both shapes', async (t) => {
  const scenario = validate('scenario.schema.json')
  t.notOk(scenario({ name: 'x', colour: 'red' }), 'an unknown key')
  t.notOk(scenario({ faults: [{ match: {}, action: { retcode: 'boom' } }] }), 'a bad retcode')
  t.notOk(scenario({ simulatedAgents: [{ id: 9001, behaviour: 'explode' }] }), 'a behaviour that does not exist')
  t.ok(scenario({ extends: 'default', timeline: [{ at: 1000, do: { farHangUp: { agent: 1001 } } }] }))
  const roster = validate('roster.schema.json')
  t.ok(roster([{ id: 1001, password: 'x', skills: [1] }]), 'a list')
  t.ok(roster({ agents: [{ id: '1002' }] }), 'an object with agents')
  t.notOk(roster([{ id: 1001, nickname: 'Al' }]), 'an unknown agent key')
  t.ok(validate('world.schema.json')({ agents: [{ id: 1001 }], ringTimeoutMs: 15000 }))
  t.notOk(validate('world.schema.json')({ timeline: [] }), 'a world has no timeline')
})
