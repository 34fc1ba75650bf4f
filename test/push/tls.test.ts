/**
 * HTTPS receivers (Part D §D5.1: TLS 1.2+, certificate checked unless trustAll): a self-signed
 * receiver is refused by default, accepted with --push-insecure or when its certificate is given
 * with --push-ca-file; connections are kept alive.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { admin, build, until } from '../helper.js'
import { current, eventsOf, pushSignIn, pushStatus, receiverFor, springReceiver } from '../fixtures/receivers.js'

const receiver = (t: { teardown(fn: () => unknown): void }): ReturnType<typeof receiverFor> => receiverFor(t, springReceiver(['1001']), { tls: true })

t.test('a self-signed receiver is refused by default: the certificate error is the last error', async (t) => {
  const r = await receiver(t)
  const { app } = await build(t)
  await pushSignIn(app, '1001', current(`${r.url}/cb`))
  await until(async () => (await pushStatus(app, '1001')).failures === 1)
  t.match(String((await pushStatus(app, '1001')).lastError), /self[- ]signed|certificate/i)
  t.equal(r.received.length, 0)
})

t.test('--push-insecure accepts it; deliveries share one kept-alive TLS connection', async (t) => {
  const r = await receiver(t)
  const { app } = await build(t, { pushInsecure: true })
  await pushSignIn(app, '1001', current(`${r.url}/cb`))
  for (let i = 0; i < 10; i++) await admin(app, 'POST', '/__mock/agents/1001/events', { eventType: 'Custom_Event', content: { i } })
  await until(async () => (await pushStatus(app, '1001')).delivered === 12)
  t.equal(eventsOf(r.received).length, 12)
  t.ok(r.connections <= 2, `connections kept alive (${r.connections} for ${r.received.length} POSTs)`)
})

t.test('--push-ca-file trusts a receiver whose certificate it names', async (t) => {
  const r = await receiver(t)
  const dir = mkdtempSync(join(tmpdir(), 'push-ca-'))
  const ca = join(dir, 'receiver.pem')
  writeFileSync(ca, r.cert!)
  const { app } = await build(t, { pushCaFile: ca })
  await pushSignIn(app, '1001', current(`${r.url}/cb`))
  await until(async () => (await pushStatus(app, '1001')).delivered === 2)
  t.equal(eventsOf(r.received).length, 2)
})
