/**
 * The undici sender's pools (issue #12, workload j): one per receiver origin, kept while the mock
 * runs. undici's Agent closed an origin's pool whenever its last connection failed, so with a
 * receiver down each new try of the port built a new pool; now a refused port keeps its pool,
 * and past `maxOrigins` the oldest pool is closed, its connections with it.
 */
import t from 'tap'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createUndiciSender } from '../../src/push/undici-sender.js'
import type { PushPoster, PushReply } from '../../src/domain/push/types.js'
import { until } from '../helper.js'

const ANSWER = '{"message":"success","retcode":"0"}'

async function server (t: { teardown(fn: () => unknown): void }, port = 0): Promise<{ s: Server, url: string }> {
  const s = createServer((req, res) => {
    req.resume()
    req.on('end', () => { res.setHeader('Content-Type', 'application/json'); res.end(ANSWER) })
  })
  // Idle connections stay (undici reads `Keep-Alive: timeout=60`): a slow run does not close them under the test.
  s.keepAliveTimeout = 60000
  s.listen(port, '127.0.0.1')
  await once(s, 'listening')
  t.teardown(() => { s.closeAllConnections(); s.close() })
  return { s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` }
}

function post (sender: PushPoster, url: string): Promise<{ err: Error | undefined, reply: PushReply | undefined }> {
  return new Promise(resolve => {
    sender.post({ url, headers: { 'Content-Type': 'application/json' }, body: '{"workNo":"1001","eventList":[]}' }, (err, reply) => { resolve({ err, reply }) })
  })
}

const connectionsOf = (s: Server): Promise<number> => new Promise((resolve, reject) => { s.getConnections((err, n) => { if (err) reject(err); else resolve(n) }) })

t.test('a refused port keeps its one pool; the receiver back, the same pool delivers', async (t) => {
  const sender = createUndiciSender({ insecure: false, caFile: '', connections: 4 })
  t.teardown(() => sender.close())
  // A port that refuses: free a listening one.
  const probe = await server(t)
  const url = probe.url
  await new Promise(resolve => { probe.s.close(resolve) })
  for (let i = 0; i < 3; i++) {
    const { err } = await post(sender, `${url}/cb`)
    t.match(err, { code: 'ECONNREFUSED' }, `try ${i + 1} refused`)
    t.equal(sender.origins, 1, 'one pool, kept')
  }
  await server(t, Number(new URL(url).port))
  const { err, reply } = await post(sender, `${url}/cb`)
  t.equal(err, undefined)
  t.strictSame(reply, { status: 200, body: ANSWER })
  t.equal(sender.origins, 1)
})

t.test('past maxOrigins the oldest pool is closed with its connections', async (t) => {
  const sender = createUndiciSender({ insecure: false, caFile: '', connections: 4, maxOrigins: 2 })
  t.teardown(() => sender.close())
  const [a, b, c] = [await server(t), await server(t), await server(t)]
  for (const r of [a, b]) t.equal((await post(sender, `${r.url}/cb`)).reply?.status, 200)
  t.equal(await connectionsOf(a.s), 1, 'a keep-alive connection to the first receiver')
  t.equal((await post(sender, `${c.url}/cb`)).reply?.status, 200)
  t.equal(sender.origins, 2)
  await until(async () => await connectionsOf(a.s) === 0, 'the first receiver\'s connection closed')
  t.equal(await connectionsOf(b.s), 1, 'the second receiver keeps its connection')
  t.equal((await post(sender, `${a.url}/cb`)).reply?.status, 200, 'the first receiver again: a new pool')
})

t.test('a closed sender answers every POST with an error and opens nothing', async (t) => {
  const sender = createUndiciSender({ insecure: false, caFile: '', connections: 4 })
  const r = await server(t)
  t.equal((await post(sender, `${r.url}/cb`)).reply?.status, 200)
  await sender.close()
  t.equal(sender.origins, 0)
  const { err } = await post(sender, `${r.url}/cb`)
  t.equal(err?.message, 'the push sender is closed')
  t.equal(sender.origins, 0)
})
