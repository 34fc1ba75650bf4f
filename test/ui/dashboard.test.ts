/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), issue #14:
 * - the layout holds at 700, 1,450 and 2,560 px: no horizontal overflow, every button visible;
 * - agent states by name, and only the buttons valid in each state;
 * - a call's or an agent's events as a sequence diagram, downloadable as Mermaid text;
 * - with --admin-token, a form (or #token= in the URL), never prompt().
 * The README's screenshots come from here: `npm run screenshots` writes them to docs/images/.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import t from 'tap'
import { startMockGateway, type MockGateway } from '../../src/client.js'
import { browser, layoutProblems, noBrowser, WIDTHS } from '../fixtures/browser.js'

const TMP_SHOTS = mkdtempSync(join(tmpdir(), 'ccgm-shot-'))
/** Where a screenshot goes: the README's into docs/images/ with SCREENSHOTS=1, the others (and all by default) to a temporary folder. */
function shot (name: string): string {
  const forReadme = process.env.SCREENSHOTS === '1' && ['dashboard-1450.png', 'dashboard-sequence.png'].includes(name)
  if (forReadme) mkdirSync('docs/images', { recursive: true })
  return join(forReadme ? 'docs/images' : TMP_SHOTS, name)
}

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

/** A busy contact centre: agents in every state, calls ringing and talking, faults, many requests. */
async function busyMock (): Promise<MockGateway> {
  const mock = await startMockGateway({ clock: 'virtual', pollWaitMs: 0 })
  for (const id of ['1001', '1002', '1003', '1004', '1005', '1006']) await mock.gateway.signIn(id)
  await mock.gateway.callInner('1001', '9004') // rings until answered
  await mock.gateway.callOut('1006', '5550100', { callappdata: 'order=42;customer=a-very-long-customer-reference-that-must-wrap' })
  await mock.admin.clock.advance(1000)
  await mock.gateway.request('1002', 'POST', '/onlineagent/1002/saybusy')
  await mock.gateway.request('1003', 'POST', '/onlineagent/1003/rest/600/1')
  await mock.gateway.request('1004', 'POST', '/onlineagent/1004/work')
  await mock.admin.faults.arm({ name: 'flaky-status-with-a-long-name', match: { operation: ['getAgentStatus', 'handShake', 'callInner'] }, fire: { probability: 0.25 }, action: { delayMs: [100, 2500] } })
  await mock.admin.faults.arm({ match: { operation: 'sayFree', agent: '1005' }, action: { retcode: '100-007', message: 'a message long enough to need wrapping in a narrow column of the fault table' } })
  return mock
}

t.test('in Chromium: layout at three widths, state names, valid buttons, the sequence diagram', { skip: noBrowser }, async (t) => {
  const mock = await busyMock()
  t.teardown(() => mock.close())
  const page = await (await browser(t)).newPage()
  await page.goto(`${mock.url}/__mock/`)
  const agentRow = (id: string): ReturnType<Page['locator']> => page.locator('#agents tbody tr', { hasText: id }).first()
  await agentRow('1006').waitFor()
  await page.locator('#scenarios tbody tr', { hasText: 'callee-busy' }).waitFor()
  await page.locator('#journal tbody tr', { hasText: 'callOut' }).first().waitFor()

  t.test('layout holds from 700 to 2,560 px', async (t) => {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 1000 })
      await page.waitForFunction(() => document.documentElement.clientWidth > 0)
      t.same(await layoutProblems(page), [], `${width} px`)
      const columns = await page.evaluate(() => getComputedStyle(document.getElementById('panels')!).gridTemplateColumns.split(' ').length)
      t.equal(columns, width === 700 ? 1 : width === 1450 ? 2 : 4, `${width} px: panels in ${columns} column(s)`)
      await page.screenshot({ path: shot(`dashboard-${width}.png`), fullPage: true })
    }
    await page.setViewportSize({ width: 1450, height: 900 })
  })

  t.test('agent states by name and colour, buttons only where valid', async (t) => {
    const expect: Array<[string, string, string[]]> = [
      ['1001', 'talking', ['sign out']],
      ['1002', 'busy', ['idle', 'rest', 'sign out']],
      ['1003', 'resting', ['idle', 'busy', 'sign out']],
      ['1004', 'after-call work', ['idle', 'busy', 'sign out']],
      ['1005', 'idle', ['busy', 'rest', 'work', 'sign out']]
    ]
    for (const [id, name, buttons] of expect) {
      const row = agentRow(id)
      t.equal(await row.locator('.state').textContent(), name, `${id} is ${name}`)
      t.same(await row.getByRole('button').allTextContents(), buttons, `${id}: ${buttons.join(', ')}`)
    }
    const colours = await page.locator('#agents .state').evaluateAll(els => new Set(els.map(e => getComputedStyle(e).backgroundColor)).size)
    t.ok(colours >= 5, `each state its colour (${colours})`)
    t.notOk(await page.locator('#agents').textContent().then(s => /agentState/.test(s ?? '')), 'no bare agentState column')

    await agentRow('1005').getByRole('button', { name: 'busy' }).click()
    await agentRow('1005').locator('.state', { hasText: /^busy$/ }).waitFor()
    t.match(await mock.admin.agents.get('1005'), { status: 'notReady', agentState: 3 })
  })

  t.test('queues panel and the customer calls form (issue #11)', async (t) => {
    t.same(await page.locator('#queues tbody tr td:first-child').allTextContents(), ['1 voice', '2 billing'], 'one row per skill')
    await page.locator('#customer-form input[name=from]').fill('13911112222')
    await page.locator('#customer-form input[name=to]').fill('skill:2')
    await page.locator('#customer-form').getByRole('button', { name: 'customer calls' }).click()
    // Skill 2 goes to an idle agent or colleague with it: the call shows up, caller and called.
    await page.locator('#calls tbody tr', { hasText: '13911112222' }).first().waitFor()
    const placed = (await mock.admin.calls.list()).find(c => c.caller === '13911112222' && c.feature === '0')
    t.ok(placed !== undefined, 'a customer call was placed')
    t.same(await layoutProblems(page), [], 'the form fits the page')
    // The customer hangs up again, so the calls panel holds only the calls the next steps expect.
    await mock.admin.calls.hangUp(String(placed?.callid))
    await page.locator('#calls tbody tr', { hasText: '13911112222' }).locator('td', { hasText: /^released$/ }).first().waitFor()
  })

  t.test('click a call: its sequence diagram, lanes, times, retcodes; Mermaid download', async (t) => {
    await page.locator('#calls tbody tr', { hasText: 'alerting' }).getByRole('button', { name: 'answer' }).click()
    await page.locator('#calls tbody tr', { hasText: '9004' }).locator('td', { hasText: /^talking$/ }).waitFor()
    await page.locator('#calls tbody tr', { hasText: '9004' }).locator('td').first().click()
    const diagram = page.locator('#sequence svg')
    await diagram.waitFor()
    t.match(await page.locator('#sequence-title').textContent(), /^Sequence: call \d+-\d+ \(\d+ steps\)$/)
    t.same(await diagram.locator('.lane-head').allTextContents(), ['agent 1001', 'gateway (mock)', 'far end 9004'], 'one lane per party')
    const steps = await diagram.locator('g.step').evaluateAll(gs => gs.map(g => [g.getAttribute('data-kind') ?? '', g.querySelector('text')?.textContent ?? '']))
    const labels = steps.map(s => s[1] ?? '')
    t.ok(labels.some(l => /^\d\d:\d\d:\d\d\.\d{3} PUT callInner$/.test(l)), 'the request with its time')
    t.ok(labels.includes('200 retcode 0'), 'its answer with the retcode')
    t.ok(labels.some(l => /^\d\d:\d\d:\d\d\.\d{3} AgentEvent_Talking$/.test(l)), 'the events with their time')
    t.ok(steps.some(s => s[0] === 'far' && /answers$/.test(s[1] ?? '')), 'the far end answers')
    t.ok(await diagram.locator('text.detail', { hasText: '"called":"9004"' }).count() > 0, 'with content')
    t.same(await layoutProblems(page), [], 'the diagram fits the page')
    await page.screenshot({ path: shot('dashboard-sequence.png'), fullPage: true })

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#sequence-mermaid').click()])
    t.match(download.suggestedFilename(), /^call-\d+-\d+\.mmd$/)
    const text = readFileSync((await download.path())!, 'utf8')
    t.match(text, /^sequenceDiagram\n {2}title call \d+-\d+\n {2}participant agent1001 as agent 1001\n {2}participant gateway as gateway \(mock\)\n {2}participant far as far end 9004\n/)
    t.match(text, /\n {2}agent1001->>gateway: \d\d:\d\d:\d\d\.\d{3} PUT callInner \{"called":"9004"\}\n {2}gateway-->>agent1001: 200 retcode 0\n/)
  })

  t.test('click an agent: its own sequence', async (t) => {
    await agentRow('1002').locator('td').first().click()
    await page.locator('#sequence-title', { hasText: 'agent 1002' }).waitFor()
    t.same(await page.locator('#sequence .lane-head').allTextContents(), ['agent 1002', 'gateway (mock)'])
    t.ok(await page.locator('#sequence g.step text', { hasText: 'POST sayBusy' }).count() === 1)
    await page.locator('#sequence-close').click()
    await page.locator('#sequence').waitFor({ state: 'hidden' })
  })
})

t.test('with --admin-token: a form asks for it (no prompt), or #token= in the URL', { skip: noBrowser }, async (t) => {
  const mock = await startMockGateway({ adminToken: 's3cret', clock: 'virtual' })
  t.teardown(() => mock.close())
  await mock.gateway.signIn('1001')
  const context = await browser(t)
  const page = await context.newPage()
  let dialogs = 0
  page.on('dialog', (d) => { dialogs++; d.dismiss().catch(() => {}) })
  await page.goto(`${mock.url}/__mock/`)
  await page.locator('#token-form').waitFor()
  await page.locator('#token-input').fill('s3cret')
  await page.locator('#token-form button[type=submit]').click()
  await page.locator('#agents tbody tr', { hasText: '1001' }).waitFor()
  await page.locator('#token-form').waitFor({ state: 'hidden' })
  t.equal(dialogs, 0, 'no prompt(), alert() or confirm()')

  const fresh = await context.newPage()
  await fresh.goto(`${mock.url}/__mock/#token=s3cret`)
  await fresh.locator('#agents tbody tr', { hasText: '1001' }).waitFor()
  t.equal(new URL(fresh.url()).hash, '', 'the token is taken out of the address bar')
})
