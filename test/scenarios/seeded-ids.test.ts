/**
 * Issue #14 bug 5: with a seed, every id repeats exactly across runs (whatever the clock says)
 * and after POST /__mock/reset: GUIDs and call ids (and across runs the chances of faults).
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'
import { GW, admin } from '../helper.js'

async function seededApp (t: { teardown(fn: () => unknown): void }, start?: number): Promise<FastifyInstance> {
  const app = await buildApp({ seed: 42, pollWaitMs: 0 }, { logger: false, ...(start === undefined ? {} : { clock: new ManualClock(start) }) })
  t.teardown(() => app.close())
  return app
}

/** Sign 1001 in, call 9001 and hang up; the GUID, the call id and (unless `draws` is false) twelve fault draws. */
async function ids (app: FastifyInstance, draws = true): Promise<string[]> {
  const login = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, payload: { password: '', phonenum: '71001' } })
  const guid = String(login.headers['set-guid']).replace('JSESSIONID=', '')
  const called = await app.inject({ method: 'PUT', url: `${GW}/voicecall/1001/callinner`, headers: { guid }, payload: { called: '9001' } })
  await app.inject({ method: 'DELETE', url: `${GW}/voicecall/1001/release`, headers: { guid } })
  if (!draws) return [guid, called.json().result]
  await admin(app, 'POST', '/__mock/faults', { match: { operation: 'getAgentStatus' }, fire: { probability: 0.5 }, action: { retcode: '100-007' } })
  const drawn: string[] = []
  for (let i = 0; i < 12; i++) drawn.push((await app.inject({ method: 'GET', url: `${GW}/onlineagent/1001/agentstatus`, headers: { guid } })).json().retcode)
  return [guid, called.json().result, drawn.join(',')]
}

t.test('the same seed gives the same GUIDs and call ids on clocks that read differently', async (t) => {
  const a = await ids(await seededApp(t, Date.UTC(2026, 4, 1, 10, 0, 0, 400)))
  const b = await ids(await seededApp(t, Date.UTC(2031, 8, 9, 23, 59, 59, 999)))
  t.match(a[1], /^\d{10}-1$/, 'a call id')
  t.same(b, a)
})

t.test('on the real clock too, and again after POST /__mock/reset', async (t) => {
  const app = await seededApp(t)
  const first = await ids(app, false)
  t.same(await ids(await seededApp(t), false), first, 'a second run')
  t.equal((await admin(app, 'POST', '/__mock/reset')).statusCode, 200)
  t.same(await ids(app, false), first, 'the same ids after a reset')
})
