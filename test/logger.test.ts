/**
 * The log path: request lines written directly are byte for byte what pino writes for the same
 * fields; the gateway writes them through the access log its logger's factory made (no pino
 * internals); lines leave in one write per event-loop turn; a lean level registers no line at all.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { pino } from 'pino'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { ManualClock } from '../src/domain/clock.js'
import { infoLineWriter, jsonLogger, TurnBatchedStream, type RequestLine, type Sink } from '../src/logger.js'
import { GW, signIn } from './helper.js'

/** A sink that keeps every write it gets, in order. */
function memorySink (): Sink & { writes: string[], lines: () => string[] } {
  const writes: string[] = []
  return {
    writes,
    write: (chunk: string) => { writes.push(chunk) },
    flushSync: () => {},
    lines: () => writes.join('').split('\n').filter(l => l !== '')
  }
}

/** A line with its `time` value taken out (the two writers run a millisecond apart at most). */
const timeless = (line: string): string => line.replace(/"time":\d+,/, '"time":0,')

t.test('a direct request line is byte for byte what pino writes for the same fields', async (t) => {
  const sink = memorySink()
  const { logger, accessLog: write } = jsonLogger('info', sink)
  const cases: RequestLine[] = [
    { reqId: 'req-1', op: 'sayBusy', method: 'POST', url: '/agentgateway/resource/onlineagent/1001/saybusy?reason=201', agent: '1001', status: 200, retcode: '0', ms: 0.25 },
    // Omitted fields, and strings that need escaping (quotes, backslash, control, non-ASCII, a lone surrogate).
    { reqId: 'req-2', op: 'unknown', method: 'GET', url: '/x?q="a\\b"\t\u0001é€\ud800', agent: undefined, status: 404, retcode: undefined, ms: 12 },
    { reqId: 'req-3', op: 'getAgentEvent', method: 'GET', url: '/agentgateway/resource/agentevent/1001', agent: '10"01', status: 0, retcode: 'aborted', ms: undefined }
  ]
  for (const line of cases) {
    write(line, line.op)
    logger.info(line, line.op)
  }
  logger.flush()
  const lines = sink.lines()
  t.equal(lines.length, cases.length * 2)
  for (let i = 0; i < cases.length; i++) {
    t.equal(timeless(lines[2 * i]!), timeless(lines[2 * i + 1]!), `case ${i + 1}: same bytes as pino`)
    t.doesNotThrow(() => JSON.parse(lines[2 * i]!), `case ${i + 1}: valid JSON`)
  }
  t.notOk(lines[2]!.includes('"agent"'), 'an undefined field is left out, as pino does')
  t.notOk(lines[4]!.includes('"ms"'), 'no ms for an abandoned request')
})

t.test('a logger that is not ours gets the line through logger.info', async (t) => {
  const got: Array<[object, string]> = []
  const write = infoLineWriter({ info: (o, m) => { got.push([o, m]) } })
  const line: RequestLine = { reqId: 'req-1', op: 'login', method: 'PUT', url: '/u', agent: '1001', status: 200, retcode: '0', ms: 1 }
  write(line, 'login')
  t.same(got, [[line, 'login']])
})

t.test('lines leave in one write per event-loop turn, bursts in bounded pieces, all on flush', async (t) => {
  const sink = memorySink()
  const stream = new TurnBatchedStream(sink)
  stream.write('a\n')
  stream.write('b\n')
  stream.write('c\n')
  t.same(sink.writes, [], 'nothing written during the turn')
  await nextTurn()
  t.same(sink.writes, ['a\nb\nc\n'], 'one write at the end of the turn')

  sink.writes.length = 0
  const line = `${'x'.repeat(999)}\n`
  for (let i = 0; i < 200; i++) stream.write(line) // 200 kB in one turn
  t.ok(sink.writes.length >= 3, `a burst is written while it grows (${sink.writes.length} writes so far)`)
  t.ok(sink.writes.every(w => w.length <= 64 * 1024 + line.length), 'each piece about 64 KiB at most')
  stream.flush()
  t.equal(sink.writes.join(''), line.repeat(200), 'flush writes what is pending; nothing lost, nothing reordered')
  await nextTurn()
  t.equal(sink.writes.join('').length, 200 * line.length, 'the scheduled turn-end write finds nothing left')
})

t.test('one line per gateway request through the direct path, secrets redacted', async (t) => {
  const sink = memorySink()
  const app = await buildApp({ pollWaitMs: 0 }, { clock: new ManualClock(), mockLogger: jsonLogger('info', sink) })
  t.teardown(async () => await app.close())
  const guid = await signIn(app, '1001')
  // The direct path is the one taken: pino's info is not called for the request line.
  const info = app.log.info.bind(app.log)
  let pinoCalls = 0
  app.log.info = ((...args: Parameters<typeof info>) => { pinoCalls++; info(...args) }) as typeof app.log.info
  const res = await app.inject({ method: 'POST', url: `${GW}/onlineagent/1001/saybusy?reason=201&guid=${guid}`, headers: { guid } })
  t.equal(pinoCalls, 0, 'written directly, not through logger.info')
  t.equal(res.json().retcode, '0')
  await nextTurn()
  const lines = sink.lines().map(l => JSON.parse(l) as Record<string, unknown>)
  const busy = lines.filter(l => l.op === 'sayBusy')
  t.equal(busy.length, 1, 'one line for the request')
  const { time, pid, hostname, reqId, ms, ...rest } = busy[0]!
  t.match({ time, pid, hostname, reqId, ms }, { time: Number, pid: process.pid, hostname: String, reqId: String, ms: Number })
  t.strictSame(rest, {
    level: 30,
    op: 'sayBusy',
    method: 'POST',
    url: '/agentgateway/resource/onlineagent/1001/saybusy?reason=201&guid=[redacted]',
    agent: '1001',
    status: 200,
    retcode: '0',
    msg: 'sayBusy'
  })
  t.notOk(sink.writes.join('').includes(guid), 'the GUID is in no line')
})

t.test('at level warn no request line is built or written, and requests are served alike', async (t) => {
  const sink = memorySink()
  const app = await buildApp({ pollWaitMs: 0, logLevel: 'warn' }, { clock: new ManualClock(), mockLogger: jsonLogger('warn', sink) })
  t.teardown(async () => await app.close())
  const guid = await signIn(app, '1001')
  const res = await app.inject({ method: 'POST', url: `${GW}/onlineagent/1001/saybusy`, headers: { guid } })
  t.equal(res.json().retcode, '0')
  t.equal(res.headers['content-type'], 'application/json;charset=UTF-8', 'the exact content type without the log hook')
  await nextTurn()
  t.same(sink.lines(), [])
})

t.test('a wrong verb on a known path is logged as such and journalled as operation __405', async (t) => {
  const sink = memorySink()
  const app = await buildApp({ pollWaitMs: 0 }, { clock: new ManualClock(), mockLogger: jsonLogger('info', sink) })
  t.teardown(async () => await app.close())
  const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001/agentstatus` })
  t.equal(res.statusCode, 405)
  t.equal(res.headers.allow, 'GET')
  await nextTurn()
  const line = sink.lines().map(l => JSON.parse(l) as Record<string, unknown>).find(l => l.url === `${GW}/onlineagent/1001/agentstatus`)
  t.match(line, { op: '__405', method: 'PUT', status: 405, msg: 'wrong verb', agent: '1001' })
  t.match(app.journal.all().at(-1), { operation: '__405', method: 'PUT', status: 405, agent: '1001' })
})

t.test('the gateway writes request lines through the access log it is given, and only there', async (t) => {
  // A logger the access log knows nothing about: the seam is the option, not a look inside pino.
  const sink = memorySink()
  const lines: Array<[RequestLine, string]> = []
  const logger = pino({ level: 'info' }, { write: (s: string) => { sink.write(s) } })
  const app = await buildApp({ pollWaitMs: 0 }, { clock: new ManualClock(), mockLogger: { logger, accessLog: (l, m) => { lines.push([l, m]) } } })
  t.teardown(async () => await app.close())
  const guid = await signIn(app, '1001')
  await app.inject({ method: 'POST', url: `${GW}/onlineagent/1001/saybusy?guid=${guid}`, headers: { guid } })
  t.match(lines.at(-1), [{ op: 'sayBusy', method: 'POST', url: `${GW}/onlineagent/1001/saybusy?guid=[redacted]`, agent: '1001', status: 200, retcode: '0' }, 'sayBusy'])
  t.notOk(sink.lines().some(l => l.includes('"op":"sayBusy"')), 'not also through the logger')
})

/** Every .ts file under `dir`. */
function sources (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && e.name.endsWith('.ts'))
    .map(e => join(e.parentPath, e.name))
}

t.test('no source file reaches into pino\'s internal symbols', async (t) => {
  const src = join(import.meta.dirname, '..', 'src')
  const files = sources(src)
  t.ok(files.length > 50, `${files.length} source files read`)
  // pino.symbols (streamSym, chindingsSym, ...) are documented by pino as not public.
  const internal = /\bsymbols\b|\w+Sym\b|Symbol\.for\(['"]pino/
  const uses = files.flatMap(file => readFileSync(file, 'utf8').split('\n')
    .flatMap((line, i) => internal.test(line) ? [`${file.slice(src.length + 1)}:${i + 1}: ${line.trim()}`] : []))
  t.same(uses, [])
})

t.test('empty polls: debug on a terminal unless --log-empty-polls; info in JSON logs; polls with an event always info', async (t) => {
  const cases: Array<{ name: string, terminal: boolean, keep: boolean, emptyLevel: number }> = [
    { name: 'terminal', terminal: true, keep: false, emptyLevel: 20 },
    { name: 'terminal with --log-empty-polls', terminal: true, keep: true, emptyLevel: 30 },
    { name: 'JSON (not a terminal)', terminal: false, keep: false, emptyLevel: 30 }
  ]
  for (const c of cases) {
    const sink = memorySink()
    const app = await buildApp({ pollWaitMs: 0, logEmptyPolls: c.keep, logLevel: 'debug' }, { clock: new ManualClock(), mockLogger: jsonLogger('debug', sink), terminal: c.terminal })
    t.teardown(async () => await app.close())
    const guid = await signIn(app, '1001')
    const poll = async (): Promise<string> => (await app.inject({ method: 'GET', url: `${GW}/agentevent/1001`, headers: { guid } })).body
    while ((await poll()).includes('"event"')); // the sign-in's events, then one empty answer
    await app.inject({ method: 'GET', url: `${GW}/agentevent/allagentevent`, headers: { guid } })
    await nextTurn()
    const polls = sink.lines().map(l => JSON.parse(l) as Record<string, unknown>).filter(l => l.op === 'getAgentEvent' || l.op === 'getAllAgentEvent')
    const levels = polls.map(l => [l.op, l.level, l.msg])
    const empty = c.emptyLevel === 20
    t.same(levels, [
      ['getAgentEvent', 30, 'getAgentEvent'], ['getAgentEvent', 30, 'getAgentEvent'],
      ['getAgentEvent', c.emptyLevel, empty ? 'getAgentEvent (no event)' : 'getAgentEvent'],
      ['getAllAgentEvent', c.emptyLevel, empty ? 'getAllAgentEvent (no event)' : 'getAllAgentEvent']
    ], c.name)
    t.match(polls[2], { url: `${GW}/agentevent/1001`, agent: '1001', status: 200, retcode: '0' }, `${c.name}: the same fields at either level`)
  }
})
