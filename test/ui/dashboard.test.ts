/**
 * The dashboard page in a real browser (Debian's Chromium through playwright-core): it shows the
 * signed-in agents, calls and requests, and its buttons steer the mock through the control API.
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import t from 'tap'
import { startMockGateway } from '../../src/client.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

t.test('the dashboard page is served at /__mock/ as HTML, open even with an admin token', async (t) => {
  const mock = await startMockGateway({ adminToken: 'tok' })
  t.teardown(() => mock.close())
  for (const path of ['/__mock/', '/__mock/ui']) {
    const res = await fetch(mock.url + path)
    t.equal(res.status, 200)
    t.match(res.headers.get('content-type'), /^text\/html/)
    t.match(await res.text(), /<title>cc-gateway-mock<\/title>/)
  }
  t.equal((await fetch(`${mock.url}/__mock/agents`)).status, 401, 'the data behind it still needs the token')
})

t.test('in Chromium, the page lists agents, calls and requests and its buttons act', { skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (.ci/run installs Debian's chromium)` }, async (t) => {
  const mock = await startMockGateway({ clock: 'virtual', pollWaitMs: 0 })
  t.teardown(() => mock.close())
  await mock.gateway.signIn('1001')
  await mock.gateway.signIn('1002')
  await mock.gateway.callInner('1001', '9004') // rings until answered
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'ccgm-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(() => context.close())
  const page = await context.newPage()
  await page.goto(`${mock.url}/__mock/`)
  await page.locator('#agents tbody tr', { hasText: '1002' }).waitFor()
  t.equal(await page.locator('#agents tbody tr').count(), 2)
  await page.locator('#calls tbody tr', { hasText: 'alerting' }).waitFor()
  await page.locator('#journal tbody tr', { hasText: 'callInner' }).first().waitFor()
  t.match(await page.locator('#scenario').textContent(), /scenario: default/)

  // Steer: set 1002 busy, answer the ringing call as the far end.
  await page.locator('#agents tbody tr', { hasText: '1002' }).getByRole('button', { name: 'busy' }).click()
  await page.locator('#agents tbody tr', { hasText: '1002' }).locator('td:nth-child(3)', { hasText: /^3$/ }).waitFor()
  t.equal((await mock.admin.agents.get('1002') as { agentState: number }).agentState, 3)
  await page.locator('#calls tbody tr', { hasText: 'alerting' }).getByRole('button', { name: 'answer' }).click()
  await page.locator('#calls tbody tr', { hasText: 'talking' }).waitFor()
  t.equal((await mock.admin.calls.list()).length, 1)
  const shot = join(mkdtempSync(join(tmpdir(), 'ccgm-shot-')), 'dashboard.png')
  await page.screenshot({ path: shot, fullPage: true })
  t.comment(`screenshot: ${shot}`)
  t.ok(existsSync(shot))
})
