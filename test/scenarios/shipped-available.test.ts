/**
 * Issue #14 bug 3: every shipped scenario can be activated by name on every start (the default
 * stays active), and POST /__mock/scenarios takes YAML as well as JSON.
 */
import { readdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'
import { shippedScenarios } from '../../src/world/load-world.js'
import { admin } from '../helper.js'

const shippedNames = readdirSync(shippedScenarios).filter(f => f.endsWith('.yaml')).map(f => basename(f, '.yaml')).sort()

async function app (t: { teardown(fn: () => unknown): void }, scenario: string[] = []): Promise<FastifyInstance> {
  const a = await buildApp({ pollWaitMs: 0, scenario }, { logger: false, clock: new ManualClock() })
  t.teardown(() => a.close())
  return a
}

interface Summary { name: string, active: boolean, description: string }
const list = async (a: FastifyInstance): Promise<Summary[]> => (await admin(a, 'GET', '/__mock/scenarios')).json().scenarios

t.test('a default start: callee-busy activates by name, default was active', async (t) => {
  const a = await app(t)
  t.same((await list(a)).filter(s => s.active).map(s => s.name), ['default'])
  const res = await admin(a, 'POST', '/__mock/scenarios/callee-busy/activate')
  t.equal(res.statusCode, 200, res.body)
  t.same((res.json().scenarios as Summary[]).filter(s => s.active).map(s => s.name), ['callee-busy'])
})

t.test('every shipped scenario is listed with its description and activates on a default start', async (t) => {
  const a = await app(t)
  const listed = await list(a)
  t.same(listed.map(s => s.name).sort(), shippedNames, 'each file, named after itself')
  for (const s of listed) t.not(s.description, '', `${s.name} has a description`)
  for (const name of shippedNames) t.equal((await admin(a, 'POST', `/__mock/scenarios/${name}/activate`)).statusCode, 200, name)
})

t.test('with --scenario, the shipped ones are there too; a file of the same name wins', async (t) => {
  const dir = t.testdir({})
  const mine = join(dir, 'mine.yaml')
  writeFileSync(mine, 'name: mine\ndescription: my own\n')
  const busy = join(dir, 'callee-busy.yaml')
  writeFileSync(busy, 'name: callee-busy\ndescription: my busy\n')
  const a = await app(t, [mine, busy])
  const listed = await list(a)
  t.same(listed.filter(s => s.active).map(s => s.name), ['mine'], 'the first given is active')
  t.equal(listed.find(s => s.name === 'callee-busy')?.description, 'my busy')
  t.equal((await admin(a, 'POST', '/__mock/scenarios/slow-gateway/activate')).statusCode, 200)
})

t.test('POST /__mock/scenarios takes YAML', async (t) => {
  const a = await app(t)
  const yaml = 'name: from-yaml\ndescription: posted as YAML\nsimulatedAgents:\n  - { id: 9001, behaviour: busy }\n'
  for (const type of ['application/yaml', 'text/yaml', 'application/x-yaml']) {
    const res = await a.inject({ method: 'POST', url: '/__mock/scenarios?activate=true', headers: { 'content-type': type }, payload: yaml })
    t.equal(res.statusCode, 201, `${type}: ${res.body}`)
  }
  t.match((await list(a)).find(s => s.name === 'from-yaml'), { active: true, description: 'posted as YAML' })
  const broken = await a.inject({ method: 'POST', url: '/__mock/scenarios', headers: { 'content-type': 'application/yaml' }, payload: 'name: x\n  bad: [\n' })
  t.equal(broken.statusCode, 400)
  t.match(broken.json(), { retcode: '000-002', message: /^malformed YAML body: / })
  const invalid = await a.inject({ method: 'POST', url: '/__mock/scenarios', headers: { 'content-type': 'application/yaml' }, payload: 'name: x\ncolour: red\n' })
  t.equal(invalid.statusCode, 400, 'validated like JSON')
  const faultAsYaml = await a.inject({ method: 'POST', url: '/__mock/faults', headers: { 'content-type': 'application/yaml' }, payload: 'match: {}\naction: { retcode: 100-007 }\n' })
  t.ok([400, 415].includes(faultAsYaml.statusCode), `YAML only where a scenario is posted (elsewhere refused: ${faultAsYaml.statusCode})`)
})
