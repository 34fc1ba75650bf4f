/**
 * Issue #16, finding 3, in a real browser: a page on another local origin, and a DNS-rebinding page
 * (a foreign name resolving to the mock), try what the review demonstrated — arm a fault with a
 * text/plain POST, sign an agent in on its behalf, reset the mock with a form POST, read the
 * journal and the GUIDs. None of it may reach the control API; the gateway routes keep answering
 * what real clients send (the same page's text/plain gateway call is served and journalled, which
 * also shows the browser's requests do reach the mock).
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import t from 'tap'
import { startServer } from '../../src/server.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const GW = '/agentgateway/resource'

/** What the hostile page runs: each attempt's outcome in window.results, then window.done. */
function attackPage (mock: string): string {
  const rule = JSON.stringify({ match: {}, action: { retcode: '100-007' } })
  return `<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="f" method="POST" enctype="text/plain" action="${mock}/__mock/reset" target="sink"><input name='{"a":"' value='"}'></form>
<script>
const results = {}
async function attempt (name, run) { try { results[name] = await run() } catch (e) { results[name] = 'threw: ' + e.message } }
(async () => {
  await attempt('armFault', async () => (await fetch('${mock}/__mock/faults', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '${rule}' })).type)
  await attempt('signInOnBehalf', async () => (await fetch('${mock}/__mock/agents/1001/login', { method: 'POST', mode: 'no-cors', body: '{}' })).type)
  await attempt('activate', async () => (await fetch('${mock}/__mock/scenarios/default/activate', { method: 'POST', mode: 'no-cors' })).type)
  await attempt('readAgents', async () => (await fetch('${mock}/__mock/agents')).status)
  await attempt('gatewayCall', async () => (await fetch('${mock}${GW}/onlineagent/1001/handshake', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' })).type)
  document.getElementById('f').submit()
  await new Promise(r => document.querySelector('iframe').addEventListener('load', r, { once: true }))
  results.formPost = 'sent'
  window.results = results
  window.done = true
})()
</script></body></html>`
}

/**
 * The rebinding page: loaded from the attacker's server under rebind.test:<port>, it waits until
 * that name "points" at the mock (the attacker's server gone, the mock on the same port), then
 * reads and writes same-origin as far as the browser knows.
 */
const REBIND_PAGE = `<!doctype html><html><body><script>
(async () => {
  while (window.go !== true) await new Promise(r => setTimeout(r, 20))
  const out = {}
  for (const path of ['/__mock/agents', '/__mock/journal']) {
    try { const r = await fetch(path); out[path] = { status: r.status, body: await r.text() } } catch (e) { out[path] = { status: 0, body: e.message } }
  }
  try { const r = await fetch('/__mock/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"match":{},"action":{"retcode":"100-007"}}' }); out.arm = { status: r.status, body: await r.text() } } catch (e) { out.arm = { status: 0, body: e.message } }
  window.results = out
  window.done = true
})()
</script></body></html>`

t.test('a page on another origin, and a rebinding page, cannot use the control API', { skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (.ci/run installs Debian's chromium)` }, async (t) => {
  const mock = await startServer({ port: 0, logLevel: 'silent', pollWaitMs: 0 })
  t.teardown(() => mock.close())
  const login = await fetch(`${mock.url}${GW}/onlineagent/1001`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"password":"","phonenum":"71001"}' })
  const guid = (login.headers.get('set-guid') ?? '').replace('JSESSIONID=', '')

  const attacker = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(attackPage(mock.url)) })
  await new Promise<void>(resolve => attacker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { attacker.close() })
  const attackerUrl = `http://127.0.0.1:${(attacker.address() as { port: number }).port}/`

  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'ccgm-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // The attacker's DNS, here: the name resolves to this machine.
      '--host-resolver-rules=MAP rebind.test 127.0.0.1']
  })
  t.teardown(() => context.close())

  const page = await context.newPage()
  await page.goto(attackerUrl)
  await page.waitForFunction(() => (window as { done?: boolean }).done === true)
  const results = await page.evaluate(() => (window as unknown as { results: Record<string, unknown> }).results)
  t.match(results, { armFault: 'opaque', signInOnBehalf: 'opaque', activate: 'opaque', gatewayCall: 'opaque', formPost: 'sent' }, 'the browser sent every request')
  t.match(String(results.readAgents), /^threw/, 'the answer is not readable from another origin anyway')

  // Rebinding: the attacker's server answers rebind.test:<port> first, then gives the port up to a
  // mock; the browser still thinks it talks to rebind.test, the mock sees Host: rebind.test:<port>.
  const first = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(REBIND_PAGE) })
  await new Promise<void>(resolve => first.listen(0, '127.0.0.1', resolve))
  const rebindPort = (first.address() as { port: number }).port
  const rebind = await context.newPage()
  await rebind.goto(`http://rebind.test:${rebindPort}/attack`)
  first.closeAllConnections()
  await new Promise<void>(resolve => first.close(() => resolve()))
  const rebound = await startServer({ port: rebindPort, logLevel: 'silent', pollWaitMs: 0 })
  t.teardown(() => rebound.close())
  const guid2 = (await fetch(`${rebound.url}${GW}/onlineagent/1001`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"password":"","phonenum":"71001"}' })).headers.get('set-guid') ?? ''
  await rebind.evaluate(() => { (window as { go?: boolean }).go = true })
  await rebind.waitForFunction(() => (window as { done?: boolean }).done === true)
  const read = await rebind.evaluate(() => (window as unknown as { results: Record<string, { status: number, body: string }> }).results)
  for (const key of ['/__mock/agents', '/__mock/journal', 'arm']) {
    t.equal(read[key]?.status, 403, `${key}: refused`)
    t.notOk(read[key]?.body.includes(guid2.replace('JSESSIONID=', '')), `${key}: no GUID`)
    t.match(JSON.parse(read[key]?.body ?? '{}'), { message: /does not answer for Host 'rebind\.test:\d+'/, retcode: '000-002' })
  }
  t.same(await (await fetch(`${rebound.url}/__mock/faults`)).json(), { rules: [] }, 'no fault armed through the rebinding page')

  // Nothing happened: no fault armed, the scenario untouched, agent 1001 still on its own GUID.
  t.same(await (await fetch(`${mock.url}/__mock/faults`)).json(), { rules: [] })
  const agents = await (await fetch(`${mock.url}/__mock/agents`)).json() as { agents: Array<{ id: string, session: { guid: string } }> }
  t.equal(agents.agents.find(a => a.id === '1001')?.session.guid, guid, '1001 was not signed in again on its behalf (nor reset)')
  const journal = await (await fetch(`${mock.url}/__mock/journal?operation=handShake`)).json() as { entries: unknown[] }
  t.equal(journal.entries.length, 1, 'the gateway call the same page sent was served')
  const status = await fetch(`${mock.url}${GW}/onlineagent/1001/agentstatus`, { headers: { guid } })
  t.equal((await status.json() as { retcode: string }).retcode, '0', 'the real client was not kicked off')
})
