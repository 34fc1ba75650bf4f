/**
 * Issue #16, finding 1: the admin token could be bypassed with an encoded path
 * (`/%5F%5Fmock/agents` is routed to /__mock/agents) or an absolute-form request target. Access is
 * now decided from the matched route; only a plain path is accepted as the target. On a real
 * socket, since these are exactly the bytes a client would send.
 */
import t from 'tap'
import { startServer } from '../../src/server.js'
import { GW, parseRaw, rawHttp } from '../helper.js'

const TOKEN = 's3cret'
const NEED_TOKEN = { message: 'the control API needs Authorization: Bearer <admin token>', retcode: '000-002' }
const NOT_A_PATH = { message: 'the request target must be a path (/...), not an absolute URL', retcode: '000-002' }

t.test('encoded and absolute-form paths cannot pass the admin token', async (t) => {
  const s = await startServer({ port: 0, logLevel: 'silent', pollWaitMs: 0, adminToken: TOKEN })
  t.teardown(() => s.close())
  const port = Number(new URL(s.url).port)
  const login = await fetch(`${s.url}${GW}/onlineagent/1001`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"password":"","phonenum":"1"}' })
  const guid = (login.headers.get('set-guid') ?? '').replace('JSESSIONID=', '')
  const send = async (method: string, target: string, extra = ''): Promise<ReturnType<typeof parseRaw>> =>
    parseRaw(await rawHttp(port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}Connection: close\r\n\r\n`))

  for (const target of ['/%5F%5Fmock/agents', '/_%5Fmock/agents', '/__%6dock/agents', '/%5f%5f%6d%6f%63%6b/journal', '/__mock/%61gents', '/%5F%5Fmock/nosuch']) {
    const res = await send('GET', target)
    t.equal(res.status, 401, target)
    t.same(JSON.parse(res.body), NEED_TOKEN, target)
    t.notOk(res.body.includes(guid), `${target}: no GUID`)
  }
  for (const [method, target] of [['POST', '/%5F%5Fmock/reset'], ['POST', '/_%5Fmock/faults'], ['DELETE', '/__%6dock/agents']]) {
    const res = await send(method!, target!, 'Content-Type: application/json\r\nContent-Length: 2\r\n')
    t.equal(res.status, 401, `${method} ${target}`)
    t.notOk('allow' in res.headers, 'a wrong verb does not reveal the route either')
  }
  for (const target of ['http://x/__mock/journal', 'http://127.0.0.1/__mock/agents', 'https://x/%5F%5Fmock/agents', `http://x${GW}/onlineagent/1001/agentstatus`, '*']) {
    const res = await send('GET', target, `Guid: ${guid}\r\nAuthorization: Bearer ${TOKEN}\r\n`)
    t.equal(res.status, 400, target)
    t.same(JSON.parse(res.body), NOT_A_PATH, target)
  }
  // Nothing was reset or armed; the token still opens the door.
  const agents = await fetch(`${s.url}/__mock/agents`, { headers: { authorization: `Bearer ${TOKEN}` } })
  t.match(await agents.json(), { agents: [{ id: '1001', session: { guid } }] })
  const faults = await fetch(`${s.url}/__mock/faults`, { headers: { authorization: `Bearer ${TOKEN}` } })
  t.same(await faults.json(), { rules: [] })
})

t.test('an encoded gateway path is served and journalled under its decoded path', async (t) => {
  const s = await startServer({ port: 0, logLevel: 'silent', pollWaitMs: 0 })
  t.teardown(() => s.close())
  const port = Number(new URL(s.url).port)
  const res = parseRaw(await rawHttp(port, 'GET /%61gentgateway/resource/onlineagent/1001/agentstatus HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))
  t.same(JSON.parse(res.body), { message: 'the agent has not signed in', retcode: '100-006' })
  const journal = await (await fetch(`${s.url}/__mock/journal`)).json() as { entries: Array<{ path: string, operation: string, retcode: string }> }
  t.match(journal.entries, [{ path: `${GW}/onlineagent/1001/agentstatus`, operation: 'getAgentStatus', retcode: '100-006' }])
})

t.test('the token is compared by digest: a UTF-8 token matches, its length does not leak', async (t) => {
  const token = 'pässwörd-✓'
  const s = await startServer({ port: 0, logLevel: 'silent', adminToken: token })
  t.teardown(() => s.close())
  const port = Number(new URL(s.url).port)
  // Header bytes are the token's UTF-8 bytes, as curl sends them.
  const bytes = Buffer.from(`Bearer ${token}`, 'utf8').toString('latin1')
  const ok = parseRaw(await rawHttp(port, `GET /__mock/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${bytes}\r\nConnection: close\r\n\r\n`))
  t.equal(ok.status, 200, ok.body)
  for (const wrong of ['Bearer p', `Bearer ${token}x`, 'Bearer pässwörd-?']) {
    const res = parseRaw(await rawHttp(port, `GET /__mock/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${Buffer.from(wrong, 'utf8').toString('latin1')}\r\nConnection: close\r\n\r\n`))
    t.equal(res.status, 401, wrong)
  }
})
