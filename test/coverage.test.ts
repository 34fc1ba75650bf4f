/**
 * docs/coverage.md against the app (issue #13): the table lists the 215 endpoints of the client
 * inventory once each; every endpoint is a registered route (read from the routes the app
 * registers, through the generated OpenAPI document) and answers something other than 404/405 —
 * no endpoint is left unanswered; every registered gateway route is in the table; each "tested in"
 * file exists and names the endpoint.
 */
import { existsSync, readFileSync } from 'node:fs'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { GW, signIn } from './helper.js'

interface Row { method: string, path: string, status: string, tested: string }

const STATUSES = /^(simulated|fixed|not simulated)$/

function rows (section: string, withClients: boolean): Row[] {
  const out: Row[] = []
  for (const line of section.split('\n')) {
    const cells = line.split('|').slice(1, -1).map(c => c.trim())
    if (cells.length < 5 || !/^(GET|PUT|POST|DELETE)$/.test(cells[0]!)) continue
    const [method, path, , status, tested] = withClients ? cells : [cells[0], cells[1], '', cells[2], cells[3]]
    out.push({ method: method!, path: path!.replace(/`/g, ''), status: status!, tested: tested!.replace(/`/g, '') })
  }
  return out
}

const doc = readFileSync(new URL('../docs/coverage.md', import.meta.url), 'utf8')
const [main, extra] = doc.split('## Routes beyond the list')
const listed = rows(main!, true)
const beyond = rows(extra ?? '', false)
/** `/a/{x}/b/{}` → `/a/{}/b/{}`: parameter names differ between the list and the routes. */
const norm = (method: string, path: string): string => `${method} ${path.replace(/\{[^}]*\}/g, '{}')}`

t.test('the table: 215 endpoints, once each, each with a known status', async (t) => {
  t.equal(listed.length, 215)
  t.equal(new Set(listed.map(r => norm(r.method, r.path))).size, 215, 'no endpoint twice')
  for (const r of [...listed, ...beyond]) t.match(r.status, STATUSES, `${r.method} ${r.path}`)
  const count = (status: string): number => listed.filter(r => r.status === status).length
  const summary = /Summary: (\d+) simulated, (\d+) fixed, (\d+) not simulated/.exec(doc)
  t.strictSame(summary?.slice(1).map(Number), [count('simulated'), count('fixed'), count('not simulated')], 'the summary line counts the table')
})

t.test('the table and the registered routes agree; every endpoint answers, never 404', async (t) => {
  const app = await buildApp({ pollWaitMs: 0 }, { logger: false, liveOpenApi: true })
  t.teardown(() => app.close())
  const openapi = (await app.inject({ url: '/__mock/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> }
  const registered = new Set<string>()
  for (const [path, ops] of Object.entries(openapi.paths)) {
    if (!path.startsWith(GW)) continue
    for (const method of Object.keys(ops)) registered.add(norm(method.toUpperCase(), path.slice(GW.length)))
  }
  const known = new Map([...listed, ...beyond].map(r => [norm(r.method, r.path), r]))
  for (const key of registered) t.ok(known.has(key), `registered route ${key} is in docs/coverage.md`)

  for (const r of [...listed, ...beyond]) {
    // Earlier rows may sign 1001 out (logout) or in again (loginex): each request uses its session of the moment.
    const guid = app.simulator.agents.get('1001')?.session.guid ?? await signIn(app, '1001')
    const key = norm(r.method, r.path)
    t.ok(registered.has(key), `${key} (${r.status}) is registered`)
    const url = GW + r.path.replace(/\{(\w*)\}/g, (_, name: string) => /^(agentid|workno|workNo|receiver)$/.test(name) ? '1001' : '1')
    const res = await app.inject({ method: r.method as 'GET', url, headers: { guid } })
    t.notOk([404, 405].includes(res.statusCode), `${key} answers HTTP ${res.statusCode}`)
    const body = res.json() as { message: string, retcode: string }
    t.equal(typeof body.retcode, 'string', `${key}: the envelope`)
    if (r.status === 'not simulated') t.match(body, { retcode: '100-007', message: /not simulated/ }, `${key} says it is not simulated`)
    const exists = r.tested !== '' && existsSync(new URL(`../${r.tested}`, import.meta.url))
    t.ok(exists, `${key}: test file ${r.tested} exists`)
    if (!exists) continue
    const last = r.path.split('/').filter(s => s !== '' && !s.startsWith('{')).pop()!
    // Not-simulated interfaces are checked above, here; their test walks the route tables.
    if (r.status !== 'not simulated') t.ok(readFileSync(new URL(`../${r.tested}`, import.meta.url), 'utf8').includes(last), `${r.tested} names ${last}`)
  }
})
