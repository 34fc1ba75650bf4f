/** The OpenAPI document: served as JSON and as Swagger UI, and docs/openapi.json is not stale. */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { OPENAPI_FILE, renderOpenApi } from '../scripts/write-openapi.js'
import { buildApp } from '../src/app.js'
import { build } from './helper.js'

t.test('docs/openapi.json matches the routes (run `npm run openapi` when this fails)', async (t) => {
  t.equal(readFileSync(OPENAPI_FILE, 'utf8'), await renderOpenApi())
})

t.test('GET /__mock/openapi.json serves the committed document', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ url: '/__mock/openapi.json' })
  t.equal(res.statusCode, 200)
  t.equal(res.body, readFileSync(OPENAPI_FILE, 'utf8'))
})

t.test('the generated document describes the gateway and the control API', async (t) => {
  const app = await buildApp({ pollWaitMs: 0 }, { logger: false, liveOpenApi: true })
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/__mock/openapi.json' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.equal(doc.openapi, '3.0.3')
  const callinner = doc.paths['/agentgateway/resource/voicecall/{agentid}/callinner'].put
  t.equal(callinner.summary, 'callInner')
  t.same(callinner.tags, ['voicecall'])
  t.same(callinner.requestBody.content['application/json'].schema.required, ['called'])
  t.same(callinner.responses['200'].content['application/json'].schema.example, { message: '', retcode: '0', result: '1795738646-1' })
  t.ok(doc.paths['/__mock/journal/verify'].post, 'control API included')
  t.same(doc.paths['/__mock/journal/verify'].post.tags, ['control'])
  for (const path of Object.keys(doc.paths)) t.notOk(path.includes('openapi.json') || path.startsWith('/__mock/docs'), `${path} is not the docs themselves`)
})

t.test('GET /__mock/docs serves Swagger UI as HTML', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ url: '/__mock/docs' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  const css = await app.inject({ url: '/__mock/docs/swagger-ui.css' })
  t.equal(css.statusCode, 200)
  t.match(css.headers['content-type'], /^text\/css/)
})
