/**
 * Isolation and access (issue #7): which credential may act for which agent in each auth mode
 * (docs/auth.md), GUIDs of ended sessions never working again, GUIDs unguessable unless --seed,
 * the control API's token, binding to 127.0.0.1, and secrets kept out of logs and the journal.
 */
import type { FastifyInstance } from 'fastify'
import { readFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { defaultConfig, type Config } from '../../src/config.js'
import { ManualClock } from '../../src/domain/clock.js'
import { loggerOptions } from '../../src/logger.js'
import { startServer } from '../../src/server.js'
import { build, GW } from '../helper.js'

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.AgentGateway0$/

async function login (app: FastifyInstance, id: string, force = false, body: object = { password: '', phonenum: `7${id}` }): Promise<string> {
  const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${id}${force ? '/forcelogin' : ''}`, payload: body })
  if (res.json().retcode !== '0') throw new Error(`sign-in of ${id}: ${res.body}`)
  return String(res.headers['set-guid']).replace('JSESSIONID=', '')
}

async function retcode (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, headers: Record<string, string>, payload?: object): Promise<string> {
  const res = await app.inject({ method, url: `${GW}${path}`, headers, ...(payload === undefined ? {} : { payload }) })
  return String(res.json().retcode)
}

// ---- the auth-mode matrix --------------------------------------------------------------------

type Who = 'own' | 'other' | 'stale' | 'none'
const WHO: Who[] = ['own', 'other', 'stale', 'none']

/** docs/auth.md, as a function: may a request with this header and cookie act for agent A? */
function allowed (mode: Config['auth'], header: Who, cookie: Who): boolean {
  if (mode === 'off') return true
  const live = (w: Who): boolean => w === 'own' || w === 'other'
  if (mode === 'strict') return header === 'own' || cookie === 'own'
  // compat: a Guid header must be the agent's own; with no header, any live session's cookie.
  if (header !== 'none') return header === 'own'
  return live(cookie)
}

for (const mode of ['compat', 'strict', 'off'] as const) {
  t.test(`auth ${mode}: Guid header × cookie of own / other / stale agent / none`, async (t) => {
    const { app } = await build(t, { auth: mode })
    const stale = await login(app, '1001')
    const own = await login(app, '1001', true) // the first session ends: its GUID is stale
    const other = await login(app, '1002')
    const value = { own, other, stale, none: '' }
    let cases = 0
    for (const header of WHO) {
      for (const cookie of WHO) {
        const headers: Record<string, string> = {
          ...(header === 'none' ? {} : { guid: value[header] }),
          ...(cookie === 'none' ? {} : { cookie: `JSESSIONID=${value[cookie]}` })
        }
        const want = allowed(mode, header, cookie) ? '0' : '000-003'
        const what = `header ${header}, cookie ${cookie}`
        t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', headers), want, `${what}: agentstatus of 1001`)
        t.equal(await retcode(app, 'GET', '/agentevent/1001', headers), want, `${what}: poll of 1001`)
        // A state change, undone when it was allowed, so every case starts from idle.
        t.equal(await retcode(app, 'POST', '/onlineagent/1001/saybusy', headers), want, `${what}: saybusy of 1001`)
        if (want === '0') t.equal(await retcode(app, 'POST', '/onlineagent/1001/cancelbusy', { guid: own }), mode === 'off' ? '0' : '0')
        t.equal(await retcode(app, 'PUT', '/voicecall/1001/callout', headers, { called: '5550101' }), want, `${what}: callout of 1001`)
        cases++
      }
    }
    t.equal(cases, 16)
    // The agent that owns the "other" credential is never touched by any of it.
    const b = (await app.inject({ method: 'GET', url: '/__mock/agents/1002' })).json()
    t.equal(b.status, 'idle', '1002 unchanged')
    t.strictSame(b.calls, [])
    // Nothing at all: refused unless auth is off; a signed-out agent is 100-006 first in every mode.
    t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', {}), mode === 'off' ? '0' : '000-003')
    t.equal(await retcode(app, 'GET', '/onlineagent/1003/agentstatus', { guid: own }), '100-006')
    t.equal(await retcode(app, 'GET', '/agentevent/allagentevent', { guid: stale }), mode === 'off' ? '0' : '000-003', 'allagentevent with a dead GUID')
    t.equal(await retcode(app, 'GET', '/agentevent/allagentevent', { guid: other }), '0', 'allagentevent with any live GUID')
  })
}

// ---- ended sessions --------------------------------------------------------------------------

t.test('a GUID whose session ended never works again, whatever ended it', async (t) => {
  for (const mode of ['compat', 'strict'] as const) {
    const { app, clock } = await build(t, { auth: mode, inactivityTimeoutMs: 120000 })
    const witness = await login(app, '1002')
    const endings: Array<[string, (guid: string) => Promise<void>]> = [
      ['logout', async (g) => { t.equal(await retcode(app, 'DELETE', '/onlineagent/1001/logout', { guid: g }), '0') }],
      ['forcelogout', async (g) => { t.equal(await retcode(app, 'DELETE', '/onlineagent/1001/forcelogout', { guid: g }), '0') }],
      ['forcelogoutwithreason', async (g) => { t.equal(await retcode(app, 'DELETE', '/onlineagent/1001/forcelogoutwithreason/3', { guid: g }), '0') }],
      ['forced sign-in elsewhere (displaced)', async () => { await login(app, '1001', true) }],
      ['the 2-minute rule', async () => {
        clock.advance(60000)
        await retcode(app, 'GET', '/agentevent/1002', { guid: witness }) // 1002 stays
        clock.advance(60000)
      }],
      ['a forceSignOut fault', async (g) => {
        await app.inject({ method: 'POST', url: '/__mock/faults', payload: { match: { operation: 'getAgentStatus', agent: '1001' }, fire: { times: 1 }, action: { forceSignOut: true } } })
        t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', { guid: g }), '100-006')
      }],
      ['a GUID expiry fault (agent stays signed in)', async (g) => {
        await app.inject({ method: 'POST', url: '/__mock/faults', payload: { match: { operation: 'handShake', agent: '1001' }, fire: { times: 1 }, action: { expireGuid: true } } })
        t.equal(await retcode(app, 'POST', '/onlineagent/1001/handshake', { guid: g }), '000-003')
      }],
      ['control API reset', async () => { await app.inject({ method: 'POST', url: '/__mock/agents/1001/reset' }) }],
      ['control API state signedOut', async () => { await app.inject({ method: 'PUT', url: '/__mock/agents/1001/state', payload: { state: 'signedOut' } }) }]
    ]
    const dead: string[] = []
    for (const [name, end] of endings) {
      const guid = await login(app, '1001', true)
      t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', { guid }), '0', `${mode}, ${name}: works before`)
      await end(guid)
      dead.push(guid)
      const fresh = await login(app, '1001', true)
      for (const g of dead) {
        t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', { guid: g }), '000-003', `${mode}, ${name}: dead GUID as header`)
        t.equal(await retcode(app, 'GET', '/agentevent/1001', { cookie: `JSESSIONID=${g}` }), '000-003', `${mode}, ${name}: dead GUID as cookie`)
        t.equal(await retcode(app, 'GET', '/onlineagent/1002/agentstatus', { cookie: `JSESSIONID=${g}` }), '000-003', `${mode}, ${name}: dead GUID as cookie, for another agent`)
        t.equal(await retcode(app, 'GET', '/agentevent/allagentevent', { guid: g }), '000-003', `${mode}, ${name}: dead GUID for allagentevent`)
      }
      t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', { guid: fresh }), '0', `${mode}, ${name}: the new session works`)
      t.equal(await retcode(app, 'GET', '/agentevent/1002', { guid: witness }), '0', 'keeps 1002 alive')
      await retcode(app, 'GET', '/agentevent/1001', { guid: fresh })
    }
  }
})

t.test('dynamic rotation: a rotated-out GUID works for the grace period only, and never after sign-out', async (t) => {
  const { app, clock } = await build(t, { guidRotation: 'dynamic', guidGraceMs: 30000 })
  const first = await login(app, '1001')
  const poll = await app.inject({ method: 'GET', url: `${GW}/agentevent/1001`, headers: { guid: first } })
  const second = String(poll.headers['set-guid']).replace('JSESSIONID=', '')
  t.match(second, V4)
  t.not(second, first)
  t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', { guid: first }), '0', 'within the grace period')
  clock.advance(30001)
  t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', { guid: first }), '000-003', 'after it')
  t.equal(await retcode(app, 'DELETE', '/onlineagent/1001/logout', { guid: second }), '0')
  await login(app, '1001')
  t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', { guid: second }), '000-003', 'the signed-out session\'s newest GUID')
})

// ---- GUIDs -----------------------------------------------------------------------------------

t.test('GUIDs are crypto-random UUID v4 without --seed, and repeat with one', async (t) => {
  const { app } = await build(t)
  const guids: string[] = []
  for (let i = 0; i < 1000; i++) guids.push(await login(app, String(2000 + i)))
  t.equal(new Set(guids).size, 1000, '1000 GUIDs, all different')
  t.ok(guids.every(g => V4.test(g)), 'each a UUID v4 with the gateway suffix')
  // Every random hex digit takes (nearly) all 16 values over 1000 GUIDs: no counter, no clock.
  const positions = [...guids[0]!.slice(0, 36)].map((_, i) => i).filter(i => ![8, 13, 14, 18, 19, 23].includes(i))
  const narrow = positions.filter(i => new Set(guids.map(g => g[i])).size < 14)
  t.strictSame(narrow, [], 'no hex position stuck on a few values')
  const other = await build(t)
  t.not(await login(other.app, '2000'), guids[0], 'another mock without a seed hands out other GUIDs')

  const seeded = async (seed: number): Promise<string[]> => {
    const s = await build(t, { seed })
    return [await login(s.app, '1001'), await login(s.app, '1002'), await login(s.app, '1001', true)]
  }
  const a = await seeded(42)
  t.strictSame(await seeded(42), a, 'the same seed, the same GUIDs')
  t.notSame(await seeded(43), a, 'another seed, other GUIDs')
  t.ok(a.every(g => V4.test(g)), 'seeded GUIDs keep the format')
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  t.match(readme, /GUIDs are crypto-random and unguessable unless `--seed`/, 'the README says so')
})

// ---- the control API token -------------------------------------------------------------------

t.test('--admin-token: every control route needs exactly Authorization: Bearer <token>; gateway routes never do', async (t) => {
  const TOKEN = 's3cr3t-token'
  const { app } = await build(t, { adminToken: TOKEN })
  const doc = (await app.inject({ method: 'GET', url: '/__mock/openapi.json', headers: { authorization: `Bearer ${TOKEN}` } })).json() as { paths: Record<string, Record<string, unknown>> }
  const control = Object.entries(doc.paths).filter(([p]) => p.startsWith('/__mock/')).flatMap(([p, ops]) => Object.keys(ops).map(m => [m.toUpperCase(), p.replace(/\{[^}]+\}/g, 'x1')] as const))
  t.ok(control.length >= 30, `${control.length} control routes`)
  const wrong = [undefined, 'Bearer', `Bearer ${TOKEN} `, `bearer ${TOKEN}`, `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Bearer ${TOKEN}x`]
  for (const [method, url] of control) {
    const open = url === '/__mock/health' || url === '/__mock/ready'
    for (const auth of wrong) {
      const res = await app.inject({ method: method as 'GET', url, headers: auth === undefined ? {} : { authorization: auth } })
      if (open) t.equal(res.statusCode, 200, `${method} ${url} is open`)
      else {
        t.equal(res.statusCode, 401, `${method} ${url} with ${JSON.stringify(auth)}`)
        t.strictSame(Object.keys(res.json()), ['message', 'retcode'], 'the envelope, nothing else')
      }
    }
    const q = await app.inject({ method: method as 'GET', url: `${url}?token=${TOKEN}&access_token=${TOKEN}` })
    if (!open) t.equal(q.statusCode, 401, `${method} ${url}: a token in the query string is not enough`)
    const ok = await app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } })
    t.not(ok.statusCode, 401, `${method} ${url} with the token`)
  }
  // The token does nothing for gateway routes, and they answer as usual without it.
  const guid = await login(app, '1001')
  t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', { guid }), '0')
  t.equal(await retcode(app, 'GET', '/onlineagent/1001/agentstatus', { authorization: `Bearer ${TOKEN}` }), '000-003', 'the admin token is not a gateway credential')
  const noAdmin = await build(t, { noAdmin: true })
  t.equal((await noAdmin.app.inject({ method: 'GET', url: '/__mock/agents' })).statusCode, 404, '--no-admin: no control API')
  t.equal((await noAdmin.app.inject({ method: 'GET', url: '/__mock/ready' })).statusCode, 200, '--no-admin: readiness stays')
})

t.test('the server binds 127.0.0.1 by default', async (t) => {
  t.equal(defaultConfig().host, '127.0.0.1')
  const s = await startServer({ port: 0, logLevel: 'silent' })
  t.teardown(() => s.close())
  t.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal((s.app.server.address() as { address: string }).address, '127.0.0.1')
})

// ---- secrets in logs and the journal ---------------------------------------------------------

t.test('passwords and GUIDs never reach a log line or the journal', async (t) => {
  const lines: string[] = []
  const stream = new Writable({ write (chunk: Buffer, _enc, done) { lines.push(...chunk.toString('utf8').split('\n').filter(l => l !== '')); done() } })
  const config: Partial<Config> = { pollWaitMs: 0, guidRotation: 'dynamic', logLevel: 'trace' }
  const app = await buildApp(config, { clock: new ManualClock(), logger: { ...loggerOptions('trace', false), stream } })
  t.teardown(() => app.close())
  const PASSWORD = 'Pa55-w0rd!xyzzy'
  const secrets = new Set<string>([PASSWORD])
  const remember = (res: { headers: Record<string, unknown> }): void => {
    const g = res.headers['set-guid']
    if (g !== undefined) secrets.add(String(g).replace('JSESSIONID=', ''))
  }
  const send = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: object | string): Promise<void> => {
    remember(await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) }))
  }
  await send('PUT', `${GW}/onlineagent/1001`, {}, { password: PASSWORD, phonenum: '71001' })
  await send('PUT', `${GW}/onlineagent/1002/forcelogin`, {}, { password: PASSWORD, phonenum: '71002', serviceToken: PASSWORD })
  const [g1, g2] = [...secrets].slice(1)
  await send('GET', `${GW}/agentevent/1001`, { guid: g1! })
  await send('POST', `${GW}/onlineagent/1001/handshake`, { cookie: `JSESSIONID=${g1!}` })
  await send('GET', `${GW}/onlineagent/1001/agentstatus`, { guid: g2! }) // another agent's GUID: a warning
  await send('GET', `${GW}/onlineagent/1001/agentstatus?guid=${g1!}&password=${PASSWORD}`, { guid: 'not-a-guid' })
  await send('PUT', `${GW}/voicecall/1002/callinner`, { guid: g2! }, { called: '9002', password: PASSWORD, nested: { guid: g1, password: PASSWORD } })
  await send('PUT', `${GW}/onlineagent/1003`, { 'content-type': 'application/json' }, `{"password":"${PASSWORD}","phonenum":`)
  await send('PUT', `${GW}/onlineagent/1003`, {}, { password: PASSWORD })
  await send('DELETE', `${GW}/onlineagent/1001/logout`, { guid: g1!, cookie: `JSESSIONID=${g2!}` })
  await send('GET', `${GW}/nosuch/1001?password=${PASSWORD}&Guid=${g1!}&x=1`)
  t.ok(secrets.size >= 4, `${secrets.size} secrets in play`)
  t.ok(lines.length >= 10, `${lines.length} log lines`)
  for (const s of secrets) {
    const hits = lines.filter(l => l.includes(s))
    t.strictSame(hits, [], `not in the log: ${s === PASSWORD ? 'the password' : 'a GUID'}`)
  }
  const journal = (await app.inject({ method: 'GET', url: '/__mock/journal' })).body
  t.ok(JSON.parse(journal).entries.length >= 10, 'the journal has the requests')
  for (const s of secrets) t.notOk(journal.includes(s), `not in the journal: ${s === PASSWORD ? 'the password' : 'a GUID'}`)
})
