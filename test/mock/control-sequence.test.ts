/**
 * GET /__mock/calls/{callid}/sequence and /__mock/agents/{id}/sequence (issue #14): the picture a
 * developer debugging a client wants, as JSON and as Mermaid text. Exact, on the virtual clock.
 */
import t from 'tap'
import { build, call, signIn, admin } from '../helper.js'

t.test('a call: lanes per party, requests with retcodes, events keyed by callid, the far end', async (t) => {
  const { app, clock } = await build(t)
  const guid = await signIn(app, '1001')
  clock.advance(10)
  const callid = (await call(app, guid, 'PUT', '/voicecall/1001/callinner', { called: '9001' })).json().result as string
  clock.advance(1000) // 9001 answers after 1 s
  clock.advance(10)
  await call(app, guid, 'DELETE', '/voicecall/1001/release')
  await call(app, guid, 'POST', '/onlineagent/1001/saybusy') // not part of the call

  const res = await admin(app, 'GET', `/__mock/calls/${callid}/sequence`)
  t.equal(res.statusCode, 200)
  const seq = res.json()
  t.same(seq.lanes, [{ id: 'agent1001', label: 'agent 1001' }, { id: 'gateway', label: 'gateway (mock)' }, { id: 'far', label: 'far end 9001' }])
  const rows = (seq.steps as Array<{ time: number, from: string, to: string, kind: string, label: string, ok?: boolean }>).map(s => `${s.time - Date.UTC(2026, 0, 1)} ${s.from}>${s.to} ${s.label}${s.ok === false ? ' FAILED' : ''}`)
  t.same(rows.slice(0, 3), ['10 agent1001>gateway PUT callInner', '10 gateway>agent1001 200 retcode 0', '10 gateway>far dials 9001'])
  t.ok(rows.includes('1010 far>gateway answers'), 'the far end answers after 1 s')
  t.ok(rows.some(r => /^1010 gateway>agent1001 AgentEvent_Talking$/.test(r)), 'Talking when it answers')
  t.ok(rows.includes('1020 agent1001>gateway DELETE release'))
  t.ok(rows.some(r => /^1020 gateway>agent1001 AgentEvent_Call_Release$/.test(r)))
  t.notOk(rows.some(r => r.includes('sayBusy') || r.includes('InService')), 'nothing that is not the call')
  t.match(seq.mermaid, /^sequenceDiagram\n {2}title call \d+-1\n {2}participant agent1001 as agent 1001\n/)

  const text = await admin(app, 'GET', `/__mock/calls/${callid}/sequence?format=mermaid`)
  t.match(text.headers['content-type'], /^text\/plain/)
  t.equal(text.body, seq.mermaid)
  t.match(text.body, /\n {2}agent1001->>gateway: 00:00:00\.010 PUT callInner \{"called":"9001"\}\n {2}gateway-->>agent1001: 200 retcode 0\n/)
  t.equal((await admin(app, 'GET', '/__mock/calls/nosuch/sequence')).statusCode, 404)
})

t.test('an agent: everything but its polls, failed answers marked, also after sign-out', async (t) => {
  const { app, clock } = await build(t)
  const guid = await signIn(app, '1001')
  clock.advance(5)
  await call(app, guid, 'GET', '/agentevent/1001')
  await call(app, guid, 'POST', '/onlineagent/1001/cancelbusy') // refused: not busy
  await call(app, guid, 'DELETE', '/onlineagent/1001/logout')
  const seq = (await admin(app, 'GET', '/__mock/agents/1001/sequence')).json()
  t.same(seq.lanes.map((l: { id: string }) => l.id), ['agent1001', 'gateway'])
  const labels = (seq.steps as Array<{ kind: string, label: string, ok?: boolean }>).map(s => `${s.kind} ${s.label}${s.ok === false ? ' FAILED' : ''}`)
  t.notOk(labels.some(l => l.includes('getAgentEvent')), 'no polls')
  t.equal(labels[0], 'request PUT login')
  t.ok(labels.some(l => /^answer 200 retcode \d{3}-\d{3} FAILED$/.test(l)), 'a refused request is marked')
  t.ok(labels.includes('event AgentOther_InService') && labels.includes('event AgentOther_ShutdownService'))
  t.match((await admin(app, 'GET', '/__mock/agents/1001/sequence?format=mermaid')).body, /^sequenceDiagram\n/)
  t.equal((await admin(app, 'GET', '/__mock/agents/1001/sequence?format=png')).statusCode, 400)
})

t.test('Mermaid text never breaks on ; or # in content', async (t) => {
  const { app } = await build(t)
  await signIn(app, '1001')
  await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: 'Custom', content: { note: 'a;b#c\nd' } })
  const text = (await admin(app, 'GET', '/__mock/agents/1001/sequence?format=mermaid')).body
  t.match(text, /Custom \{"note":"a#59;b#35;c\\nd"\}/)
  for (const line of text.trim().split('\n').slice(1)) t.notMatch(line.replace(/#\d+;/g, ''), /[;#]/, line)
})
