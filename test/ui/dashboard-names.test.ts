/**
 * Issue #16 (lower findings): a scenario name with ':' broke the dashboard's buttons (the action
 * `scenario:<name>:activate` was split on every ':'). In Chromium: the button activates the
 * scenario whose name holds colons and slashes.
 */
import t from 'tap'
import { startMockGateway } from '../../src/client.js'
import { browser, noBrowser } from '../fixtures/browser.js'

t.test('the activate button works for a scenario named with colons', { skip: noBrowser }, async (t) => {
  const mock = await startMockGateway({ clock: 'virtual', pollWaitMs: 0 })
  t.teardown(() => mock.close())
  const name = 'team:a:night/shift'
  const res = await fetch(`${mock.url}/__mock/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, description: 'colons' }) })
  t.equal(res.status, 201)
  const context = await browser(t)
  const page = await context.newPage()
  await page.goto(`${mock.url}/__mock/`)
  await page.locator('#scenarios tbody tr', { hasText: name }).getByRole('button', { name: 'activate' }).click()
  await page.locator('#scenario', { hasText: `scenario: ${name}` }).waitFor()
  const list = await (await fetch(`${mock.url}/__mock/scenarios`)).json() as { scenarios: Array<{ name: string, active: boolean }> }
  t.equal(list.scenarios.find(s => s.active)?.name, name)
  t.equal(await page.locator('#error').textContent(), '', 'no error shown')
})
