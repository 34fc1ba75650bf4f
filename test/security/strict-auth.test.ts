/**
 * Issue #16, findings 8 and 9. Under `--auth strict` an agent sees only its own calls and events:
 * `allagentevent` with its GUID drains only its own queue (no other agent loses events), and
 * `callinfobycallid` answers another agent's call like an unknown one. With dynamic GUID rotation,
 * every rotated-out GUID works for the whole grace period, not only the last one.
 */
import t from 'tap'
import { build, call, drainTypes, GW, signIn } from '../helper.js'

t.test('strict: allagentevent drains only the caller\'s own queue', async (t) => {
  const { app } = await build(t, { auth: 'strict' })
  const a = await signIn(app, '1001')
  const b = await signIn(app, '1002')
  const mine = await app.inject({ method: 'GET', url: `${GW}/agentevent/allagentevent`, headers: { guid: a } })
  t.same(mine.json().event.map((e: { workNo: string }) => e.workNo), ['1001', '1001'], 'only 1001\'s events')
  t.same(await drainTypes(app, '1002', b), ['AgentOther_InService', 'AgentState_Ready'], '1002 lost nothing')
  const both = await app.inject({ method: 'GET', url: `${GW}/agentevent/allagentevent`, headers: { cookie: `JSESSIONID=${a}; JSESSIONID=${b}` } })
  t.same(both.json(), { message: '', retcode: '0', event: [] }, 'a client holding both agents\' GUIDs gets both (here: nothing left)')
  const none = await app.inject({ method: 'GET', url: `${GW}/agentevent/allagentevent`, headers: { guid: 'nope' } })
  t.equal(none.json().retcode, '000-003', 'no live GUID: no right')
})

t.test('compat keeps the gateway\'s behaviour: every agent\'s events', async (t) => {
  const { app } = await build(t)
  const a = await signIn(app, '1001')
  await signIn(app, '1002')
  const all = await app.inject({ method: 'GET', url: `${GW}/agentevent/allagentevent`, headers: { guid: a } })
  t.same(all.json().event.map((e: { workNo: string }) => e.workNo), ['1001', '1001', '1002', '1002'])
})

t.test('strict: callinfobycallid reads only the agent\'s own calls', async (t) => {
  const { app } = await build(t, { auth: 'strict' })
  const a = await signIn(app, '1001')
  const b = await signIn(app, '1002')
  const out = await call(app, a, 'PUT', '/voicecall/1001/callout', { called: '5550100', callappdata: 'secret data of 1001' })
  t.equal(out.json().retcode, '0')
  const callid = String(out.json().result)
  const own = await call(app, a, 'GET', `/calldata/1001/callinfobycallid/${callid}`)
  t.match(own.json(), { retcode: '0', result: { callid, calldata: 'secret data of 1001' } })
  const other = await call(app, b, 'GET', `/calldata/1002/callinfobycallid/${callid}`)
  t.same(other.json(), { message: `no call ${callid}`, retcode: (await call(app, b, 'GET', '/calldata/1002/callinfobycallid/999999')).json().retcode }, 'another agent\'s call answers like an unknown one')
  t.notOk(other.body.includes('secret'))
  const { app: compat } = await build(t)
  const ca = await signIn(compat, '1001')
  const cb = await signIn(compat, '1002')
  const cid = String((await call(compat, ca, 'PUT', '/voicecall/1001/callout', { called: '5550100' })).json().result)
  t.equal((await call(compat, cb, 'GET', `/calldata/1002/callinfobycallid/${cid}`)).json().retcode, '0', 'compat: as before')
})

t.test('dynamic rotation: a poll then a handshake leave the original GUID working for the grace period', async (t) => {
  const { app, clock } = await build(t, { guidRotation: 'dynamic', guidGraceMs: 30000 })
  const original = await signIn(app, '1001')
  const poll = await call(app, original, 'GET', '/agentevent/1001')
  const afterPoll = String(poll.headers['set-guid']).replace('JSESSIONID=', '')
  const shake = await call(app, afterPoll, 'POST', '/onlineagent/1001/handshake')
  t.equal(shake.json().retcode, '0')
  clock.advance(1000)
  t.equal((await call(app, original, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '0', 'the original GUID after 1 s')
  clock.advance(29000)
  t.equal((await call(app, original, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '0', 'and up to 30 s after its rotation')
  clock.advance(1)
  t.equal((await call(app, original, 'GET', '/onlineagent/1001/agentstatus')).json().retcode, '000-003', 'then no longer')
})
