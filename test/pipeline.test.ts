/**
 * The request pipeline (src/plugins/pipeline.ts): stages are installed in the pipeline's order
 * whatever the order they were provided in, the app installs all of them, and a request meets
 * them in that order (faults before credentials, credentials before validation).
 */
import t from 'tap'
import { buildApp } from '../src/app.js'
import { ManualClock } from '../src/domain/clock.js'
import { jsonLogger } from '../src/logger.js'
import { Pipeline, PIPELINE, type PipelineHook } from '../src/plugins/pipeline.js'
import { build, GW } from './helper.js'

const ALL = PIPELINE.map(([hook, stage]) => `${hook}:${stage}`)

t.test('stages are installed in the pipeline\'s order, not in the order provided', async (t) => {
  const pipeline = new Pipeline()
  const handlers = new Map<string, () => void>()
  // Provided last stage first (as plugins registered in any order would).
  for (const [hook, stage] of [...PIPELINE].reverse()) {
    const handler = (): void => {}
    handlers.set(`${hook}:${stage}`, handler)
    pipeline.provide(hook, stage as never, handler as never)
  }
  const added: Array<[PipelineHook, unknown]> = []
  pipeline.install({ addHook: (hook, handler) => added.push([hook, handler]) })
  t.same(added.map(([hook]) => hook), PIPELINE.map(([hook]) => hook))
  t.same(added.map(([, handler]) => handler), ALL.map(key => handlers.get(key)), 'each stage\'s own handler, in order')
  t.same(pipeline.installed, ALL)
  t.throws(() => pipeline.provide('onRequest', 'access', () => {}), /after the pipeline was installed/)
})

t.test('a stage cannot be provided twice', async (t) => {
  const pipeline = new Pipeline()
  pipeline.provide('preValidation', 'faults', (_req, _reply, done) => { done() })
  t.throws(() => pipeline.provide('preValidation', 'faults', (_req, _reply, done) => { done() }), /provided twice/)
})

t.test('the app installs every stage; a lean run leaves out the journal and the log line', async (t) => {
  const full = await buildApp({ pollWaitMs: 0 }, { clock: new ManualClock(), mockLogger: jsonLogger('info', { write: () => {}, flushSync: () => {} }) })
  t.teardown(() => full.close())
  t.same(full.pipeline.installed, ALL)
  const lean = await buildApp({ pollWaitMs: 0, journalSize: 0, logLevel: 'warn' }, { clock: new ManualClock(), mockLogger: jsonLogger('warn', { write: () => {}, flushSync: () => {} }) })
  t.teardown(() => lean.close())
  t.same(lean.pipeline.installed, ['onRequest:access', 'preValidation:faults', 'preValidation:credentials'])
})

t.test('a request meets faults before its credentials are checked, and credentials before validation', async (t) => {
  const { app } = await build(t)
  // No GUID and an agent nobody signed in as: the credential check would answer 100-006 or 000-003.
  const fault = await app.inject({ method: 'POST', url: '/__mock/faults', payload: { match: { operation: 'getAgentStatus' }, action: { retcode: '999-001' } } })
  t.equal(fault.statusCode, 201)
  const res = await app.inject({ method: 'GET', url: `${GW}/onlineagent/1001/agentstatus` })
  t.equal(res.body, '{"message":"fault injected by cc-gateway-mock","retcode":"999-001"}', 'the fault answered first')
  t.equal(res.headers['content-type'], 'application/json;charset=UTF-8')
  // Without a fault: the credentials are refused before the (invalid) body is looked at.
  const refused = await app.inject({ method: 'PUT', url: `${GW}/voicecall/1001/callinner`, payload: { called: 'not a number' } })
  t.not(refused.json().retcode, '0')
  t.not(refused.json().retcode, '000-002', 'not a validation error: credentials come first')
})
