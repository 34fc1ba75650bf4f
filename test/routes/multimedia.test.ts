/**
 * The interfaces the mock does not simulate (issue #13): the multimedia families (textchat,
 * multimediaconf, agentconf, eccconfig, thirdcontrol), video and multimedia-call interfaces of the
 * voice families, and the quality-inspection back office. Each answers HTTP 200 with 100-007 and a
 * message saying so, after the agent and GUID checks, journalled under the vendor's method name.
 */
import t from 'tap'
import { MULTIMEDIA } from '../../src/routes/agentgateway/multimedia.js'
import { BACK_OFFICE as QC } from '../../src/routes/agentgateway/qualitycontrol.js'
import { build, call, GW, signIn } from '../helper.js'

const BACK_OFFICE = QC.map(([method, path, op]) => [method, `/qualitycontrol/:agentid/${path}`, op] as const)

const fill = (path: string, agent: string): string => path.replace(/:(\w+)/g, (_, n: string) => n === 'agentid' ? agent : '1')

t.test('every not-simulated interface: 100-007 saying so, journalled with the vendor\'s method name', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001')
  const all = [...MULTIMEDIA, ...BACK_OFFICE]
  t.equal(all.length, 46)
  for (const [method, path, op] of all) {
    const res = await call(app, guid, method as 'GET', fill(path, '1001'), method === 'GET' ? undefined : { any: 'body' })
    t.equal(res.statusCode, 200, `${method} ${path}`)
    t.equal(res.headers['content-type'], 'application/json;charset=UTF-8')
    t.strictSame(res.json(), { message: `${op} is not simulated by cc-gateway-mock (${path.includes('qualitycontrol') && !/[vV]ideo/.test(path) ? 'quality-inspection back-office' : 'multimedia'} interfaces answer this until they are simulated)`, retcode: '100-007' })
    const journal = (await app.inject({ url: `/__mock/journal?operation=${op}` })).json() as { entries: Array<{ path: string, retcode: string, agent: string }> }
    t.match(journal.entries.at(-1), { path: GW + fill(path, '1001'), retcode: '100-007', agent: '1001' }, `journalled as ${op}`)
  }
})

t.test('the agent and credential checks come first: 100-006, 000-003, 000-002', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001')
  await signIn(app, '1002')
  for (const [method, path] of [...MULTIMEDIA, ...BACK_OFFICE]) {
    t.match((await call(app, guid, method as 'GET', fill(path, '1003'))).json(), { retcode: '100-006' }, `${path}: not signed in`)
    t.match((await call(app, guid, method as 'GET', fill(path, '1002'))).json(), { retcode: '000-003' }, `${path}: another agent's GUID`)
    t.match((await call(app, guid, method as 'GET', fill(path, 'x1'))).json(), { retcode: '000-002' }, `${path}: bad agent id`)
  }
  // The textchat work number and thirdcontrol's unnamed parameter, overlong.
  t.match((await call(app, guid, 'PUT', `/thirdcontrol/1001/callout/${'9'.repeat(101)}`)).json(), { retcode: '000-002' })
  t.match((await call(app, guid, 'PUT', '/textchat/1001/answer/x')).json(), { retcode: '100-007' })
})
