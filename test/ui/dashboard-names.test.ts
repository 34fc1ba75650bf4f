/**
 * Issue #16 (lower findings): a scenario name with ':' broke the dashboard's buttons (the action
 * `scenario:<name>:activate` was split on every ':'). In Chromium: the button activates the
 * scenario whose name holds colons and slashes.
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import t from 'tap'
import { startMockGateway } from '../../src/client.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

t.test('the activate button works for a scenario named with colons', { skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (.ci/run installs Debian's chromium)` }, async (t) => {
  const mock = await startMockGateway({ clock: 'virtual', pollWaitMs: 0 })
  t.teardown(() => mock.close())
  const name = 'team:a:night/shift'
  const res = await fetch(`${mock.url}/__mock/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, description: 'colons' }) })
  t.equal(res.status, 201)
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'ccgm-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(() => context.close())
  const page = await context.newPage()
  await page.goto(`${mock.url}/__mock/`)
  await page.locator('#scenarios tbody tr', { hasText: name }).getByRole('button', { name: 'activate' }).click()
  await page.locator('#scenario', { hasText: `scenario: ${name}` }).waitFor()
  const list = await (await fetch(`${mock.url}/__mock/scenarios`)).json() as { scenarios: Array<{ name: string, active: boolean }> }
  t.equal(list.scenarios.find(s => s.active)?.name, name)
  t.equal(await page.locator('#error').textContent(), '', 'no error shown')
})
