/**
 * Sessions and their GUIDs (spec §1, Part B §2): which credential may act for which agent under
 * each auth mode, rotation with a grace period on a ManualClock, and closed sessions.
 */
import t from 'tap'
import { ManualClock } from '../../src/domain/clock.js'
import { createIdSource } from '../../src/domain/ids.js'
import { MAX_RETIRED_GUIDS, SessionStore, type AuthMode, type Credentials } from '../../src/domain/sessions.js'

const GRACE = 30000

function setup (): { clock: ManualClock, store: SessionStore } {
  const clock = new ManualClock()
  return { clock, store: new SessionStore(clock, createIdSource({ seed: 9 }), GRACE) }
}

const header = (h: string, cookies: string[] = []): Credentials => ({ header: h, cookies })
const cookies = (...c: string[]): Credentials => ({ header: undefined, cookies: c })
const none: Credentials = { header: undefined, cookies: [] }

t.test('open gives a fresh GUID that looks the session up', async (t) => {
  const { store } = setup()
  const a = store.open('1001')
  const b = store.open('1002')
  t.match(a.guid, /\.AgentGateway0$/)
  t.not(a.guid, b.guid)
  t.equal(store.lookup(a.guid), a)
  t.equal(store.lookup(b.guid)?.agentId, '1002')
  t.equal(store.lookup('nope'), undefined)
  t.match(a, { agentId: '1001', previousGuid: undefined, open: true })
})

t.test('auth off accepts anything, even no credentials', async (t) => {
  const { store } = setup()
  const other = store.open('1002')
  t.same(store.check('1001', none, 'off'), { ok: true })
  t.same(store.check('1001', header('garbage'), 'off'), { ok: true })
  t.same(store.check('1001', header(other.guid), 'off'), { ok: true })
})

t.test('no header and no cookie is "missing" in compat and strict', async (t) => {
  const { store } = setup()
  store.open('1001')
  for (const mode of ['compat', 'strict'] as const) t.same(store.check('1001', none, mode), { ok: false, reason: 'missing' }, mode)
})

t.test('an agent\'s own GUID works as a header or as a cookie in compat and strict', async (t) => {
  const { store } = setup()
  const s = store.open('1001')
  for (const mode of ['compat', 'strict'] as const) {
    t.same(store.check('1001', header(s.guid), mode), { ok: true }, `${mode}: header`)
    t.same(store.check('1001', cookies(s.guid), mode), { ok: true }, `${mode}: cookie only`)
    t.same(store.check('1001', cookies('other=1', s.guid), mode), { ok: true }, `${mode}: among other cookies`)
  }
})

t.test('an unknown GUID is "unknown"', async (t) => {
  const { store } = setup()
  store.open('1001')
  for (const mode of ['compat', 'strict'] as const) {
    t.same(store.check('1001', header('0000.AgentGateway0'), mode), { ok: false, reason: 'unknown' }, `${mode}: header`)
    t.same(store.check('1001', cookies('0000.AgentGateway0'), mode), { ok: false, reason: 'unknown' }, `${mode}: cookie`)
  }
})

t.test('compat: the cookie of the last agent signed in works for every agent (shared cookie jar, Part B §8)', async (t) => {
  const { store } = setup()
  store.open('1001')
  const last = store.open('1002')
  t.same(store.check('1001', cookies(last.guid), 'compat'), { ok: true })
})

t.test('strict: another agent\'s cookie is refused as other-agent, naming the owner and that compat would accept it', async (t) => {
  const { store } = setup()
  store.open('1001')
  const last = store.open('1002')
  t.same(store.check('1001', cookies(last.guid), 'strict'), { ok: false, reason: 'other-agent', owner: '1002', acceptedBy: 'compat' })
})

t.test('another agent\'s Guid header is refused as other-agent in compat and strict; only off accepts it', async (t) => {
  const { store } = setup()
  store.open('1001')
  const other = store.open('1002')
  for (const mode of ['compat', 'strict'] as const) {
    t.same(store.check('1001', header(other.guid), mode), { ok: false, reason: 'other-agent', owner: '1002', acceptedBy: 'off' }, mode)
  }
})

t.test('compat: an own Guid header is enough even when the cookie jar holds another agent', async (t) => {
  const { store } = setup()
  const own = store.open('1001')
  const other = store.open('1002')
  t.same(store.check('1001', header(own.guid, [other.guid]), 'compat'), { ok: true })
  t.same(store.check('1001', header(own.guid, [other.guid]), 'strict'), { ok: true })
})

t.test('an other-agent verdict never names the requested agent itself as the owner', async (t) => {
  const { store } = setup()
  const own = store.open('1001')
  const problems: string[] = []
  for (const mode of ['compat', 'strict'] as const) {
    const v = store.check('1001', header('stale.AgentGateway0', [own.guid]), mode)
    if (!v.ok && v.reason === 'other-agent' && v.owner === '1001') problems.push(`${mode}: ${JSON.stringify(v)}`)
  }
  t.same(problems, [])
})

t.test('compat: a Guid header decides alone, so another agent\'s header is refused even next to the agent\'s own cookie', async (t) => {
  const { store } = setup()
  const own = store.open('1001')
  const other = store.open('1002')
  t.same(store.check('1001', header(other.guid, [own.guid]), 'compat'), { ok: false, reason: 'other-agent', owner: '1002', acceptedBy: 'off' })
})

t.test('strict: the agent\'s own header or own cookie is enough, whatever else is sent', async (t) => {
  const { store } = setup()
  const own = store.open('1001')
  const other = store.open('1002')
  t.same(store.check('1001', header(other.guid, [own.guid]), 'strict'), { ok: true }, 'own cookie next to another agent\'s header')
  t.same(store.check('1001', header(own.guid, [other.guid]), 'strict'), { ok: true }, 'own header next to another agent\'s cookie')
  t.same(store.check('1001', cookies(other.guid, own.guid), 'strict'), { ok: true }, 'one of several cookies is its own')
})

t.test('after rotation the previous GUID keeps working for the grace period, then stops', async (t) => {
  const { clock, store } = setup()
  const s = store.open('1001')
  const old = s.guid
  const fresh = store.rotate(s)
  t.not(fresh, old)
  t.equal(s.guid, fresh)
  t.equal(s.previousGuid, old)
  const check = (guid: string, mode: AuthMode = 'compat'): boolean => store.check('1001', header(guid), mode).ok
  t.ok(check(old), 'old GUID works right after rotation')
  t.ok(check(fresh), 'new GUID works')
  clock.advance(GRACE)
  t.ok(check(old), 'old GUID still works at the end of the grace period')
  clock.advance(1)
  t.notOk(check(old), 'old GUID refused after the grace period')
  t.same(store.check('1001', header(old), 'compat'), { ok: false, reason: 'unknown' })
  t.notOk(check(old, 'strict'))
  t.ok(check(fresh), 'new GUID still works')
  t.equal(store.lookup(fresh), s)
})

t.test('every rotated-out GUID keeps its own grace period, however many rotations follow (issue #16, finding 9)', async (t) => {
  const { clock, store } = setup()
  const s = store.open('1001')
  const first = s.guid
  const second = store.rotate(s)
  clock.advance(1000)
  const third = store.rotate(s)
  t.equal(store.lookup(first), s, 'the first GUID, two rotations ago, is still in its grace period')
  t.equal(store.lookup(second), s)
  t.equal(store.lookup(third), s)
  clock.advance(GRACE - 1000)
  t.equal(store.lookup(first), s, 'up to the end of its own grace period')
  clock.advance(1)
  t.equal(store.lookup(first), undefined, 'then it stops')
  t.equal(store.lookup(second), s, 'the second, rotated out later, still works')
  clock.advance(1000)
  t.equal(store.lookup(second), undefined)
  t.equal(store.lookup(third), s, 'the current one never expires')
})

t.test('at most MAX_RETIRED_GUIDS rotated-out GUIDs are kept per session', async (t) => {
  const { store } = setup()
  const s = store.open('1001')
  const guids = [s.guid]
  for (let i = 0; i < MAX_RETIRED_GUIDS + 10; i++) guids.push(store.rotate(s))
  t.equal(s.retired.length, MAX_RETIRED_GUIDS)
  t.equal(store.lookup(guids[0]!), undefined, 'the oldest went first')
  t.equal(store.lookup(guids[guids.length - 2]!), s)
  t.equal(store.lookup(guids[guids.length - 1 - MAX_RETIRED_GUIDS]!), s, 'the oldest still kept')
  t.equal(store.lookup(guids[guids.length - 2 - MAX_RETIRED_GUIDS]!), undefined)
})

t.test('closing a session makes its GUIDs unusable for good', async (t) => {
  const { store } = setup()
  const s = store.open('1001')
  const old = s.guid
  const current = store.rotate(s)
  store.close(s)
  t.equal(s.open, false)
  for (const guid of [old, current]) {
    t.equal(store.lookup(guid), undefined)
    t.same(store.check('1001', header(guid), 'compat'), { ok: false, reason: 'unknown' })
    t.same(store.check('1001', cookies(guid), 'strict'), { ok: false, reason: 'unknown' })
  }
  const again = store.open('1001')
  t.not(again.guid, current, 'signing in again gives a new GUID')
  t.equal(store.lookup(current), undefined, 'the old one stays dead')
})

t.test('clear forgets every session', async (t) => {
  const { store } = setup()
  const s = store.open('1001')
  store.clear()
  t.equal(store.lookup(s.guid), undefined)
})
