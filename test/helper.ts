/**
 * Test helpers: `build(t)` gives a fresh app on a ManualClock (closed after the test), and small
 * domain-shaped helpers so tests read like what a client does.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { request, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { buildApp } from '../src/app.js'
import type { Config } from '../src/config.js'
import { ManualClock } from '../src/domain/clock.js'
import type { World } from '../src/domain/world.js'

export const GW = '/agentgateway/resource'

export interface TestCtx { app: FastifyInstance, clock: ManualClock }

interface Teardown { teardown(fn: () => unknown): void }

/** A fresh app. Polls answer at once when nothing waits (pollWaitMs 0) unless a test asks otherwise. */
export async function build (t: Teardown, config: Partial<Config> = {}, world?: World): Promise<TestCtx> {
  const clock = new ManualClock()
  const app = await buildApp({ pollWaitMs: 0, ...config }, { clock, logger: false, ...(world === undefined ? {} : { world }) })
  t.teardown(() => app.close())
  return { app, clock }
}

export interface SignInOptions {
  body?: Record<string, unknown>
  path?: '' | '/forcelogin' | '/loginex'
}

/** Sign an agent in; returns its GUID (from Set-GUID). Drains nothing. */
export async function signIn (app: FastifyInstance, agentId: string, opts: SignInOptions = {}): Promise<string> {
  const res = await app.inject({
    method: 'PUT',
    url: `${GW}/onlineagent/${agentId}${opts.path ?? ''}`,
    payload: opts.body ?? { password: '', phonenum: `7${agentId}` }
  })
  const body = res.json()
  if (body.retcode !== '0') throw new Error(`sign-in of ${agentId} failed: ${res.body}`)
  return String(res.headers['set-guid']).replace('JSESSIONID=', '')
}

export function call (app: FastifyInstance, guid: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return app.inject({ method, url: `${GW}${path}`, headers: { guid }, ...(payload === undefined ? {} : { payload: payload as object }) })
}

export interface PolledEvent { eventType: string, workNo: string, content: unknown }

/** A control-API request (no credentials), for the /__mock routes. */
export function admin (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) })
}

/** Poll until the queue is empty (pollWaitMs must be 0); returns the events in order. */
export async function drain (app: FastifyInstance, agentId: string, guid: string): Promise<PolledEvent[]> {
  const out: PolledEvent[] = []
  for (let i = 0; i < 1000; i++) {
    const res = await call(app, guid, 'GET', `/agentevent/${agentId}`)
    const body = res.json()
    if (body.retcode !== '0') throw new Error(`poll failed: ${res.body}`)
    if (body.event === undefined) return out
    out.push(body.event)
  }
  throw new Error('queue never emptied')
}

/**
 * Place a call from agent `from` (`callinner` by default, or `callout`) and return its call id; a
 * refusal throws with the gateway's answer. `called` is the number, or the whole request body.
 */
export async function dial (app: FastifyInstance, guid: string, from: string, called: string | Record<string, unknown>, op: 'callinner' | 'callout' = 'callinner'): Promise<string> {
  const res = await call(app, guid, 'PUT', `/voicecall/${from}/${op}`, typeof called === 'string' ? { called } : called)
  const body = res.json()
  if (body.retcode !== '0') throw new Error(`${op} from ${from} failed: ${res.body}`)
  return body.result
}

/** Event types only, for order assertions. */
export async function drainTypes (app: FastifyInstance, agentId: string, guid: string): Promise<string[]> {
  return (await drain(app, agentId, guid)).map(e => e.eventType)
}

// ---- event builders: what a poll returns, for exact comparisons -----------------------------

export const ev = (workNo: string, eventType: string, content: unknown = null): PolledEvent => ({ eventType, workNo, content })
export const phoneAlerting = (w: string): PolledEvent => ev(w, 'AgentOther_PhoneAlerting')
export const offhook = (w: string): PolledEvent => ev(w, 'AgentOther_PhoneOffhook', { type: 'main' })
export const phoneRelease = (w: string, phoneState: 2 | 3): PolledEvent => ev(w, 'AgentOther_PhoneRelease', { phoneState })
export const busy = (w: string): PolledEvent => ev(w, 'AgentState_Busy')
export const ready = (w: string): PolledEvent => ev(w, 'AgentState_Ready')
export const customerAlerting = (w: string, callid: string, otherPhone: string): PolledEvent =>
  ev(w, 'AgentEvent_Customer_Alerting', { callid, otherPhoneWorkno: '', otherPhone, type: 'main' })
export const talking = (w: string, callid: string, caller: string, called: string, feature = '6'): PolledEvent =>
  ev(w, 'AgentEvent_Talking', { caller, callid, called, feature, type: 'main', mediaAbility: '1' })
export const callRelease = (w: string, callid: string): PolledEvent => ev(w, 'AgentEvent_Call_Release', callid)
export const customerRelease = (w: string, callid: string, number: string): PolledEvent =>
  ev(w, 'AgentEvent_Customer_Release', { callid, number })

/** One turn of the event loop: lets the server handle what is already under way. */
export const tick = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

/** Whether agent `id` has a poll held open (waiting for an event). */
export const holding = (app: FastifyInstance, id: string): boolean => app.simulator.agents.get(id)?.queue.holding === true

/** Let pending promise callbacks and I/O run for a few event-loop turns (no clock time passes). */
export async function settle (rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await tick()
}

/**
 * Resolves once `check()` holds, letting the event loop turn between looks (a condition, never a
 * duration: the bound is only a safety net against a test that would otherwise hang).
 */
export async function until (check: () => boolean | Promise<boolean>, what = 'condition', ms = 20000): Promise<void> {
  const deadline = Date.now() + ms
  for (let turn = 0; !(await check()); turn++) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what} (${ms} ms)`)
    // Event-loop turns first (in-process work), then short timers so real sockets and child processes get the CPU.
    await (turn < 1000 ? tick() : new Promise(resolve => setTimeout(resolve, 2)))
  }
}

/** What one request on its own connection came to: the answer, or the socket error (part of the outcome, not a rejection). */
export interface Outcome { status?: number, headers?: IncomingHttpHeaders, body: string, error?: NodeJS.ErrnoException }

/** One request on its own connection (no keep-alive); an incomplete answer ends with an INCOMPLETE or ECONNRESET error. */
export function send (port: number, method: string, path: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { body: '' }
    let done = false
    const finish = (error?: NodeJS.ErrnoException): void => {
      if (done) return
      done = true
      resolve(error === undefined ? out : { ...out, error })
    }
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false, ...(signal === undefined ? {} : { signal }) }, (res) => {
      out.status = res.statusCode
      out.headers = res.headers
      res.setEncoding('utf8')
      res.on('data', (c: string) => { out.body += c })
      res.on('end', () => finish(res.complete ? undefined : Object.assign(new Error('incomplete'), { code: 'INCOMPLETE' })))
      res.on('error', (err) => finish(err))
      res.on('close', () => { if (!res.complete) finish(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })) })
    })
    req.on('error', (err) => finish(err))
    req.end()
  })
}

/** Send `request` as is on a real socket and collect everything the server answers (latin1). */
export function rawHttp (port: number, request: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    socket.setEncoding('latin1')
    socket.on('data', (c: string) => { data += c })
    socket.on('end', () => resolve(data))
    socket.on('close', () => resolve(data))
    socket.on('error', (err) => { if (data !== '') resolve(data); else reject(err) })
    socket.write(request, 'latin1')
    socket.setTimeout(timeoutMs, () => socket.destroy())
  })
}

/** A raw answer split into status, lower-cased headers and body. */
export function parseRaw (answer: string): { status: number, headers: Record<string, string>, body: string } {
  const end = answer.indexOf('\r\n\r\n')
  const lines = answer.slice(0, end < 0 ? answer.length : end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const l of lines.slice(1)) { const i = l.indexOf(':'); if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim() }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0), headers, body: end < 0 ? '' : answer.slice(end + 4) }
}
