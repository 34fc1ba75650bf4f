/**
 * Issue #16, finding 2: any client could crash the mock through the journal — a sign-in body of
 * ~95,000 keys was kept whole, and ~640 of them ran the heap out. Each entry now keeps a few
 * kilobytes (keys, items, strings and a byte budget), and the journal a bounded total.
 */
import t from 'tap'
import { Journal, JOURNAL_LIMITS, scrubSized, type JournalEntry } from '../../src/domain/journal.js'
import { build, GW } from '../helper.js'

function keyBomb (keys: number, prefix = 'k'): string {
  const parts: string[] = []
  for (let i = 0; i < keys; i++) parts.push(`"${prefix}${i}":"${'v'.repeat(8)}"`)
  return `{${parts.join(',')}}`
}

t.test('sign-ins with key-bomb bodies are journalled cut to a few kilobytes, no credential needed', async (t) => {
  const { app } = await build(t, { bodyLimit: 2 * 1024 * 1024, noAdmin: true })
  const bomb = keyBomb(95000)
  t.ok(bomb.length > 1024 * 1024, `a body of ${bomb.length} bytes`)
  for (let i = 0; i < 20; i++) {
    const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${2000 + i}`, headers: { 'content-type': 'application/json' }, payload: bomb })
    t.equal(res.statusCode, 200)
  }
  const entries = app.journal.all()
  t.equal(entries.length, 20)
  for (const e of entries) {
    const size = JSON.stringify(e).length
    t.ok(size < JOURNAL_LIMITS.entryBytes + 1024, `entry ${e.seq} keeps ${size} bytes`)
    const keys = Object.keys(e.body as object)
    t.ok(keys.length <= JOURNAL_LIMITS.keys + 1, `${keys.length} keys kept`)
    t.match((e.body as Record<string, string>)['…'], /^\d+ more keys$/, 'says how many keys it left out')
  }
  t.ok(app.journal.keptBytes <= 20 * (JOURNAL_LIMITS.entryBytes + 512), `the journal keeps about ${app.journal.keptBytes} bytes`)
})

t.test('wide arrays of wide objects, long keys and long query strings are bounded too', async (t) => {
  const { app } = await build(t, { bodyLimit: 2 * 1024 * 1024 })
  const wide = `[${Array.from({ length: 30 }, (_, i) => keyBomb(2000, `a${i}_`)).join(',')}]`
  const longKey = `{"${'k'.repeat(100000)}":1}`
  const query = Array.from({ length: 2000 }, (_, i) => `p${i}=${'x'.repeat(3)}`).join('&')
  await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001`, headers: { 'content-type': 'application/json' }, payload: wide })
  await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1002`, headers: { 'content-type': 'application/json' }, payload: longKey })
  await app.inject({ method: 'GET', url: `${GW}/onlineagent/1003/agentstatus?${query}` })
  for (const e of app.journal.all()) {
    const size = JSON.stringify(e).length
    t.ok(size < JOURNAL_LIMITS.entryBytes + 1024, `${e.path}: ${size} bytes`)
  }
})

t.test('the journal as a whole stays within its byte total, oldest entries leaving first', async (t) => {
  const journal = new Journal(1000, 100_000)
  const entry = (n: number): JournalEntry => ({ seq: 0, time: n, method: 'PUT', path: '/p', query: {}, operation: 'op', agent: undefined, status: 200, retcode: '0', durationMs: 0, rule: undefined, body: undefined })
  const big = scrubSized(JSON.parse(keyBomb(5000)))
  t.ok(big.bytes <= JOURNAL_LIMITS.entryBytes, `one entry's body keeps ${big.bytes} bytes`)
  for (let n = 1; n <= 200; n++) journal.record({ ...entry(n), body: big.value }, big.bytes)
  t.ok(journal.keptBytes <= 100_000, `${journal.keptBytes} bytes kept`)
  t.ok(journal.size < 200 && journal.size > 5, `${journal.size} entries kept`)
  t.equal(journal.all().at(-1)?.time, 200, 'the newest is kept')
  t.equal(journal.all()[0]?.time, 200 - journal.size + 1, 'the oldest went first')
  journal.clear()
  t.equal(journal.keptBytes, 0)
})

t.test('scrubbing keeps what it did before for ordinary bodies', async (t) => {
  const { value } = scrubSized({ password: 'x', phonenum: '1', nested: { a: { b: { c: { d: { e: 1 } } } } }, list: Array.from({ length: 25 }, (_, i) => i), s: 'y'.repeat(300) })
  t.same(value, {
    password: '[redacted]',
    phonenum: '1',
    nested: { a: { b: { c: { d: '[nested]' } } } },
    list: [...Array.from({ length: 20 }, (_, i) => i), '…(5 more items)'],
    s: `${'y'.repeat(256)}…(300 chars)`
  })
})
