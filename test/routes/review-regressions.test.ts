/** Regressions from the first review: abandoned polls, empty saybusy reason, fault agent matching. */
import { request } from 'node:http'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'
import { GW, build, call, drain, signIn } from '../helper.js'

t.test('a poll abandoned while held neither rotates the GUID nor goes unrecorded', async (t) => {
  const clock = new ManualClock()
  const app = await buildApp({ pollWaitMs: 10000, guidRotation: 'dynamic' }, { clock, logger: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const port = (app.server.address() as { port: number }).port
  const guid = await signIn(app, '1001')
  // Drain the two sign-in events (each poll rotates; keep the newest GUID).
  let current = guid
  for (let i = 0; i < 2; i++) {
    const res = await app.inject({ method: 'GET', url: `${GW}/agentevent/1001`, headers: { guid: current } })
    current = String(res.headers['set-guid']).replace('JSESSIONID=', '')
  }
  const agent = app.simulator.agents.get('1001')
  const req = request({ host: '127.0.0.1', port, path: `${GW}/agentevent/1001`, headers: { guid: current } })
  req.on('error', () => {})
  req.end()
  while (agent?.queue.holding !== true) await new Promise(resolve => setImmediate(resolve))
  const guidBefore = agent.session.guid
  req.destroy()
  while (agent.queue.holding) await new Promise(resolve => setImmediate(resolve))
  t.equal(agent.session.guid, guidBefore, 'no rotation for a client that is gone')
  clock.advance(31000) // past the grace period of any previous GUID
  const status = await app.inject({ method: 'GET', url: `${GW}/onlineagent/1001/agentstatus`, headers: { guid: current } })
  t.equal(status.json().retcode, '0', 'the newest GUID the client received still works')
  const aborted = app.journal.find({ agent: '1001', retcode: 'aborted' })
  t.equal(aborted.length, 1, 'the abandoned poll is in the journal')
  t.equal(aborted[0]?.status, 0)
})

t.test('saybusy?reason= with an empty value is the same as no reason', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001')
  await drain(app, '1001', guid)
  t.same((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=')).json(), { message: 'success', retcode: '0', result: {} })
  t.same(await drain(app, '1001', guid), [{ eventType: 'AgentState_SetNotReady_Success', workNo: '1001', content: { reason: '0' } }])
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=abc&prolong=true')).json().retcode, '000-002')
  t.equal((await call(app, guid, 'POST', '/onlineagent/1001/saybusy?reason=201&prolong=true')).json().retcode, '0')
})

t.test('a fault rule for an agent matches the agent in the path, not a body field named agentid', async (t) => {
  const { app } = await build(t)
  const guid = await signIn(app, '1001')
  const armed = await app.inject({ method: 'POST', url: '/__mock/faults', payload: { match: { operation: 'callInner', agent: '1002' }, action: { retcode: '100-007' } } })
  t.equal(armed.statusCode, 201)
  const res = await call(app, guid, 'PUT', '/voicecall/1001/callinner', { called: '9002', agentid: '1002' })
  t.equal(res.json().retcode, '0', 'agent 1001 calling is not agent 1002')
})
