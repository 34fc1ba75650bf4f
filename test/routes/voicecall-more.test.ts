/**
 * `voicecall` interfaces outside the call-control redesign (issue #13): previewcallout places an
 * outbound call like callout; reportsound answers "not simulated".
 */
import t from 'tap'
import { build, call, drain, signIn } from '../helper.js'

t.test('previewcallout: an outbound call exactly like callout — same events, same call data', async (t) => {
  const { app, clock } = await build(t)
  const ga = await signIn(app, '1001')
  const gb = await signIn(app, '1002')
  await drain(app, '1001', ga)
  await drain(app, '1002', gb)
  const preview = (await call(app, ga, 'PUT', '/voicecall/1001/previewcallout', { called: '5550100', callappdata: 'lead 77' })).json()
  const plain = (await call(app, gb, 'PUT', '/voicecall/1002/callout', { called: '5550100', callappdata: 'lead 77' })).json()
  t.match(preview, { message: '', retcode: '0', result: /^\d+-\d+$/ })
  clock.advance(1000) // 5550100 answers after 1 s
  const strip = (events: Array<{ eventType: string, content: unknown }>, callid: string): string =>
    JSON.stringify(events.map(e => [e.eventType, e.content])).replaceAll(callid, 'X')
  const a = await drain(app, '1001', ga)
  t.ok(a.some(e => e.eventType === 'AgentEvent_Talking'), 'answered')
  t.equal(strip(a, preview.result), strip(await drain(app, '1002', gb), plain.result))
  t.match((await call(app, ga, 'GET', '/calldata/1001/callinfo')).json(), { result: { callid: preview.result, called: '5550100', calldata: 'lead 77', callfeature: 7 } })
  await call(app, ga, 'DELETE', '/voicecall/1001/release')
  t.match((await call(app, ga, 'PUT', '/voicecall/1001/previewcallout', { called: '5550199' })).json(), { retcode: '200-001' }, 'an invalid number')
  t.match((await call(app, ga, 'PUT', '/voicecall/1001/previewcallout', {})).json(), { retcode: '000-002' })
  t.match((await call(app, ga, 'PUT', '/voicecall/1001/previewcallout', { called: '5550100', callappdata: 'x'.repeat(16385) })).json(), { retcode: '000-002' })
  t.match((await call(app, ga, 'PUT', '/voicecall/1003/previewcallout', { called: '5550100' })).json(), { retcode: '100-006' })
  t.match((await call(app, ga, 'PUT', '/voicecall/1002/previewcallout', { called: '5550100' })).json(), { retcode: '000-003' })
})

t.test('reportsound: not simulated (100-007), after the agent checks', async (t) => {
  const { app } = await build(t)
  const g = await signIn(app, '1001')
  t.strictSame((await call(app, g, 'POST', '/voicecall/1001/reportsound', { any: 1 })).json(),
    { message: 'reportSound is not simulated by cc-gateway-mock (voice-quality report interfaces answer this until they are simulated)', retcode: '100-007' })
  t.match((await call(app, g, 'POST', '/voicecall/1002/reportsound')).json(), { retcode: '100-006' })
})
