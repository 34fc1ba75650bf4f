/**
 * The dashboard's push panel (issues #12 and #14), in Chromium: a push agent whose receiver fails
 * shows its retries, pending events and last error, its URL with credentials redacted; an agent
 * signed out because its pushes kept failing shows the forced sign-out; the server-wide push is
 * named. The layout holds at the three widths with the panel full. Time is the virtual clock's.
 */
import t from 'tap'
import { startMockGateway, type MockGateway } from '../../src/client.js'
import { browser, layoutProblems, noBrowser, WIDTHS } from '../fixtures/browser.js'
import { receiverFor, TOKEN } from '../fixtures/receivers.js'
import { until } from '../helper.js'

interface Status { failures: number, retries: number, pending: number, state: string, signedOutBy: string | null }
async function pushOf (mock: MockGateway, id: string): Promise<Status> {
  const res = await fetch(`${mock.url}/__mock/agents/${id}/push`)
  return ((await res.json()) as { push: Status }).push
}

t.test('in Chromium: the push panel shows retries, pending, the last error and forced sign-outs', { skip: noBrowser }, async (t) => {
  const down = await receiverFor(t, () => ({ status: 503, body: '' }))
  const mock = await startMockGateway({ clock: 'virtual', pollWaitMs: 0, pushRetryIntervalMs: 1000, pushFailTotalMs: 3000, pushUrl: `${down.url}/all?apikey=k3y` })
  t.teardown(() => mock.close())
  const signIn = (id: string): Promise<string> => mock.gateway.signIn(id, { callBackUri: `${down.url}/cb/${id}?access_token=s3cret&site=a`, serviceToken: TOKEN })

  // 1009 keeps failing until it is signed out (3 s of failures, a retry every second).
  await signIn('1009')
  for (let retries = 0; (await pushOf(mock, '1009')).signedOutBy === null; retries++) {
    await until(async () => (await pushOf(mock, '1009')).failures === retries + 1, `failure ${retries + 1} of 1009`)
    await mock.admin.clock.advance(1000)
    t.ok(retries < 10, 'signed out within ten retries')
  }
  // 1001 fails twice (one retry) and keeps its events waiting.
  await signIn('1001')
  await until(async () => (await pushOf(mock, '1001')).failures === 1, 'first failure of 1001')
  await mock.admin.clock.advance(1000)
  await until(async () => (await pushOf(mock, '1001')).failures === 2, 'second failure of 1001')
  const s = await pushOf(mock, '1001')
  t.match(s, { retries: 1, state: 'waiting-retry' })
  t.ok(s.pending >= 2, `events wait (${s.pending})`)

  const page = await (await browser(t)).newPage()
  await page.goto(`${mock.url}/__mock/`)
  const row = (id: string, variant: string): ReturnType<typeof page.locator> =>
    page.locator('#push tbody tr').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${id}$`) }) }).filter({ has: page.locator('td:nth-child(2)', { hasText: variant }) })
  await row('1001', 'current').waitFor()
  const columns = await page.locator('#push thead th').allTextContents()
  t.same(columns, ['agent', 'variant', 'URL', 'delivered', 'pending', 'retries', 'dropped', 'last error', 'forced sign-out'])
  const cells = async (id: string, variant: string): Promise<Record<string, string>> =>
    Object.fromEntries((await row(id, variant).locator('td').allTextContents()).map((text, i) => [columns[i], text]))

  const failing = await cells('1001', 'current')
  t.match(failing, { agent: '1001', variant: 'current waiting-retry', delivered: '0', pending: String(s.pending), retries: '1', dropped: '0', 'last error': 'HTTP 503', 'forced sign-out': '' })
  t.equal(failing.URL, `${down.url}/cb/1001?access_token=%5Bredacted%5D&site=a`, 'the token is redacted')
  t.match(await cells('1009', 'current'), { variant: 'current closed', retries: '3', 'forced sign-out': 'push failing for 3000 ms' })
  t.match(await cells('1001', 'serverWide'), { URL: `${down.url}/all?apikey=%5Bredacted%5D`, retries: '0' })
  t.equal(await page.locator('#push').textContent().then(text => /s3cret|k3y/.test(text ?? '')), false, 'no credential shown')
  t.match(await page.locator('#push-panel .note').textContent(), `server-wide push: ${down.url}/all?apikey=%5Bredacted%5D (eventContent) · retry every 1 s, sign-out after 3 s failing`)
  t.match(await page.locator('#push-panel .count').textContent(), /^4 channels, 1 failing, 4 retries, 0 dropped, 1 forced sign-outs$/)
  t.equal(await page.locator('#push tbody tr').first().locator('td').first().textContent(), '1001', 'the failing agent comes first')

  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 1000 })
    await page.waitForFunction(() => document.documentElement.clientWidth > 0)
    t.same(await layoutProblems(page), [], `${width} px: no horizontal overflow, every button shown`)
    const panel = await page.locator('#push-panel').boundingBox()
    t.ok(panel !== null && panel.x >= 0 && panel.x + panel.width <= width, `${width} px: the push panel inside the page`)
  }

  // The receiver comes back: the retry delivers, the panel shows it.
  down.handler = () => ({ status: 200, body: '{"message":"success","retcode":"0"}' })
  await mock.admin.clock.advance(1000)
  await until(async () => (await pushOf(mock, '1001')).pending === 0, 'delivered after the receiver is back')
  await row('1001', 'current').locator('td', { hasText: /^current idle$/ }).waitFor()
  t.match(await cells('1001', 'current'), { pending: '0', retries: '2', 'last error': 'HTTP 503' })
})
