/**
 * The test-side client (issue #5): start a mock in-process on a free port and steer it.
 *
 *   const mock = await startMockGateway({ auth: 'strict' })
 *   const guid = await mock.gateway.signIn('1001')
 *   await mock.gateway.callInner('1001', '9001')
 *   await mock.admin.clock.advance(1000)          // with { clock: 'virtual' }
 *   await mock.admin.journal.verify({ match: { operation: 'callInner' }, count: 1 })
 *   await mock.close()
 */
import type { Config } from './config.js'
import type { CustomerCallInput } from './domain/contact-center.js'
import type { JournalQuery, VerifyRequest, VerifyResult } from './domain/journal.js'
import type { EventAnswer } from './schemas/answers.js'
import { startServer } from './server.js'

// The shapes are the mock's own, imported (never re-declared here).
export type MockGatewayOptions = Partial<Config>
/** An event as a poll answers it. */
export type GatewayEvent = EventAnswer
/** The gateway's answer envelope. */
export interface Envelope<R = unknown> { message: string, retcode: string, result?: R, event?: GatewayEvent }
/** Journal criteria (`GET /__mock/journal`, `POST /__mock/journal/verify`). */
export type JournalMatch = JournalQuery
export type { VerifyRequest, VerifyResult }
/** A customer's call (`POST /__mock/customers`): exactly one of `to`, `skillid` or `agent`. */
export type CustomerCall = CustomerCallInput

/** A control-API or gateway answer that was not what the helper expected. */
export class MockGatewayError extends Error {
  constructor (message: string, readonly status: number, readonly body: unknown) { super(message); this.name = 'MockGatewayError' }
}

type Json = Record<string, unknown>

function makeFetcher (base: string, token: string) {
  return async function request<T = Json> (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number, body: T, headers: Headers }> {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === '' ? {} : { authorization: `Bearer ${token}` }),
        ...headers
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await res.text()
    let parsed: unknown
    try { parsed = text === '' ? undefined : JSON.parse(text) } catch { parsed = text }
    return { status: res.status, body: parsed as T, headers: res.headers }
  }
}

export function adminClient (url: string, token = '') {
  const req = makeFetcher(url, token)
  const ok = async <T = Json>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await req<T>(method, path, body)
    if (r.status >= 400) throw new MockGatewayError(`${method} ${path} → ${r.status}: ${JSON.stringify(r.body)}`, r.status, r.body)
    return r.body
  }
  const q = (query: object): string => {
    const s = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString()
    return s === '' ? '' : `?${s}`
  }
  const enc = encodeURIComponent
  return {
    reset: () => ok('POST', '/__mock/reset'),
    agents: {
      list: async () => (await ok<{ agents: Json[] }>('GET', '/__mock/agents')).agents,
      get: (id: string) => ok('GET', `/__mock/agents/${enc(id)}`),
      login: async (id: string, body: Json = {}) => (await ok<{ guid: string }>('POST', `/__mock/agents/${enc(id)}/login`, body)).guid,
      setState: (id: string, state: 'idle' | 'busy' | 'rest' | 'work' | 'signedOut') => ok('PUT', `/__mock/agents/${enc(id)}/state`, { state }),
      reset: (id: string) => ok('POST', `/__mock/agents/${enc(id)}/reset`)
    },
    events: {
      peek: async (id: string) => (await ok<{ events: GatewayEvent[] }>('GET', `/__mock/agents/${enc(id)}/events`)).events,
      inject: (id: string, eventType: string, content: unknown = null) => ok('POST', `/__mock/agents/${enc(id)}/events`, { eventType, content }),
      history: async (id: string) => (await ok<{ events: GatewayEvent[] }>('GET', `/__mock/agents/${enc(id)}/history`)).events
    },
    calls: {
      list: async (all = false) => (await ok<{ calls: Json[] }>('GET', `/__mock/calls${all ? '?all=true' : ''}`)).calls,
      get: (callid: string) => ok('GET', `/__mock/calls/${enc(callid)}`),
      answer: (callid: string) => ok('POST', `/__mock/calls/${enc(callid)}/answer`),
      reject: (callid: string) => ok('POST', `/__mock/calls/${enc(callid)}/reject`),
      hangUp: (callid: string) => ok('POST', `/__mock/calls/${enc(callid)}/hangup`),
      hold: (callid: string) => ok('POST', `/__mock/calls/${enc(callid)}/hold`)
    },
    /** A customer calls in: to an access code (`to`), a skill queue (`skillid`) or one idle agent (`agent`); returns the call id. */
    customerCalls: async (call: CustomerCall) => (await ok<{ callid: string }>('POST', '/__mock/customers', call)).callid,
    queues: async () => (await ok<{ queues: Json[] }>('GET', '/__mock/queues')).queues,
    journal: {
      find: async (match: JournalMatch & { limit?: number, order?: 'newest' | 'oldest' } = {}) => (await ok<{ entries: Json[] }>('GET', `/__mock/journal${q({ ...match, body: undefined })}`)).entries,
      count: async (match: JournalMatch = {}) => (await ok<{ count: number }>('GET', `/__mock/journal/count${q({ ...match, body: undefined })}`)).count,
      clear: () => ok('DELETE', '/__mock/journal'),
      verify: (v: VerifyRequest) => ok<VerifyResult>('POST', '/__mock/journal/verify', v)
    },
    faults: {
      list: async () => (await ok<{ rules: Json[] }>('GET', '/__mock/faults')).rules,
      arm: (rule: Json) => ok('POST', '/__mock/faults', rule),
      remove: (id: string) => ok('DELETE', `/__mock/faults/${enc(id)}`),
      clear: () => ok('DELETE', '/__mock/faults')
    },
    clock: {
      get: () => ok<{ mode: string, now: number, iso: string }>('GET', '/__mock/clock'),
      advance: (ms: number) => ok<{ mode: string, now: number, iso: string }>('POST', '/__mock/clock/advance', { ms })
    },
    scenarios: {
      list: async () => (await ok<{ scenarios: Json[] }>('GET', '/__mock/scenarios')).scenarios,
      load: (scenario: Json, activate = false) => ok('POST', `/__mock/scenarios${activate ? '?activate=true' : ''}`, scenario),
      activate: (name: string) => ok('POST', `/__mock/scenarios/${enc(name)}/activate`),
      reset: (name: string) => ok('POST', `/__mock/scenarios/${enc(name)}/reset`),
      deactivate: () => ok('POST', '/__mock/scenarios/deactivate'),
      remove: (name: string) => ok('DELETE', `/__mock/scenarios/${enc(name)}`)
    }
  }
}

export type AdminClient = ReturnType<typeof adminClient>

/** Gateway calls that read like the domain. Remembers each agent's newest GUID (also rotated ones). */
export function gatewayClient (url: string) {
  const req = makeFetcher(`${url}/agentgateway/resource`, '')
  const guids = new Map<string, string>()
  const remember = (id: string, headers: Headers): void => {
    const g = headers.get('set-guid')
    if (g !== null) guids.set(id, g.replace(/^JSESSIONID=/, ''))
  }
  const call = async <R = unknown>(id: string, method: string, path: string, body?: unknown): Promise<Envelope<R>> => {
    const guid = guids.get(id)
    const r = await req<Envelope<R>>(method, path, body, guid === undefined ? {} : { guid })
    remember(id, r.headers)
    if (r.status !== 200) throw new MockGatewayError(`${method} ${path} → HTTP ${r.status}`, r.status, r.body)
    return r.body
  }
  const must = async <R>(p: Promise<Envelope<R>>, what: string): Promise<R> => {
    const e = await p
    if (e.retcode !== '0') throw new MockGatewayError(`${what} failed: ${e.retcode} ${e.message}`, 200, e)
    return e.result as R
  }
  return {
    /** Sign in (forcelogin when `force`); returns the GUID. */
    signIn: async (id: string, body: Json = {}, force = false): Promise<string> => {
      await must(call(id, 'PUT', `/onlineagent/${id}${force ? '/forcelogin' : ''}`, { password: '', phonenum: `7${id}`, ...body }), `sign-in of ${id}`)
      return guids.get(id) ?? ''
    },
    signOut: (id: string) => must(call(id, 'DELETE', `/onlineagent/${id}/logout`), `sign-out of ${id}`),
    guidOf: (id: string) => guids.get(id),
    /** One poll: the event, or undefined when the hold ended without one. */
    poll: async (id: string): Promise<GatewayEvent | undefined> => {
      const e = await call(id, 'GET', `/agentevent/${id}`)
      if (e.retcode !== '0') throw new MockGatewayError(`poll of ${id} failed: ${e.retcode} ${e.message}`, 200, e)
      return e.event ?? undefined
    },
    callInner: (id: string, called: string, extra: Json = {}) => must<string>(call(id, 'PUT', `/voicecall/${id}/callinner`, { called, ...extra }), 'callinner'),
    callOut: (id: string, called: string, extra: Json = {}) => must<string>(call(id, 'PUT', `/voicecall/${id}/callout`, { called, ...extra }), 'callout'),
    answer: (id: string) => must(call(id, 'PUT', `/voicecall/${id}/answer`), 'answer'),
    release: (id: string) => must(call(id, 'DELETE', `/voicecall/${id}/release`), 'release'),
    status: (id: string) => must<{ agentState: number, isWorking: boolean }>(call(id, 'GET', `/onlineagent/${id}/agentstatus`), 'agentstatus'),
    /** Any gateway request with the agent's GUID; the envelope as answered. */
    request: <R = unknown>(id: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown) => call<R>(id, method, path, body)
  }
}

export type GatewayClient = ReturnType<typeof gatewayClient>

export interface MockGateway {
  /** Base URL, e.g. http://127.0.0.1:53211 */
  url: string
  admin: AdminClient
  gateway: GatewayClient
  close(): Promise<void>
}

/** Start a mock gateway in-process on a free port (options = the CLI options). */
export async function startMockGateway (options: MockGatewayOptions = {}): Promise<MockGateway> {
  const running = await startServer({ host: '127.0.0.1', port: 0, logLevel: 'silent', ...options })
  return {
    url: running.url,
    admin: adminClient(running.url, options.adminToken ?? ''),
    gateway: gatewayClient(running.url),
    close: running.close
  }
}
