/**
 * Issue #16, lower findings at the HTTP edge: an unsupported `Expect` gets the envelope (Node's own
 * 417 had an empty body), and requests held by a delayMs fault are answered when the server
 * closes instead of losing their sockets. (The token comparison: access-bypass.test.ts; extends:
 * timeline-loops.test.ts; scenario names with ':' in the dashboard: ui/dashboard-names.test.ts.)
 */
import t from 'tap'
import { startServer } from '../../src/server.js'
import { GW, parseRaw, rawHttp } from '../helper.js'

t.test('Expect other than 100-continue: 417 with the envelope', async (t) => {
  const s = await startServer({ port: 0, logLevel: 'silent' })
  t.teardown(() => s.close())
  const port = Number(new URL(s.url).port)
  for (const expect of ['999-x', '200-ok', 'x'.repeat(300)]) {
    const res = parseRaw(await rawHttp(port, `PUT ${GW}/onlineagent/1001 HTTP/1.1\r\nHost: x\r\nExpect: ${expect}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`))
    t.equal(res.status, 417, expect.slice(0, 20))
    t.equal(res.headers['content-type'], 'application/json;charset=UTF-8')
    t.same(JSON.parse(res.body), { message: `unsupported Expect: ${expect.slice(0, 100)}`, retcode: '000-002' })
  }
  const cont = await rawHttp(port, `PUT ${GW}/onlineagent/1001 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`)
  t.match(cont, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/, '100-continue still works')
})

t.test('a request held by a delayMs fault is answered when the server closes', async (t) => {
  const s = await startServer({ port: 0, logLevel: 'silent' })
  const port = Number(new URL(s.url).port)
  const arm = await fetch(`${s.url}/__mock/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"match":{"operation":"getAgentStatus"},"action":{"delayMs":600000}}' })
  t.equal(arm.status, 201)
  const held = rawHttp(port, `GET ${GW}/onlineagent/1001/agentstatus HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 30000)
  // Wait until the fault holds it (no sleeping: check on each macrotask).
  while (s.app.simulator.faults.list()[0]?.fired !== 1) await new Promise(resolve => setImmediate(resolve))
  await s.close()
  const res = parseRaw(await held)
  t.equal(res.status, 200, 'answered, not a closed socket')
  t.same(JSON.parse(res.body), { message: 'the agent has not signed in', retcode: '100-006' })
})
