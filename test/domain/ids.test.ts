/**
 * Identifiers the gateway hands out (spec §0, §1): session GUIDs `<uuid v4>.AgentGateway<N>` and
 * call ids `<unix-seconds>-<sequence>`; seeded sources repeat exactly, unseeded ones never do.
 */
import t from 'tap'
import { createIdSource, SEEDED_CALL_SECONDS, seededRandom } from '../../src/domain/ids.js'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.AgentGateway0$/

t.test('GUIDs are a version-4 UUID followed by .AgentGateway0', async (t) => {
  for (const ids of [createIdSource(), createIdSource({ seed: 1 }), createIdSource({ seed: 0 }), createIdSource({ seed: 4294967295 })]) {
    for (let i = 0; i < 50; i++) t.match(ids.guid(), GUID)
  }
})

t.test('the node number names the gateway in the suffix', async (t) => {
  t.match(createIdSource({ node: 1 }).guid(), /\.AgentGateway1$/)
  t.match(createIdSource({ seed: 3, node: 2 }).guid(), /^[0-9a-f-]{36}\.AgentGateway2$/)
})

t.test('two sources with the same seed give exactly the same GUIDs', async (t) => {
  const a = createIdSource({ seed: 42 })
  const b = createIdSource({ seed: 42 })
  const first = Array.from({ length: 20 }, () => a.guid())
  t.same(Array.from({ length: 20 }, () => b.guid()), first)
  t.equal(new Set(first).size, 20, 'a seeded source does not repeat itself')
  const c = createIdSource({ seed: 43 })
  t.not(c.guid(), first[0], 'another seed, another sequence')
})

t.test('unseeded sources never repeat', async (t) => {
  const a = createIdSource()
  const b = createIdSource()
  const all = new Set<string>()
  for (let i = 0; i < 100; i++) { all.add(a.guid()); all.add(b.guid()) }
  t.equal(all.size, 200)
})

t.test('seededRandom is deterministic and stays in [0, 1)', async (t) => {
  const a = seededRandom(7)
  const b = seededRandom(7)
  for (let i = 0; i < 1000; i++) {
    const x = a()
    t.equal(b(), x)
    if (x < 0 || x >= 1) t.fail(`out of range: ${x}`)
  }
})

t.test('call ids are <unix-seconds>-<n>, n counting up from 1', async (t) => {
  const ids = createIdSource()
  t.equal(ids.callId(1456401416999), '1456401416-1')
  t.equal(ids.callId(1456401416000), '1456401416-2')
  t.equal(ids.callId(1456401417001), '1456401417-3')
  const seqs = Array.from({ length: 100 }, () => Number(ids.callId(Date.UTC(2026, 0, 1)).split('-')[1]))
  t.ok(seqs.every((n, i) => n === i + 4), 'strictly increasing by one')
  for (const id of [ids.callId(Date.now())]) t.match(id, /^\d{10}-\d+$/)
})

t.test('each source counts its call ids on its own', async (t) => {
  const a = createIdSource()
  const b = createIdSource()
  a.callId(0)
  a.callId(0)
  t.equal(b.callId(0), '0-1')
  t.equal(a.callId(0), '0-3')
})

t.test('a seeded source ignores the clock in call ids and starts again on reset', async (t) => {
  const a = createIdSource({ seed: 5 })
  const first = [a.guid(), a.callId(Date.now()), a.callId(0)]
  t.same(first.slice(1), [`${SEEDED_CALL_SECONDS}-1`, `${SEEDED_CALL_SECONDS}-2`])
  a.reset()
  t.same([a.guid(), a.callId(123456789), a.callId(0)], first)
  const b = createIdSource()
  const g = b.guid()
  b.callId(0)
  b.reset()
  t.equal(b.callId(5000), '5-1', 'an unseeded source restarts its sequence')
  t.not(b.guid(), g, 'and stays random')
})
