/**
 * The hostile-input sweep of the fuzz suite (issue #7), shared by fuzz.test.ts (the routes before
 * issue #13, the control API) and fuzz-inventory.test.ts (the issue #13 families).
 */
import fc from 'fast-check'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import type { ManualClock } from '../../src/domain/clock.js'
import { errorCatalogue } from '../../src/domain/error-catalogue.js'
import { build, GW } from '../helper.js'

export const BODY_LIMIT = 4096
const RETCODES = new Set<string>(['0', ...Object.values(errorCatalogue).map(e => e.retcode)])
const VERBS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const
type Verb = typeof VERBS[number]

export interface Route {
  method: Verb
  /** OpenAPI template, e.g. /agentgateway/resource/onlineagent/{agentid}/saybusy */
  path: string
  gateway: boolean
  params: string[]
  query: string[]
  body: string[]
  /** Pages meant for a browser (HTML by design): only "no 5xx, no stack" applies. */
  html?: boolean
}

interface OpenApi { paths: Record<string, Record<string, { parameters?: Array<{ in: string, name: string }>, requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>> }

export async function routesOf (app: FastifyInstance): Promise<Route[]> {
  const doc = (await app.inject({ method: 'GET', url: '/__mock/openapi.json' })).json() as OpenApi
  const out: Route[] = []
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const ps = op.parameters ?? []
      const body = Object.values(op.requestBody?.content ?? {})[0]?.schema?.properties ?? {}
      out.push({
        method: method.toUpperCase() as Verb,
        path,
        gateway: path.startsWith(GW),
        params: ps.filter(p => p.in === 'path').map(p => p.name),
        query: ps.filter(p => p.in === 'query').map(p => p.name),
        body: Object.keys(body)
      })
    }
  }
  // Routes the document leaves out on purpose.
  out.push({ method: 'GET', path: '/__mock/openapi.json', gateway: false, params: [], query: [], body: [] })
  out.push({ method: 'GET', path: '/__mock/docs', gateway: false, params: [], query: [], body: [], html: true })
  out.push({ method: 'GET', path: '/__mock/docs/{file}', gateway: false, params: ['file'], query: [], body: [], html: true })
  out.push({ method: 'GET', path: '/__mock/', gateway: false, params: [], query: [], body: [], html: true })
  return out
}

// ---- the world the requests hit ----------------------------------------------------------------

interface World { app: FastifyInstance, clock: ManualClock, guids: Record<string, string>, callid: string, scenario: string, state: string }

async function ensureWorld (w: World): Promise<void> {
  const { app } = w
  const get = async (url: string): Promise<any> => (await app.inject({ method: 'GET', url })).json()
  // Undo what an accepted control request may have set up: faults, scenarios, stray agents.
  if ((await get('/__mock/faults')).rules.length > 0) await app.inject({ method: 'DELETE', url: '/__mock/faults' })
  const scenarios = (await get('/__mock/scenarios')).scenarios as Array<{ name: string, active: boolean }>
  if (scenarios.some(s => s.name !== w.scenario) || !scenarios.some(s => s.name === w.scenario && s.active)) {
    for (const s of scenarios) if (s.name !== w.scenario) await app.inject({ method: 'DELETE', url: `/__mock/scenarios/${encodeURIComponent(s.name)}` })
    await app.inject({ method: 'POST', url: `/__mock/scenarios/${w.scenario}/activate` })
  }
  const agents = (await get('/__mock/agents')).agents as Array<{ id: string, calls: string[], session: { guid: string } }>
  for (const a of agents) if (a.id !== '1001' && a.id !== '1002') await app.inject({ method: 'POST', url: `/__mock/agents/${a.id}/reset` })
  for (const id of ['1001', '1002']) {
    const a = agents.find(x => x.id === id)
    if (a === undefined) {
      const res = await app.inject({ method: 'POST', url: `/__mock/agents/${id}/login`, payload: { autoanswer: true } })
      w.guids[id] = (res.json() as { guid: string }).guid
    } else w.guids[id] = a.session.guid
  }
  // 1002 keeps a call going so that call routes have something to act on.
  const b = (await get('/__mock/agents/1002')) as { calls: string[] }
  if (b.calls.length === 0) {
    const res = await app.inject({ method: 'PUT', url: `${GW}/voicecall/1002/callinner`, headers: { guid: w.guids['1002']! }, payload: { called: '9002' } })
    w.callid = String((res.json() as { result: unknown }).result)
    await app.inject({ method: 'POST', url: '/__mock/clock/advance', payload: { ms: 0 } })
  } else w.callid = b.calls[0]!
  w.state = await stateOf(app)
}

/** Everything a rejected request must leave alone (the journal aside). */
async function stateOf (app: FastifyInstance): Promise<string> {
  const get = async (url: string): Promise<unknown> => (await app.inject({ method: 'GET', url })).json()
  const agents = (await get('/__mock/agents')) as { agents: Array<{ id: string }> }
  const faults = ((await get('/__mock/faults')) as { rules: Array<Record<string, unknown>> }).rules.map(({ matched, fired, ...rest }) => rest)
  const perAgent = []
  for (const id of ['1001', '1002', '1003', ...agents.agents.map(a => a.id)]) {
    perAgent.push([id, await get(`/__mock/agents/${id}/events`), ((await get(`/__mock/agents/${id}/history`)) as { events: unknown[] }).events.length])
  }
  return JSON.stringify([agents, await get('/__mock/calls?all=true'), faults, await get('/__mock/scenarios'), await get('/__mock/clock'), perAgent])
}

// ---- hostile values ----------------------------------------------------------------------------

/** encodeURIComponent that also takes lone surrogates (sent as the bytes of U+FFFD). */
function enc (s: string): string {
  try { return encodeURIComponent(s) } catch { return encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd')) }
}

/** Path segments, already as they would appear in a URL. */
const HOSTILE_SEGMENTS = [
  '', '..', '.', '%2e%2e', '..%2F..%2Fetc%2Fpasswd', '%2F', '..%5C..%5C', '%00', '1001%00', '%E0%A4%A', '%', '%zz', '%25',
  '1'.repeat(101), '9'.repeat(5000), '0', '01001', '-1', '1e3', '1001.5', '%201001', '1001%20', '%EF%BC%91%EF%BC%90%EF%BC%90%EF%BC%91',
  encodeURIComponent('\u202e1001'), encodeURIComponent('💥'), encodeURIComponent('<script>alert(1)</script>'), encodeURIComponent("1001' OR '1'='1"),
  '__proto__', 'constructor', 'prototype', 'toString', 'null', 'undefined', 'NaN', 'true', '[object Object]', '%0d%0aSet-Cookie:x=1',
  encodeURIComponent('\u0000\u0001\u001f\u007f'), '%ED%A0%80x', 'a'.repeat(300)
]

const HOSTILE_BODIES: Array<string | undefined> = [
  undefined, '', ' ', '{', '}', '{"a":}', "{'called':'9001'}", 'NaN', '[1,2', 'null', 'true', '0', '"string"', '[]', '[{}]',
  '\ufeff{"called":"9001"}', '{"called":"9001"', '{"called":"9001"}}', '{"called":"9001",}', '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}', '{"a":{"__proto__":{"x":1}}}', '{"called":{"__proto__":null}}',
  '{"called":9001}', '{"called":["9001"]}', '{"called":null}', '{"called":true}', '{"called":"9001","called":"5550100"}',
  '{"password":5,"phonenum":{}}', '{"status":"abc"}', '{"status":1e400}', '{"status":-1}', '{"ms":-5}', '{"ms":1e20}', '{"state":"ghost"}',
  '{"called":"\\u0000\\u0001"}', '{"called":"\\ud800"}', '{"called":"９００１"}', '{"called":"9001\\r\\nX-Injected: 1"}',
  '{"match":{},"count":"lots"}', '{"match":{"operation":{"$ne":1}}}', '{"eventType":"","content":{}}', '{"action":{"retcode":"0"},"match":{"__proto__":{}}}',
  '['.repeat(1500) + ']'.repeat(1500), '{"a":'.repeat(600) + '1' + '}'.repeat(600), 'x'.repeat(BODY_LIMIT + 1),
  JSON.stringify({ called: '9'.repeat(BODY_LIMIT) }), '<xml><called>9001</called></xml>', 'called=9001&called=9002', '\u0000\u0001\u0002'
]

const CONTENT_TYPES: Array<string | undefined> = [
  undefined, 'application/json', 'application/json; charset=UTF-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/xml', 'application/json; charset=utf-16', 'application/octet-stream', ';;;=', '*/*', 'application/json, text/plain', 'application/jsonx', ' '
]

const QUERIES = [
  '', '?', '?&&&', '?callid=a&callid=b', '?prolong=true&prolong=false', '?reason=201&reason=7', '?reason=abc', '?reason=1e400', '?prolong=maybe',
  '?__proto__[admin]=1', '?constructor[prototype][admin]=1', '?a[b][c][d][e]=1', '?isNoContainLastCall=yes', '?all=nope', '?limit=-1', '?limit=1e9',
  '?since=x&until=y', '?callid=' + '9'.repeat(200), '?skillid=' + ';'.repeat(5000), '?%ff=%fe', '?calldata=%00', '?activate=true&activate=1'
]

// ---- the property ------------------------------------------------------------------------------

/** Pages meant for a browser: HTML by design. */
const PAGES = /^\/__mock(\/|\/ui|\/docs(\/[^/]*)?)?$/

interface Input { method: Verb, url: string, headers: Record<string, string | string[]>, body: string | undefined, route: Route }

function describe (i: Input): string {
  const body = i.body === undefined ? '' : ` body ${JSON.stringify(i.body.length > 80 ? `${i.body.slice(0, 80)}…(${i.body.length})` : i.body)}`
  return `${i.method} ${i.url.length > 120 ? `${i.url.slice(0, 120)}…` : i.url} ${JSON.stringify(i.headers).slice(0, 160)}${body}`
}

/** The answer's shape; returns whether the request was accepted (it may then change state). */
function judge (i: Input, res: LightMyRequestResponse): { ok: boolean, problem?: string, accepted: boolean } {
  const bad = (problem: string): { ok: false, problem: string, accepted: boolean } => ({ ok: false, problem, accepted: true })
  if (res.statusCode >= 500) return bad(`HTTP ${res.statusCode}`)
  if (/\n\s+at |\bat [^\s]+ \([^)]+:\d+:\d+\)|file:\/\//.test(res.body)) return bad('a stack trace in the body')
  // light-my-request resolves dot segments like a browser, so /__mock/agents/.. is the dashboard page.
  const html = PAGES.test(new URL(i.url, 'http://x').pathname) && res.statusCode < 400
  if (i.method === 'HEAD') return { ok: res.body === '', accepted: false, ...(res.body === '' ? {} : { problem: 'a body on HEAD' }) }
  if (!html && !String(res.headers['content-type']).startsWith('application/json')) return bad(`content type ${String(res.headers['content-type'])}`)
  if (html) return { ok: true, accepted: false }
  let body: { message?: unknown, retcode?: unknown }
  try { body = JSON.parse(res.body) as typeof body } catch { return bad('a body that is not JSON') }
  const envelope = body !== null && typeof body === 'object' && typeof body.message === 'string' && typeof body.retcode === 'string'
  if (i.route.gateway && i.url.startsWith(GW)) {
    if (![200, 404, 405, 413].includes(res.statusCode)) return bad(`gateway HTTP ${res.statusCode}`)
    if (!envelope) return bad('no {message, retcode} envelope')
    if (!RETCODES.has(body.retcode as string)) return bad(`retcode ${String(body.retcode)} not in the catalogue`)
    return { ok: true, accepted: res.statusCode === 200 && body.retcode === '0' }
  }
  if (res.statusCode < 200 || res.statusCode >= 500) return bad(`control HTTP ${res.statusCode}`)
  if (res.statusCode >= 400 && !envelope) return bad('a control refusal without the envelope')
  return { ok: true, accepted: res.statusCode < 400 }
}

interface Tally { inputs: number, accepted: number, byStatus: Record<string, number> }

async function tryInput (w: World, i: Input, tally: Tally, failures: string[]): Promise<void> {
  const before = w.state
  const opts: InjectOptions = { method: i.method, url: i.url, headers: i.headers, ...(i.body === undefined ? {} : { payload: i.body }) }
  let res: LightMyRequestResponse
  try {
    res = await w.app.inject(opts)
  } catch (err) {
    failures.push(`${describe(i)}: inject threw ${(err as Error).message}`)
    return
  }
  tally.inputs++
  tally.byStatus[res.statusCode] = (tally.byStatus[res.statusCode] ?? 0) + 1
  const v = judge(i, res)
  if (!v.ok) failures.push(`${describe(i)} → ${res.statusCode} ${res.body.slice(0, 200)}: ${v.problem ?? ''}`)
  if (v.accepted) {
    tally.accepted++
    await ensureWorld(w)
    return
  }
  const after = await stateOf(w.app)
  if (after !== before) {
    failures.push(`${describe(i)} → ${res.statusCode} ${res.body.slice(0, 120)}: a rejected request changed the state`)
    await ensureWorld(w)
  }
}

function fill (w: World, r: Route, seg: (name: string) => string): string {
  return r.path.replace(/\{(\w+)\}/g, (_, name: string) => seg(name))
}

function validSegment (w: World, name: string): string {
  switch (name) {
    case 'agentid': return '1001'
    case 'id': return '1001'
    case 'callid': return encodeURIComponent(w.callid)
    case 'reason': return '3'
    case 'time': return '30'
    case 'restcause': return '1'
    case 'flag': case 'autoflag': return 'true'
    case 'file': return 'swagger-ui.css'
    case 'name': return 'test'
    case 'ruleId': return 'rule-1'
    case 'workno': case 'workNo': case 'receiver': return '1002'
    case 'skillid': case 'ivrid': case 'vdnid': case 'chatnum': return '1'
    case 'recordflag': case 'recordbeforetalking': return 'true'
    case 'clustername': return 'AgentGateway0'
    default: return 'x'
  }
}

const GUID_HEADERS = (w: World): Array<Record<string, string | string[]>> => [
  {},
  { guid: w.guids['1001']! },
  { guid: w.guids['1002']! },
  { guid: [w.guids['1001']!, w.guids['1001']!] },
  { guid: [w.guids['1002']!, w.guids['1001']!] },
  { guid: '' },
  { guid: 'x'.repeat(8000) },
  { guid: 'ffffffff-ffff-4fff-8fff-ffffffffffff.AgentGateway0' },
  { guid: `${w.guids['1001']!} ` },
  { guid: w.guids['1001']!.toUpperCase() },
  { cookie: `JSESSIONID=${w.guids['1001']!}` },
  { cookie: 'JSESSIONID=' },
  { cookie: `jsessionid=${w.guids['1001']!}` },
  { cookie: `JSESSIONID="${w.guids['1002']!}"` },
  { cookie: ['JSESSIONID=nope', `JSESSIONID=${w.guids['1001']!}`] },
  { cookie: ';;;,,,=;=' },
  { cookie: `JSESSIONID=${'\u00ff'.repeat(50)}` },
  { guid: w.guids['1002']!, cookie: `JSESSIONID=${w.guids['1001']!}` },
  { authorization: 'Bearer x', 'x-forwarded-for': '127.0.0.1, 10.0.0.1' }
]
/** The issue #13 families (and their routes in older families): fuzzed by fuzz-inventory.test.ts. */
export const INVENTORY = new RegExp([
  `^${GW}/(agentgroup|queuedevice|querymonitor|qualitycontrol|agentconf|eccconfig|multimediaconf|textchat|thirdcontrol|recordplay)/`,
  `^${GW}/onlineagent/(loginbyaccount$|\\{agentid\\}/(agentskillsbyworkno|bindphone|modifyaccountpwd|notifybulletin|sendnotelet|setforwarding|settalkright|setselfrecord|forceloginex))`,
  `^${GW}/calldata/\\{agentid\\}/(allcall|remotenumbers|callnums|isprocesscall|statistics|callRecordInfoList|queryselfcallrecordinfolist|privatecallinfo|ivrcall|setcallbusinessdata|getcallbusinessdata)`
].join('|'))

/** The call families (voicecall, calldata) with the issue #13 call control: fuzzed again by fuzz-callctl.test.ts. */
export const CALL_FAMILIES = new RegExp(`^${GW}/(voicecall|calldata)/`)

export interface SweepOptions {
  /** The routes to sweep (of every route in the OpenAPI document plus the hidden ones). */
  select: (r: Route) => boolean
  /** Random inputs after the sweep. */
  runs: number
  /** Routes that share their handler and schemas with others: each gets every fourth hostile value of each kind, a different quarter on each next route. */
  light?: (r: Route) => boolean
  /** A scenario (POST /__mock/scenarios body) to run the sweep in instead of the default world. */
  scenario?: { name: string } & Record<string, unknown>
}

/**
 * Every selected route, every kind of hostile input: the documented envelope, no 5xx, no state
 * change when refused. First a systematic sweep, then random combinations (fast-check, seed 7007).
 */
export async function sweep (t: Test, opts: SweepOptions): Promise<void> {
  const { app, clock } = await build(t, { bodyLimit: BODY_LIMIT })
  if (opts.scenario !== undefined) {
    await app.inject({ method: 'POST', url: '/__mock/scenarios', payload: opts.scenario })
    await app.inject({ method: 'POST', url: `/__mock/scenarios/${opts.scenario.name}/activate` })
  }
  const active = ((await app.inject({ method: 'GET', url: '/__mock/scenarios' })).json() as { scenarios: Array<{ name: string, active: boolean }> }).scenarios.find(s => s.active)
  const w: World = { app, clock, guids: {}, callid: '', scenario: active?.name ?? 'default', state: '' }
  await ensureWorld(w)
  const routes = (await routesOf(app)).filter(opts.select)
  t.ok(routes.filter(r => r.gateway).length >= 30, `${routes.filter(r => r.gateway).length} gateway routes from the OpenAPI document`)
  const tally: Tally = { inputs: 0, accepted: 0, byStatus: {} }
  const failures: string[] = []
  const started = Date.now()

  // 1. Systematic sweep: each route with each kind of bad input, one at a time.
  for (const [ri, r] of routes.entries()) {
    const base = (seg: (n: string) => string = n => validSegment(w, n)): string => fill(w, r, seg)
    const guid: Record<string, string> = r.path.includes('{agentid}') ? { guid: w.guids['1001']! } : {}
    const inputs: Input[] = []
    const some = <T>(list: readonly T[]): readonly T[] => opts.light?.(r) === true ? list.filter((_, i) => (i + ri) % 4 === 0) : list
    for (const s of some(HOSTILE_SEGMENTS)) {
      for (const p of r.params) inputs.push({ method: r.method, url: base(n => n === p ? s : validSegment(w, n)), headers: guid, body: undefined, route: r })
    }
    for (const q of some(QUERIES)) inputs.push({ method: r.method, url: base() + q, headers: guid, body: undefined, route: r })
    if (r.method !== 'GET' && r.method !== 'HEAD') {
      for (const b of some(HOSTILE_BODIES)) inputs.push({ method: r.method, url: base(), headers: { ...guid, 'content-type': 'application/json' }, body: b, route: r })
      for (const ct of some(CONTENT_TYPES)) inputs.push({ method: r.method, url: base(), headers: { ...guid, ...(ct === undefined ? {} : { 'content-type': ct }) }, body: '{"called":"9001","state":"idle","ms":0}', route: r })
    }
    for (const h of some(GUID_HEADERS(w))) inputs.push({ method: r.method, url: base(), headers: h, body: undefined, route: r })
    for (const v of VERBS) if (v !== r.method) inputs.push({ method: v, url: base(), headers: guid, body: v === 'GET' || v === 'HEAD' ? undefined : '{', route: r })
    for (const i of inputs) await tryInput(w, i, tally, failures)
  }
  const swept = tally.inputs

  // 2. Random combinations (fast-check, fixed seed).
  const RUNS = opts.runs
  const segmentArb = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map(enc) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map(enc) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,200}$/) }
  )
  const valueArb = fc.oneof(fc.constantFrom('true', 'false', '0', '-1', '201', '1e400', '', '%00', 'null', '__proto__'), fc.string({ maxLength: 30 }).map(enc))
  const keyArb = (r: Route): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...(r.query.length > 0 ? r.query : ['x'])), fc.constantFrom('__proto__', 'constructor', '__proto__[x]', 'a[b][c]', 'callid', 'prolong', '%ff'))
  const bodyArb = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_BODIES) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(v => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom('called', 'caller', 'password', 'phonenum', 'status', 'ms', 'state', 'eventType', 'match', 'action', 'name', '__proto__', 'constructor'), fc.string()), fc.jsonValue({ maxDepth: 3 })).map(v => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map(n => '['.repeat(n) + ']'.repeat(n)) },
    { weight: 1, arbitrary: fc.integer({ min: BODY_LIMIT - 10, max: BODY_LIMIT * 3 }).map(n => `{"called":"${'9'.repeat(n)}"}`) }
  )
  const inputArb = fc.integer({ min: 0, max: routes.length - 1 }).chain(ri => {
    const r = routes[ri]!
    return fc.record({
      method: fc.oneof({ weight: 5, arbitrary: fc.constant(r.method) }, { weight: 1, arbitrary: fc.constantFrom(...VERBS) }),
      segs: fc.array(fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: segmentArb }), { minLength: r.params.length, maxLength: r.params.length }),
      query: fc.array(fc.tuple(keyArb(r), valueArb), { maxLength: 5 }),
      body: fc.option(bodyArb, { nil: undefined }),
      ct: fc.constantFrom(...CONTENT_TYPES),
      cred: fc.nat(GUID_HEADERS(w).length - 1),
      extra: fc.option(fc.dictionary(fc.constantFrom('x-a', 'accept', 'accept-encoding', 'origin', 'x-http-method-override', 'transfer-encoding-x'), fc.string({ unit: 'grapheme-ascii', maxLength: 40 })), { nil: undefined })
    }).map(({ method, segs, query, body, ct, cred, extra }): Input => {
      const url = fill(w, r, n => segs[r.params.indexOf(n)] ?? validSegment(w, n)) + (query.length === 0 ? '' : `?${query.map(([k, v]) => `${k}=${v}`).join('&')}`)
      const headers = { ...GUID_HEADERS(w)[cred], ...(extra ?? {}), ...(ct === undefined ? {} : { 'content-type': ct }) }
      return { method, url, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, route: r }
    })
  })
  await fc.assert(fc.asyncProperty(inputArb, async (i) => {
    const mine: string[] = []
    await tryInput(w, i, tally, mine)
    if (mine.length > 0) throw new Error(mine.join('\n'))
  }), { seed: 7007, numRuns: RUNS, endOnFailure: true }).catch((err: Error) => { failures.push(err.message) })

  t.comment(`${tally.inputs} inputs tried (${swept} in the sweep, ${tally.inputs - swept} random, seed 7007) over ${routes.length} routes in ${Date.now() - started} ms; ` +
    `${tally.accepted} accepted; HTTP statuses: ${JSON.stringify(tally.byStatus)}`)
  const kinds = new Map<string, string[]>()
  for (const f of failures) {
    const kind = f.replace(/^(\S+ \S{0,40}).*?(: [^:]*)$/s, '$1…$2')
    kinds.set(kind, [...(kinds.get(kind) ?? []), f])
  }
  t.strictSame([...kinds].map(([k, v]) => `${v.length}× ${k}\n  e.g. ${v[0]!.slice(0, 400)}`), [], `${failures.length} inputs broke the property`)
}
