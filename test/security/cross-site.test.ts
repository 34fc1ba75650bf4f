/**
 * Issue #16, finding 3: browsers must not steer the control API. Writes carry bodies only as JSON
 * (YAML for scenarios), so preflight-free text/plain and form POSTs are refused; a foreign Origin
 * is refused; only Host names the mock is reachable by are answered (DNS rebinding). The gateway
 * routes keep accepting what real clients send. (The same attacks from a real Chromium page:
 * test/ui/cross-origin.test.ts.)
 */
import t from 'tap'
import { hostname } from 'node:os'
import { defaultConfig, parseConfig } from '../../src/config.js'
import { build, GW } from '../helper.js'

const RULE = '{"match":{},"action":{"retcode":"100-007"}}'

t.test('control writes with a body need application/json', async (t) => {
  const { app } = await build(t)
  for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/yaml', '', 'application/jsonx']) {
    const res = await app.inject({ method: 'POST', url: '/__mock/faults', headers: type === '' ? {} : { 'content-type': type }, payload: RULE })
    t.equal(res.statusCode, 415, type)
    t.same(res.json(), { message: `control API writes take Content-Type: application/json, not '${type}'`, retcode: '000-002' })
  }
  t.same((await app.inject({ method: 'GET', url: '/__mock/faults' })).json(), { rules: [] }, 'nothing armed')
  const json = await app.inject({ method: 'POST', url: '/__mock/faults', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: RULE })
  t.equal(json.statusCode, 201, 'JSON (with a charset) is taken')
  t.equal((await app.inject({ method: 'POST', url: '/__mock/reset' })).statusCode, 200, 'a write without a body needs no type')
  const login = await app.inject({ method: 'POST', url: '/__mock/agents/1001/login', headers: { 'content-type': 'text/plain' }, payload: '{}' })
  t.equal(login.statusCode, 415, 'no sign-in on an agent\'s behalf from a text/plain POST')
  t.equal((await app.inject({ method: 'GET', url: '/__mock/agents/1001' })).statusCode, 404)
})

t.test('scenarios may also be posted as YAML; YAML elsewhere is refused', async (t) => {
  const { app } = await build(t)
  const yaml = 'name: from-yaml\ndescription: posted as YAML\nfaults:\n  - match: { operation: sayBusy }\n    action: { retcode: "100-007" }\n'
  const res = await app.inject({ method: 'POST', url: '/__mock/scenarios', headers: { 'content-type': 'application/yaml' }, payload: yaml })
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), { scenarios: [{ name: 'default' }, { name: 'from-yaml', description: 'posted as YAML', faults: 1 }] })
  const bad = await app.inject({ method: 'POST', url: '/__mock/scenarios', headers: { 'content-type': 'text/yaml' }, payload: 'name: [unclosed' })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { message: /^malformed YAML body: /, retcode: '000-002' })
  const bomb = 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nname: bomb\n'
  const aliases = await app.inject({ method: 'POST', url: '/__mock/scenarios', headers: { 'content-type': 'application/yaml' }, payload: bomb })
  t.equal(aliases.statusCode, 400, 'an alias bomb is refused')
  const fault = await app.inject({ method: 'POST', url: '/__mock/faults', headers: { 'content-type': 'application/yaml' }, payload: 'match: {}\naction: { retcode: "100-007" }' })
  t.equal(fault.statusCode, 415)
})

t.test('a foreign Origin is refused on every control route, reads too; the mock\'s own pages are not', async (t) => {
  const { app } = await build(t)
  for (const origin of ['http://evil.example', 'http://127.0.0.1:9999', 'null', 'http://localhost:81']) {
    for (const [method, url] of [['POST', '/__mock/reset'], ['GET', '/__mock/agents'], ['DELETE', '/__mock/journal']] as const) {
      const res = await app.inject({ method, url, headers: { origin, host: 'localhost:8043' } })
      t.equal(res.statusCode, 403, `${origin} ${method} ${url}`)
      t.same(res.json(), { message: `the control API does not answer pages from ${origin}; start the mock with --allowed-origins to allow one`, retcode: '000-002' })
    }
  }
  const own = await app.inject({ method: 'POST', url: '/__mock/reset', headers: { origin: 'http://localhost:8043', host: 'localhost:8043' } })
  t.equal(own.statusCode, 200, 'the dashboard\'s own origin')
  const { app: allowing } = await build(t, { allowedOrigins: ['http://localhost:3000'] })
  t.equal((await allowing.inject({ method: 'GET', url: '/__mock/agents', headers: { origin: 'http://localhost:3000', host: 'localhost:8043' } })).statusCode, 200, '--allowed-origins')
  t.equal((await allowing.inject({ method: 'GET', url: '/__mock/agents', headers: { origin: 'http://localhost:3001', host: 'localhost:8043' } })).statusCode, 403)
})

t.test('only Host names the mock is reachable by are answered (DNS rebinding)', async (t) => {
  const { app } = await build(t)
  const machine = hostname().toLowerCase()
  for (const host of ['localhost', 'localhost:8043', 'LOCALHOST.', '127.0.0.1:8043', '[::1]:8043', '10.1.2.3', 'app.localhost:8043', machine, `${machine}:8043`]) {
    t.equal((await app.inject({ method: 'GET', url: '/__mock/agents', headers: { host } })).statusCode, 200, host)
  }
  for (const host of ['evil.example', 'evil.example:8043', 'localhost.evil.example', '127.0.0.1.nip.io:8043']) {
    const res = await app.inject({ method: 'GET', url: '/__mock/agents', headers: { host } })
    t.equal(res.statusCode, 403, host)
    t.same(res.json(), { message: `the control API does not answer for Host '${host}'; start the mock with --allowed-hosts to add a name`, retcode: '000-002' })
  }
  const { app: named } = await build(t, { allowedHosts: ['mock', '.ci.internal'] })
  for (const host of ['mock:8043', 'gw.ci.internal']) t.equal((await named.inject({ method: 'GET', url: '/__mock/agents', headers: { host } })).statusCode, 200, `--allowed-hosts: ${host}`)
  t.equal((await named.inject({ method: 'GET', url: '/__mock/agents', headers: { host: 'evil.example' } })).statusCode, 403)
  const { app: any } = await build(t, { allowedHosts: ['*'] })
  t.equal((await any.inject({ method: 'GET', url: '/__mock/agents', headers: { host: 'evil.example' } })).statusCode, 200, '--allowed-hosts "*"')
  t.equal((await app.inject({ method: 'GET', url: '/__mock/health', headers: { host: 'evil.example' } })).statusCode, 200, 'the probes stay open')
})

t.test('gateway routes keep accepting what real clients send', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, headers: { 'content-type': 'text/plain', origin: 'http://evil.example', host: 'evil.example' }, payload: '{"password":"","phonenum":"71001"}' })
  t.equal(res.json().retcode, '0')
  const form = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1002`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '{"password":"","phonenum":"71002"}' })
  t.equal(form.json().retcode, '0')
})

t.test('ALLOWED_HOSTS from the environment (the README\'s Docker Compose recipe) lets a service name through', async (t) => {
  const parsed = parseConfig([], { ALLOWED_HOSTS: 'cc-gateway, .ci.internal' })
  t.ok(parsed.ok)
  const config = parsed.ok ? parsed.config : defaultConfig()
  t.same(config.allowedHosts, ['cc-gateway', '.ci.internal'])
  const { app } = await build(t, { allowedHosts: config.allowedHosts })
  t.equal((await app.inject({ method: 'GET', url: '/__mock/agents', headers: { host: 'cc-gateway:8043' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/__mock/agents', headers: { host: 'other-service:8043' } })).statusCode, 403)
})
