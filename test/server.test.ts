/**
 * The listening server: HTTPS with a self-signed certificate, the bound URL on port 0, and a
 * graceful close that answers held polls. The CLI's signal handling runs in a child process.
 */
import { spawn } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import t from 'tap'
import { startServer } from '../src/server.js'

function get (url: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number, body: string, headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url)
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method, headers, rejectUnauthorized: false }, (res) => {
      let data = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { data += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }))
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

t.test('--tls serves HTTPS with a self-signed certificate and prints an https URL', async (t) => {
  const s = await startServer({ port: 0, tls: true, logLevel: 'silent' })
  t.teardown(() => s.close())
  t.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/)
  const res = await get(`${s.url}/__mock/health`)
  t.equal(res.status, 200)
  const login = await get(`${s.url}/agentgateway/resource/onlineagent/1001`, { 'content-type': 'application/json' }, 'PUT', '{"password":"","phonenum":"1"}')
  t.equal(JSON.parse(login.body).retcode, '0')
})

t.test('closing the server answers a held poll with the empty body', async (t) => {
  const s = await startServer({ port: 0, logLevel: 'silent', pollWaitMs: 60000 })
  const login = await get(`${s.url}/agentgateway/resource/onlineagent/1001`, { 'content-type': 'application/json' }, 'PUT', '{"password":"","phonenum":"1"}')
  const guid = String(login.headers['set-guid']).replace('JSESSIONID=', '')
  // Drain the sign-in events, then hold a poll.
  await get(`${s.url}/agentgateway/resource/agentevent/1001`, { guid })
  await get(`${s.url}/agentgateway/resource/agentevent/1001`, { guid })
  const held = get(`${s.url}/agentgateway/resource/agentevent/1001`, { guid })
  // Wait until the simulator holds it (no sleeping: check the queue on each macrotask).
  const agent = s.app.simulator.agents.get('1001')
  while (agent?.queue.holding !== true) await new Promise(resolve => setImmediate(resolve))
  await s.close()
  const res = await held
  t.equal(res.status, 200)
  t.equal(res.body, '{"message":"","retcode":"0"}')
})

t.test('the CLI prints its URL, and exits 0 on SIGTERM', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (c: string) => {
      err += c
      const m = /listening on (http:\/\/\S+)/.exec(err)
      if (m !== null) resolve(m[1]!)
    })
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)))
  })
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal((await get(`${url}/__mock/ready`)).status, 200)
  const code = await new Promise<number | null>((resolve) => { child.on('exit', resolve); child.kill('SIGTERM') })
  t.equal(code, 0)
})
