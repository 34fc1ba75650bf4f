/**
 * Credentials (spec §1, Part B §5–§8, issue #2 auth modes): for each mode, a client with one shared
 * cookie jar and a client that sends the Guid header, step by step. compat (default) takes a Guid
 * header only from the agent in the URL but any live session's JSESSIONID cookie; strict wants the
 * agent's own credential either way; off wants none.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { request } from 'node:http'
import t from 'tap'
import { build, GW } from '../helper.js'

const NO_RIGHT = { message: 'no right to invite resouce', retcode: '000-003' }
const NOT_SIGNED_IN = { message: 'the agent has not signed in', retcode: '100-006' }
const IDLE = { message: '', retcode: '0', result: { agentState: 4, isWorking: false } }

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE'

/** A client with one cookie jar for all its agents: keeps the first name=value of each Set-Cookie. */
class CookieJarClient {
  private readonly jar = new Map<string, string>()
  constructor (private readonly app: FastifyInstance) {}

  async send (method: Method, path: string, payload?: object): Promise<LightMyRequestResponse> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const res = await this.app.inject({
      method,
      url: `${GW}${path}`,
      headers: cookie === '' ? {} : { cookie },
      ...(payload === undefined ? {} : { payload })
    })
    const set = res.headers['set-cookie']
    for (const line of [set ?? []].flat()) {
      const first = String(line).split(';')[0] ?? ''
      const eq = first.indexOf('=')
      if (eq > 0) this.jar.set(first.slice(0, eq), first.slice(eq + 1))
    }
    return res
  }

  get session (): string | undefined { return this.jar.get('JSESSIONID') }
}

/** A client that keeps one GUID per agent from Set-GUID and sends it as the Guid header. */
class GuidHeaderClient {
  readonly guids = new Map<string, string>()
  constructor (private readonly app: FastifyInstance, private readonly headerName = 'Guid') {}

  async login (agentId: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'PUT', url: `${GW}/onlineagent/${agentId}`, payload: { password: '', phonenum: `7${agentId}` } })
    const set = res.headers['set-guid']
    if (set !== undefined) this.guids.set(agentId, String(set).split('=')[1] ?? '')
    return res
  }

  send (agentId: string, method: Method, path: string, guidOf = agentId): Promise<LightMyRequestResponse> {
    const guid = this.guids.get(guidOf)
    return this.app.inject({ method, url: `${GW}${path}`, headers: guid === undefined ? {} : { [this.headerName]: guid } })
  }
}

const loginBody = { password: '', phonenum: '40038' }

function inject (app: FastifyInstance, path: string, headers: Record<string, string> = {}, method: Method = 'GET'): Promise<LightMyRequestResponse> {
  return app.inject({ method, url: `${GW}${path}`, headers })
}

interface Raw { status: number, body: string }

function rawSend (port: number, path: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path: `${GW}${path}`, headers }, (res) => {
      let data = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { data += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }))
    })
    req.on('error', reject)
    req.end()
  })
}

// ---- compat (default) ------------------------------------------------------------------------

t.test('in compat mode a cookie-jar client and a Guid-header client both work as real clients expect', async (t) => {
  const { app } = await build(t)
  t.equal(app.simulator.opts.authMode, 'compat', 'compat is the default')

  t.test('a cookie-jar client signing in 1001 then 1002 sends the last cookie for both and is accepted', async (t) => {
    const jar = new CookieJarClient(app)
    t.equal((await jar.send('PUT', '/onlineagent/1001', loginBody)).json().retcode, '0')
    const first = jar.session
    t.equal((await jar.send('PUT', '/onlineagent/1002', loginBody)).json().retcode, '0')
    t.not(jar.session, first, 'the jar now holds 1002\'s JSESSIONID')
    t.strictSame((await jar.send('GET', '/onlineagent/1001/agentstatus')).json(), IDLE, '1001 with 1002\'s cookie')
    t.strictSame((await jar.send('GET', '/agentevent/1001')).json(), {
      message: '', retcode: '0', event: { eventType: 'AgentOther_InService', workNo: '1001', content: null }
    })
    t.strictSame((await jar.send('POST', '/onlineagent/1001/saybusy')).json(), { message: 'success', retcode: '0', result: {} })
    t.strictSame((await jar.send('GET', '/onlineagent/1002/agentstatus')).json(), IDLE)
    t.equal((await jar.send('GET', '/agentevent/allagentevent')).json().retcode, '0')
    t.strictSame((await jar.send('DELETE', '/onlineagent/1001/logout')).json(), { message: '', retcode: '0', result: null })
    t.strictSame((await jar.send('DELETE', '/onlineagent/1002/logout')).json(), { message: '', retcode: '0', result: null })
  })

  t.test('a Guid-header client may act only for the agent the GUID belongs to', async (t) => {
    const client = new GuidHeaderClient(app)
    t.equal((await client.login('1001')).json().retcode, '0')
    t.equal((await client.login('1002')).json().retcode, '0')
    t.strictSame((await client.send('1001', 'GET', '/onlineagent/1001/agentstatus')).json(), IDLE)
    t.strictSame((await client.send('1002', 'GET', '/onlineagent/1002/agentstatus')).json(), IDLE)
    t.strictSame((await client.send('1001', 'GET', '/onlineagent/1001/agentstatus', '1002')).json(), NO_RIGHT, '1002\'s GUID for 1001')
    t.strictSame((await client.send('1001', 'POST', '/onlineagent/1001/saybusy', '1002')).json(), NO_RIGHT)
    t.strictSame((await client.send('1001', 'GET', '/agentevent/1001', '1002')).json(), NO_RIGHT)
    t.strictSame((await inject(app, '/onlineagent/1001/agentstatus', { guid: 'ffffffff-ffff-4fff-8fff-ffffffffffff.AgentGateway0' })).json(), NO_RIGHT, 'an unknown GUID')
    t.strictSame((await inject(app, '/onlineagent/1001/agentstatus')).json(), NO_RIGHT, 'no credentials at all')
    t.strictSame((await inject(app, '/agentevent/allagentevent')).json(), NO_RIGHT, 'allagentevent without credentials')
    t.strictSame((await client.send('1003', 'GET', '/onlineagent/1003/agentstatus', '1001')).json(), NOT_SIGNED_IN, 'an agent not signed in: 100-006 first')
    t.strictSame((await inject(app, '/onlineagent/1003/agentstatus')).json(), NOT_SIGNED_IN)
  })

  t.test('a Guid header of another agent is refused even next to the right cookie', async (t) => {
    const client = new GuidHeaderClient(app)
    await client.login('1004')
    await client.login('1005')
    const a = client.guids.get('1004') ?? ''
    const b = client.guids.get('1005') ?? ''
    t.strictSame((await inject(app, '/onlineagent/1004/agentstatus', { guid: b, cookie: `JSESSIONID=${a}` })).json(), NO_RIGHT)
    t.strictSame((await inject(app, '/onlineagent/1004/agentstatus', { guid: a, cookie: `JSESSIONID=${b}` })).json(), IDLE)
  })

  t.test('a cookie of a session that has ended is refused', async (t) => {
    const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1006`, payload: loginBody })
    const guid = String(res.headers['set-guid']).replace('JSESSIONID=', '')
    await inject(app, '/onlineagent/1006/logout', { guid }, 'DELETE')
    const other = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1007`, payload: loginBody })
    t.equal(other.json().retcode, '0')
    t.strictSame((await inject(app, '/onlineagent/1007/agentstatus', { cookie: `JSESSIONID=${guid}` })).json(), NO_RIGHT, 'dead cookie for a live agent')
  })
})

// ---- strict ----------------------------------------------------------------------------------

t.test('in strict mode the header or the cookie must belong to the agent in the URL', async (t) => {
  const { app } = await build(t, { auth: 'strict' })

  t.test('a shared cookie jar works only for the agent its cookie belongs to', async (t) => {
    const jar = new CookieJarClient(app)
    t.equal((await jar.send('PUT', '/onlineagent/1001', loginBody)).json().retcode, '0')
    t.strictSame((await jar.send('GET', '/onlineagent/1001/agentstatus')).json(), IDLE, 'its own cookie')
    t.equal((await jar.send('PUT', '/onlineagent/1002', loginBody)).json().retcode, '0')
    t.strictSame((await jar.send('GET', '/onlineagent/1001/agentstatus')).json(), NO_RIGHT, '1002\'s cookie for 1001')
    t.strictSame((await jar.send('GET', '/agentevent/1001')).json(), NO_RIGHT)
    t.strictSame((await jar.send('GET', '/onlineagent/1002/agentstatus')).json(), IDLE)
  })

  t.test('a Guid-header client may act only for its own agent', async (t) => {
    const client = new GuidHeaderClient(app)
    await client.login('1003')
    await client.login('1004')
    t.strictSame((await client.send('1003', 'GET', '/onlineagent/1003/agentstatus')).json(), IDLE)
    t.strictSame((await client.send('1003', 'GET', '/onlineagent/1003/agentstatus', '1004')).json(), NO_RIGHT)
    t.strictSame((await inject(app, '/onlineagent/1003/agentstatus')).json(), NO_RIGHT, 'no credentials')
    const own = client.guids.get('1003') ?? ''
    const other = client.guids.get('1004') ?? ''
    t.strictSame((await inject(app, '/onlineagent/1003/agentstatus', { cookie: `JSESSIONID=${own}` })).json(), IDLE, 'its own cookie')
    t.strictSame((await inject(app, '/onlineagent/1003/agentstatus', { cookie: `JSESSIONID=${other}` })).json(), NO_RIGHT, 'another agent\'s cookie')
    t.strictSame((await inject(app, '/onlineagent/1003/agentstatus', { cookie: `JSESSIONID=${other}; JSESSIONID=${own}` })).json(), IDLE, 'one of several cookies is its own')
    t.strictSame((await inject(app, '/onlineagent/1003/agentstatus', { guid: other, cookie: `JSESSIONID=${own}` })).json(), IDLE, 'the cookie is its own')
    t.strictSame((await inject(app, '/onlineagent/1005/agentstatus', { guid: own })).json(), NOT_SIGNED_IN)
  })
})

// ---- off -------------------------------------------------------------------------------------

t.test('with auth off no credential is needed, but an agent not signed in still gets 100-006', async (t) => {
  const { app } = await build(t, { auth: 'off' })
  const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: loginBody })
  t.equal(res.json().retcode, '0')
  t.type(res.headers['set-guid'], 'string', 'sign-in still hands out a GUID')
  t.strictSame((await inject(app, '/onlineagent/1001/agentstatus')).json(), IDLE, 'no credentials')
  t.strictSame((await inject(app, '/agentevent/1001')).json(), {
    message: '', retcode: '0', event: { eventType: 'AgentOther_InService', workNo: '1001', content: null }
  })
  t.strictSame((await inject(app, '/onlineagent/1001/agentstatus', { guid: 'whatever' })).json(), IDLE, 'any GUID')
  t.strictSame((await inject(app, '/onlineagent/1001/saybusy', {}, 'POST')).json(), { message: 'success', retcode: '0', result: {} })
  t.strictSame((await inject(app, '/agentevent/allagentevent')).json(), {
    message: '',
    retcode: '0',
    event: [
      { eventType: 'AgentState_Ready', workNo: '1001', content: null },
      { eventType: 'AgentState_SetNotReady_Success', workNo: '1001', content: { reason: '0' } }
    ]
  })
  t.strictSame((await inject(app, '/onlineagent/1002/agentstatus')).json(), NOT_SIGNED_IN)
  t.strictSame((await inject(app, '/agentevent/1002')).json(), NOT_SIGNED_IN)
  t.strictSame((await inject(app, '/onlineagent/1001/logout', {}, 'DELETE')).json(), { message: '', retcode: '0', result: null })
  t.strictSame((await inject(app, '/onlineagent/1001/agentstatus')).json(), NOT_SIGNED_IN, 'signed out')
})

// ---- header and cookie parsing -----------------------------------------------------------------

t.test('the Guid header name is matched in any case on the wire', async (t) => {
  const { app } = await build(t)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: loginBody })
  const guid = String(res.headers['set-guid']).replace('JSESSIONID=', '')
  for (const name of ['guid', 'GUID', 'Guid', 'gUiD']) {
    const r = await rawSend(port, '/onlineagent/1001/agentstatus', { [name]: guid })
    t.equal(r.status, 200)
    t.equal(r.body, '{"message":"","retcode":"0","result":{"agentState":4,"isWorking":false}}', name)
  }
})

t.test('an empty Cookie header, several cookies and echoed cookie attributes are tolerated', async (t) => {
  const { app } = await build(t)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: loginBody })
  const guid = String(res.headers['set-guid']).replace('JSESSIONID=', '')
  const ok = '{"message":"","retcode":"0","result":{"agentState":4,"isWorking":false}}'
  const cases: Array<[string, Record<string, string>]> = [
    ['Guid header and an empty Cookie header', { Guid: guid, Cookie: '' }],
    ['several cookies', { Cookie: `a=1; JSESSIONID=${guid}; b=2` }],
    ['echoed attributes', { Cookie: `JSESSIONID=${guid}; Path=/` }],
    ['a load-balancer cookie first', { Cookie: `SERVERID=abc|123; JSESSIONID=${guid}` }],
    ['Guid header and unrelated cookies', { Guid: guid, Cookie: 'lang=en; theme=dark' }]
  ]
  for (const [what, headers] of cases) {
    const r = await rawSend(port, '/onlineagent/1001/agentstatus', headers)
    t.equal(r.status, 200, what)
    t.equal(r.body, ok, what)
  }
  const empty = await rawSend(port, '/onlineagent/1001/agentstatus', { Cookie: '' })
  t.equal(empty.body, '{"message":"no right to invite resouce","retcode":"000-003"}', 'an empty Cookie alone is no credential')
  const unrelated = await rawSend(port, '/onlineagent/1001/agentstatus', { Cookie: 'lang=en' })
  t.equal(JSON.parse(unrelated.body).retcode, '000-003')
})

// ---- ended sessions --------------------------------------------------------------------------

t.test('a GUID of a session that has ended never works again', async (t) => {
  for (const auth of ['compat', 'strict'] as const) {
    t.test(`in ${auth} mode`, async (t) => {
      const { app, clock } = await build(t, { auth })
      const client = new GuidHeaderClient(app)
      const sign = async (): Promise<string> => { await client.login('1001'); return client.guids.get('1001') ?? '' }
      const asHeader = async (g: string): Promise<unknown> => (await inject(app, '/onlineagent/1001/agentstatus', { guid: g })).json()
      const asCookie = async (g: string): Promise<unknown> => (await inject(app, '/onlineagent/1001/agentstatus', { cookie: `JSESSIONID=${g}` })).json()

      const g1 = await sign()
      await inject(app, '/onlineagent/1001/logout', { guid: g1 }, 'DELETE')
      const g2 = await sign()
      t.not(g2, g1)
      t.strictSame(await asHeader(g1), NO_RIGHT, 'after logout, as header')
      t.strictSame(await asCookie(g1), NO_RIGHT, 'after logout, as cookie')
      t.strictSame(await asHeader(g2), IDLE)

      const forced = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001/forcelogin`, payload: loginBody })
      const g3 = String(forced.headers['set-guid']).replace('JSESSIONID=', '')
      t.strictSame(await asHeader(g2), NO_RIGHT, 'after being displaced by forcelogin')
      t.strictSame(await asCookie(g2), NO_RIGHT)

      await inject(app, '/onlineagent/1001/forcelogout', { guid: g3 }, 'DELETE')
      const g4 = await sign()
      t.strictSame(await asHeader(g3), NO_RIGHT, 'after forcelogout')

      clock.advance(120000) // the 2-minute rule signs g4's session out
      const g5 = await sign()
      t.not(g5, g4)
      t.strictSame(await asHeader(g4), NO_RIGHT, 'after the inactivity sign-out')
      t.strictSame(await asHeader(g5), IDLE)
    })
  }
})
