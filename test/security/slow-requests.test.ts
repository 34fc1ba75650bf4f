/**
 * Issue #16, finding 10: a chunked body that never ends was held forever (Fastify's requestTimeout
 * was 0: 200 such connections were still open after 130 s). Requests must now arrive within
 * --request-timeout-ms (answered 408 in the envelope, connection closed); a held poll, whose
 * request has arrived, is never cut. Waits for conditions (the socket closing), never for a time.
 */
import { connect, type Socket } from 'node:net'
import t from 'tap'
import { startServer } from '../../src/server.js'
import { GW, parseRaw } from '../helper.js'

/** Open a socket, send `head`; `answer` is all that came back once the server closed it. */
function open (port: number, head: string): { socket: Socket, answer: Promise<string>, until: (text: string) => Promise<string> } {
  const socket = connect(port, '127.0.0.1')
  socket.setEncoding('latin1')
  let data = ''
  const waiting: Array<{ text: string, resolve: (d: string) => void }> = []
  socket.on('data', (c: string) => {
    data += c
    for (const w of waiting.filter(w => data.includes(w.text))) w.resolve(data)
  })
  const answer = new Promise<string>(resolve => { socket.on('close', () => resolve(data)); socket.on('error', () => {}) })
  socket.write(head, 'latin1')
  const until = (text: string): Promise<string> => new Promise(resolve => { if (data.includes(text)) resolve(data); else waiting.push({ text, resolve }) })
  return { socket, answer, until }
}

t.test('bodies and headers that never end are cut; a held poll is not', async (t) => {
  const s = await startServer({ port: 0, logLevel: 'silent', clock: 'virtual', pollWaitMs: 10000, requestTimeoutMs: 400 })
  t.teardown(() => s.close())
  const port = Number(new URL(s.url).port)
  const login = await fetch(`${s.url}${GW}/onlineagent/1001`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"password":"","phonenum":"71001"}' })
  const guid = (login.headers.get('set-guid') ?? '').replace('JSESSIONID=', '')
  // Take the two sign-in events, so the next poll is held (the virtual clock stands still).
  for (const type of ['AgentOther_InService', 'AgentState_Ready']) {
    t.match(await (await fetch(`${s.url}${GW}/agentevent/1001`, { headers: { guid } })).json(), { event: { eventType: type } })
  }
  const poll = open(port, `GET ${GW}/agentevent/1001 HTTP/1.1\r\nHost: 127.0.0.1\r\nGuid: ${guid}\r\n\r\n`)
  const chunked = open(port, `PUT ${GW}/voicecall/1001/callinner HTTP/1.1\r\nHost: 127.0.0.1\r\nGuid: ${guid}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"cal\r\n`)
  const headers = open(port, `GET ${GW}/onlineagent/1001/agentstatus HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a`)

  const cut = parseRaw(await chunked.answer)
  t.equal(cut.status, 408, 'the endless body: 408')
  t.same(JSON.parse(cut.body), { message: 'malformed HTTP request (ERR_HTTP_REQUEST_TIMEOUT)', retcode: '000-002' })
  const slow = await headers.answer
  t.ok(slow === '' || parseRaw(slow).status === 408, `the endless headers: closed (${JSON.stringify(slow.slice(0, 40))})`)

  t.notOk(poll.socket.destroyed, 'the held poll is still open after both were cut')
  await fetch(`${s.url}/__mock/agents/1001/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"eventType":"Custom_Done"}' })
  const answered = await poll.until('Custom_Done')
  t.equal(parseRaw(answered).status, 200)
  t.match(JSON.parse(parseRaw(answered).body), { retcode: '0', event: { eventType: 'Custom_Done' } }, 'it is answered with its event')
  poll.socket.destroy()
})
