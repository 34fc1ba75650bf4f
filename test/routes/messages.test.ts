/**
 * Issue #14 bug 9: a value that misses a pattern is told what is expected in words, never shown the
 * regular expression (gateway routes, control API, scenario files share the wording).
 */
import t from 'tap'
import { build, GW, admin, signIn } from '../helper.js'

t.test('agent id 100 (and other bad ids) answer in words', async (t) => {
  const { app } = await build(t)
  for (const id of ['100', '0101', '1'.repeat(100), 'abc']) {
    const res = await app.inject({ method: 'GET', url: `${GW}/onlineagent/${id}/agentstatus` })
    t.same(res.json(), { message: 'params agentid must be an agent id from 101 to 999999 (digits, no leading zero)', retcode: '000-002' }, id.slice(0, 10))
  }
  const guid = await signIn(app, '1001')
  const called = await app.inject({ method: 'PUT', url: `${GW}/voicecall/1001/callinner`, headers: { guid }, payload: { called: '12a' } })
  t.match(called.json(), { message: 'called must be 1 to 24 of the digits 0-9, * and #' }, 'a body field too')
  const control = await admin(app, 'GET', '/__mock/agents/12x')
  t.same(control.json(), { message: 'params id must be 1 to 24 digits', retcode: '000-002' })
})
