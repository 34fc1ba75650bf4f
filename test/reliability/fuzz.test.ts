/**
 * Hostile input (issue #7): every gateway route and every control route, taken from the OpenAPI
 * document (GET /__mock/openapi.json) plus the hidden ones, driven with malformed JSON, wrong types,
 * bodies over --body-limit, deep nesting, __proto__ / constructor keys, unicode and control
 * characters, path traversal, overlong ids, repeated and conflicting query parameters, missing and
 * duplicated headers, cookie variants and wrong content types. First a systematic sweep (each
 * route × each kind of bad input), then random combinations from fast-check (fixed seed).
 *
 * Property: every answer is JSON with the envelope {message: string, retcode: string} (gateway
 * routes: HTTP 200/404/405/413 and a catalogue retcode; control routes: 2xx, or 4xx with the
 * envelope), never 5xx, never a stack trace or HTML; and a rejected request changes no state (the
 * control API's view of agents, queues, histories, calls, faults, scenarios and clock, compared
 * before and after; only the journal may grow).
 */
import t from 'tap'
import { startServer } from '../../src/server.js'
import { build, GW, parseRaw, rawHttp } from '../helper.js'
import { JOURNAL_LIMITS } from '../../src/domain/journal.js'
import { BODY_LIMIT, INVENTORY, routesOf, sweep, type Route } from './fuzz-kit.js'

// The sweep takes ~20 s of CPU and the security section ~15 s; on a loaded machine their wall time
// can pass tap's default.
t.setTimeout(600000)

t.test('every route, every kind of hostile input: the documented envelope, no 5xx, no state change when refused', async (t) => {
  await sweep(t, { select: r => !INVENTORY.test(r.path), runs: 1500 })
})

t.test('bodies over the default --body-limit (1 MiB): HTTP 413 with the envelope', async (t) => {
  const { app } = await build(t)
  const login = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: { password: '', phonenum: '1' } })
  const guid = String(login.headers['set-guid']).replace('JSESSIONID=', '')
  const big = JSON.stringify({ called: '9'.repeat(1024 * 1024) })
  for (const [method, url] of [['PUT', `${GW}/voicecall/1001/callinner`], ['PUT', `${GW}/onlineagent/1002`], ['POST', '/__mock/faults'], ['POST', '/__mock/scenarios']] as const) {
    const res = await app.inject({ method, url, headers: { guid, 'content-type': 'application/json' }, payload: big })
    t.equal(res.statusCode, 413, url)
    t.equal(res.headers['content-type'], 'application/json;charset=UTF-8')
    t.strictSame(res.json(), { message: 'request body is larger than 1048576 bytes', retcode: '000-002' })
  }
  t.equal((await app.inject({ method: 'GET', url: '/__mock/agents' })).json().agents.length, 1, 'nothing else signed in')

  // Within the limit, a body can nest hundreds of thousands of levels: refused before parsing, on
  // every route, so nothing that deep is ever validated, stored (an injected event) or serialised.
  const deep = [
    '['.repeat(500000) + ']'.repeat(500000),
    '{"a":'.repeat(170000) + '1' + '}'.repeat(170000),
    '{"called":"9001","x":' + '{"a":'.repeat(170000) + '1' + '}'.repeat(170000) + '}',
    '{"eventType":"X","content":' + '['.repeat(400000) + ']'.repeat(400000) + '}',
    '{"match":{"body":' + '{"a":'.repeat(170000) + '1' + '}'.repeat(170000) + '}}'
  ]
  const routes: Array<['PUT' | 'POST', string, number]> = [
    ['PUT', `${GW}/voicecall/1001/callinner`, 200], ['PUT', `${GW}/onlineagent/1002`, 200], ['POST', '/__mock/journal/verify', 400],
    ['POST', '/__mock/agents/1001/events', 400], ['POST', '/__mock/faults', 400], ['POST', '/__mock/scenarios', 400], ['PUT', '/__mock/agents/1001/state', 400]
  ]
  for (const body of deep) {
    for (const [method, url, status] of routes) {
      const res = await app.inject({ method, url, headers: { guid, 'content-type': 'application/json' }, payload: body })
      t.equal(res.statusCode, status, `${url}, ${body.length} bytes nested deep`)
      t.match(res.json(), { retcode: '000-002', message: /nested deeper than 64 levels/ })
    }
  }
  const nested64 = JSON.stringify({ eventType: 'X', content: JSON.parse('['.repeat(63) + ']'.repeat(63)) })
  t.equal((await app.inject({ method: 'POST', url: '/__mock/agents/1001/events', headers: { 'content-type': 'application/json' }, payload: nested64 })).statusCode, 200, '64 levels are fine')
  for (const url of ['/__mock/agents/1001/events', '/__mock/agents/1001/history', '/__mock/journal', '/__mock/agents']) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 200, `${url} still serialises`)
  }
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: `${GW}/agentevent/1001`, headers: { guid } })).statusCode, 200, 'polls still answer')
})

// ---- on a real socket: what inject cannot send ---------------------------------------------------

t.test('raw requests: duplicated and malformed headers, broken request lines, all answered with the envelope', async (t) => {
  const s = await startServer({ port: 0, logLevel: 'silent', pollWaitMs: 0, bodyLimit: BODY_LIMIT })
  t.teardown(() => s.close())
  const port = Number(new URL(s.url).port)
  const login = await fetch(`${s.url}${GW}/onlineagent/1001`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"password":"","phonenum":"1"}' })
  const guid = (login.headers.get('set-guid') ?? '').replace('JSESSIONID=', '')
  const path = `${GW}/onlineagent/1001/agentstatus`
  const cases: Array<[string, string, number[]]> = [
    ['Guid twice (same)', `GET ${path} HTTP/1.1\r\nHost: x\r\nGuid: ${guid}\r\nGuid: ${guid}\r\nConnection: close\r\n\r\n`, [200]],
    ['Guid twice (own and other)', `GET ${path} HTTP/1.1\r\nHost: x\r\nGuid: nope\r\nGuid: ${guid}\r\nConnection: close\r\n\r\n`, [200]],
    ['two Cookie headers', `GET ${path} HTTP/1.1\r\nHost: x\r\nCookie: JSESSIONID=nope\r\nCookie: JSESSIONID=${guid}\r\nConnection: close\r\n\r\n`, [200]],
    ['no Host', `GET ${path} HTTP/1.1\r\nGuid: ${guid}\r\nConnection: close\r\n\r\n`, [200]],
    ['HTTP/1.0', `GET ${path} HTTP/1.0\r\nGuid: ${guid}\r\n\r\n`, [200]],
    ['absolute-form target', `GET http://evil.example${path} HTTP/1.1\r\nHost: x\r\nGuid: ${guid}\r\nConnection: close\r\n\r\n`, [400]],
    ['dot segments', `GET ${GW}/onlineagent/1001/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, [404]],
    ['encoded slash', `GET ${GW}/onlineagent/1001%2Fagentstatus HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, [200, 404, 405]],
    ['bad percent encoding', `GET ${GW}/onlineagent/%E0%A4%A/agentstatus HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, [200]],
    ['bad percent encoding, control path', '/__mock/agents/%E0%A4%A HTTP/1.1'.replace(/^/, 'GET ') + '\r\nHost: x\r\nConnection: close\r\n\r\n', [400]],
    ['overlong agent id', `GET ${GW}/onlineagent/${'1'.repeat(2000)}/agentstatus HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, [200]],
    ['conflicting Content-Length', `PUT ${GW}/voicecall/1001/callinner HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 17\r\nConnection: close\r\n\r\n{"called":"9001"}`, [400]],
    ['Content-Length and chunked', `PUT ${GW}/voicecall/1001/callinner HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`, [400]],
    ['invalid header name', `GET ${path} HTTP/1.1\r\nHost: x\r\nGu id: ${guid}\r\nConnection: close\r\n\r\n`, [400]],
    ['control character in a header', `GET ${path} HTTP/1.1\r\nHost: x\r\nGuid: a\u0001b\r\nConnection: close\r\n\r\n`, [400]],
    ['headers too large', `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\nConnection: close\r\n\r\n`, [431]],
    ['garbage request line', 'HELLO\r\n\r\n', [400]],
    ['bad HTTP version', `GET ${path} HTTP/9.9\r\nHost: x\r\n\r\n`, [400, 505]],
    ['chunked body over the limit', `PUT ${GW}/voicecall/1001/callinner HTTP/1.1\r\nHost: x\r\nGuid: ${guid}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(BODY_LIMIT * 2).toString(16)}\r\n${'{'.repeat(BODY_LIMIT * 2)}\r\n0\r\n\r\n`, [413]]
  ]
  for (const [name, request, statuses] of cases) {
    const answer = await rawHttp(port, request)
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0)
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4)
    t.ok(statuses.includes(status), `${name}: HTTP ${status}`)
    t.ok(status < 500, `${name}: not 5xx`)
    let json: { message?: unknown, retcode?: unknown } | undefined
    try { json = JSON.parse(body) as typeof json } catch { json = undefined }
    t.ok(typeof json?.message === 'string' && typeof json.retcode === 'string', `${name}: the envelope`, { body: body.slice(0, 200) })
  }
  const ready = await fetch(`${s.url}/__mock/ready`)
  t.equal(ready.status, 200, 'still serving')
})

// ---- security (issue #16) --------------------------------------------------------------------------

const OPEN_PAGES = /^\/__mock\/(health|ready|docs|openapi\.json|)(\/|$)/
const PARAM: Record<string, string> = { agentid: '1001', id: '1001', callid: '1', name: 'default', ruleId: 'r1', file: 'index.html' }
const concrete = (r: Route): string => r.path.replace(/\{(\w+)\}/g, (_m, p: string) => PARAM[p] ?? '1')
const isWrite = (r: Route): boolean => r.method === 'POST' || r.method === 'PUT' || r.method === 'DELETE'
const controlRoutes = (routes: Route[]): Route[] => routes.filter(r => !r.gateway && !r.html && !OPEN_PAGES.test(r.path))

/** Control-API state a refused request must not change. */
async function controlState (base: string, headers: Record<string, string>): Promise<string> {
  const parts = await Promise.all(['/__mock/agents', '/__mock/faults', '/__mock/scenarios', '/__mock/calls?all=true'].map(async p => await (await fetch(base + p, { headers })).text()))
  return parts.join('\n')
}

t.test('security: encoded and absolute-form paths against every protected route never pass the token', async (t) => {
  const s = await startServer({ port: 0, logLevel: 'silent', pollWaitMs: 0, adminToken: 'tok' })
  t.teardown(() => s.close())
  const port = Number(new URL(s.url).port)
  const auth = { authorization: 'Bearer tok' }
  await fetch(`${s.url}${GW}/onlineagent/1001`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"password":"","phonenum":"1"}' })
  const before = await controlState(s.url, auth)
  const routes = controlRoutes(await routesOf(s.app))
  t.ok(routes.length >= 25, `${routes.length} protected routes`)
  const spellings = (path: string): string[] => [
    path.replace('/__mock', '/%5F%5Fmock'), path.replace('/__mock', '/_%5fmock'), path.replace('/__mock', '/__%6Dock'),
    path.replace(/^\/__mock\/(\w)/, (_m, c: string) => `/__mock/%${c.charCodeAt(0).toString(16)}`)
  ]
  for (const r of routes) {
    const path = concrete(r)
    const body = isWrite(r) ? '{}' : ''
    const tail = `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`
    for (const target of spellings(path)) {
      const res = parseRaw(await rawHttp(port, `${r.method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${tail}`))
      t.equal(res.status, 401, `${r.method} ${target}`)
    }
    for (const target of [`http://127.0.0.1${path}`, `http://x${path.replace('/__mock', '/%5F%5Fmock')}`]) {
      const res = parseRaw(await rawHttp(port, `${r.method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer tok\r\n${tail}`))
      t.equal(res.status, 400, `${r.method} ${target}`)
      t.match(JSON.parse(res.body), { retcode: '000-002' })
    }
  }
  t.equal(await controlState(s.url, auth), before, 'nothing changed')
})

t.test('security: content types and origins on every control write', async (t) => {
  const { app } = await build(t)
  await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: { password: '', phonenum: '1' } })
  const state = async (): Promise<string> => (await Promise.all(['/__mock/agents', '/__mock/faults', '/__mock/scenarios', '/__mock/calls?all=true'].map(async url => (await app.inject({ method: 'GET', url })).body))).join('\n')
  const before = await state()
  const writes = controlRoutes(await routesOf(app)).filter(isWrite)
  t.ok(writes.length >= 15, `${writes.length} control writes`)
  for (const r of writes) {
    const url = concrete(r)
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await app.inject({ method: r.method as 'POST', url, headers: { 'content-type': type, host: 'localhost:8043' }, payload: '{"match":{},"action":{"retcode":"100-007"},"state":"busy","ms":1,"eventType":"X","name":"n"}' })
      t.equal(res.statusCode, 415, `${r.method} ${url} as ${type}`)
    }
    for (const origin of ['http://evil.example', 'null', 'http://localhost:9']) {
      const res = await app.inject({ method: r.method as 'POST', url, headers: { origin, host: 'localhost:8043' } })
      t.equal(res.statusCode, 403, `${r.method} ${url} from ${origin}`)
    }
    const rebound = await app.inject({ method: r.method as 'POST', url, headers: { host: 'rebind.example:8043' } })
    t.equal(rebound.statusCode, 403, `${r.method} ${url} under a foreign Host`)
  }
  t.equal(await state(), before, 'nothing changed')
})

t.test('security: key-count and size bombs on every route that journals stay bounded', async (t) => {
  const { app } = await build(t, { bodyLimit: 1024 * 1024 })
  const guid = String((await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: { password: '', phonenum: '1' } })).headers['set-guid']).replace('JSESSIONID=', '')
  const keys = `{${Array.from({ length: 30000 }, (_, i) => `"k${i}":"v"`).join(',')}}`
  const wide = `[${Array.from({ length: 40 }, () => `{${Array.from({ length: 500 }, (_, i) => `"w${i}":"${'x'.repeat(20)}"`).join(',')}}`).join(',')}]`
  const long = JSON.stringify({ called: 'x'.repeat(500000), [`${'k'.repeat(50000)}`]: 1 })
  const routes = (await routesOf(app)).filter(r => r.gateway && !INVENTORY.test(r.path))
  t.ok(routes.length >= 20, `${routes.length} gateway routes`)
  for (const r of routes) {
    for (const payload of [keys, wide, long]) {
      const query = r.method === 'GET' ? `?${Array.from({ length: 300 }, (_, i) => `q${i}=${'y'.repeat(10)}`).join('&')}` : ''
      const res = await app.inject({ method: r.method as 'PUT', url: concrete(r) + query, headers: { guid, 'content-type': 'application/json' }, ...(r.method === 'GET' ? {} : { payload }) })
      t.ok(res.statusCode < 500, `${r.method} ${r.path}: ${res.statusCode}`)
      const entry = app.journal.all().at(-1)
      const size = JSON.stringify(entry).length
      t.ok(size < JOURNAL_LIMITS.entryBytes + 1024, `${r.method} ${r.path}: journalled in ${size} bytes`)
    }
  }
  t.ok(app.journal.keptBytes < app.journal.size * (JOURNAL_LIMITS.entryBytes + 512), `${app.journal.size} entries keep ${app.journal.keptBytes} bytes`)
})
