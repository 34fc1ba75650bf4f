/**
 * The test-side client, used exactly as the README shows it, and the built package imported from
 * an ESM and a CommonJS consumer.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { startMockGateway } from '../src/index.js'

t.test('startMockGateway, as in the README', async (t) => {
  // --- README example starts ---
  const mock = await startMockGateway({ clock: 'virtual' })
  const guid = await mock.gateway.signIn('1001')
  const callid = await mock.gateway.callInner('1001', '9001') // 9001 answers after 1 s
  await mock.admin.clock.advance(1000)
  const events = []
  for (let e = await mock.gateway.poll('1001'); e !== undefined; e = await mock.gateway.poll('1001')) {
    events.push(e.eventType)
    if (e.eventType === 'AgentEvent_Talking') break
  }
  const verdict = await mock.admin.journal.verify({ match: { operation: 'callInner', agent: '1001' }, count: 1 })
  await mock.close()
  // --- README example ends ---
  t.match(guid, /\.AgentGateway0$/)
  t.match(callid, /^\d+-\d+$/)
  t.same(events, ['AgentOther_InService', 'AgentState_Ready', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook',
    'AgentState_Busy', 'AgentEvent_Customer_Alerting', 'AgentEvent_Talking'])
  t.equal(verdict.ok, true)
})

t.test('the admin client covers agents, events, calls, faults and scenarios', async (t) => {
  const mock = await startMockGateway({ clock: 'virtual', pollWaitMs: 0, adminToken: 'tok' })
  t.teardown(() => mock.close())
  const guid = await mock.admin.agents.login('1002')
  t.match(guid, /\.AgentGateway0$/)
  t.equal((await mock.admin.agents.list()).length, 1)
  await mock.admin.events.inject('1002', 'AgentState_Force_Ready', null)
  t.equal((await mock.admin.events.peek('1002')).at(-1)?.eventType, 'AgentState_Force_Ready')
  await mock.admin.agents.setState('1002', 'busy')
  t.equal((await mock.admin.agents.get('1002') as { agentState: number }).agentState, 3)
  const rule = await mock.admin.faults.arm({ match: { operation: 'getAgentStatus' }, fire: { times: 1 }, action: { retcode: '100-007' } }) as { id: string }
  t.equal((await mock.admin.faults.list()).length, 1)
  await mock.admin.faults.remove(rule.id)
  t.same(await mock.admin.faults.list(), [])
  t.ok((await mock.admin.scenarios.list()).some(s => s.active === true))
  await mock.admin.reset()
  t.same(await mock.admin.agents.list(), [])
  await t.rejects(mock.admin.agents.get('1002'), { name: 'MockGatewayError', status: 404 } as unknown as Error)
})

t.test('admin.customerCalls: a customer rings the agent; the queues show the figures', async (t) => {
  const mock = await startMockGateway({ clock: 'virtual', pollWaitMs: 0 })
  t.teardown(() => mock.close())
  await mock.gateway.signIn('1001', { autoanswer: false })
  const callid = await mock.admin.customerCalls({ from: '13900001111', agent: '1001' })
  const events = []
  for (let e = await mock.gateway.poll('1001'); e !== undefined; e = await mock.gateway.poll('1001')) events.push(e.eventType)
  t.same(events.slice(-3), ['AgentOther_PhoneOffhook', 'AgentEvent_Ringing', 'AgentEvent_Customer_Alerting'])
  t.match(callid, /^\d+-\d+$/)
  const queues = await mock.admin.queues()
  t.same(queues.map(q => q.skillid), [1, 2])
  await t.rejects(mock.admin.customerCalls({ from: '1', to: '999' }), { name: 'MockGatewayError', status: 404 } as unknown as Error)
})

t.test('the built package works from ESM and CommonJS consumers', async (t) => {
  const dir = t.testdir({})
  const pkg = join(dir, 'node_modules', 'cc-gateway-mock')
  mkdirSync(pkg, { recursive: true })
  // Build into the fake installed package, exactly as `npm ci` (prepare) builds dist/.
  const tsc = spawnSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--outDir', join(pkg, 'dist')], { encoding: 'utf8' })
  t.equal(tsc.status, 0, tsc.stdout + tsc.stderr)
  cpSync('package.json', join(pkg, 'package.json'))
  cpSync('scenarios', join(pkg, 'scenarios'), { recursive: true })
  symlinkSync(join(process.cwd(), 'node_modules'), join(pkg, 'node_modules'), 'dir')
  const script = (imp: string): string => `${imp}
    const mock = await startMockGateway({ pollWaitMs: 0 })
    const guid = await mock.gateway.signIn('1001')
    const e = await mock.gateway.poll('1001')
    await mock.close()
    console.log(JSON.stringify({ guid: guid.endsWith('.AgentGateway0'), event: e.eventType }))`
  writeFileSync(join(dir, 'esm.mjs'), script("import { startMockGateway } from 'cc-gateway-mock'"))
  writeFileSync(join(dir, 'cjs.cjs'), `const { startMockGateway } = require('cc-gateway-mock');\n(async () => {${script('')}\n})()`)
  for (const file of ['esm.mjs', 'cjs.cjs']) {
    const run = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' })
    t.equal(run.status, 0, `${file}: ${run.stderr}`)
    t.same(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}'), { guid: true, event: 'AgentOther_InService' }, file)
  }
  // Type declarations ship with the build.
  const types = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(join(pkg, 'dist', 'index.d.ts'))})`])
  t.equal(types.status, 0, 'dist/index.d.ts exists')
})
