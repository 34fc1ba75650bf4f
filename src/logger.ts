/**
 * Logging: pino JSON by default, pretty on a terminal. Secrets never reach a log line: passwords,
 * GUIDs and cookies are redacted wherever they appear.
 */
import onExit from 'on-exit-leak-free'
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino'

// Exact paths (no wildcards): redaction runs on every log call, and wildcard paths cost several
// times more. The mock never logs bodies or headers; these catch any object that carries them.
export const REDACT_PATHS = [
  'password', 'guid', 'body.password', 'body.guid',
  'req.headers.guid', 'req.headers.cookie', 'res.headers["set-guid"]', 'res.headers["set-cookie"]',
  'headers.guid', 'headers.cookie'
]

/**
 * The server's logger. JSON lines go to stdout in batches: every line written during one turn of
 * the event loop leaves in one synchronous write at the end of that turn (see TurnBatchedStream);
 * `flush` it before exit. On a terminal, pino-pretty in a worker.
 */
export function createLogger (level: string, pretty = process.stdout.isTTY === true): Logger {
  if (pretty) return pino(loggerOptions(level, true))
  return jsonLogger(level, pino.destination({ dest: 1, sync: true }))
}

/** The JSON logger writing to `sink` (stdout in the server, a buffer in tests), batched per turn. */
export function jsonLogger (level: string, sink: Sink): Logger {
  const stream = new TurnBatchedStream(sink)
  directStreams.add(stream)
  return pino(loggerOptions(level, false), stream)
}

/** The one line logged per gateway request (see gateway-http.ts). */
export interface RequestLine {
  reqId: string
  op: string
  method: string
  url: string
  agent: string | undefined
  status: number
  retcode: string | undefined
  /** Time to answer; none for a request its client abandoned. */
  ms: number | undefined
}

export type RequestLineWriter = (line: RequestLine, msg: string) => void

/** What the request line needs of a logger: pino's, or anything with the same two methods. */
export interface LineLogger {
  info: (obj: object, msg: string) => void
  isLevelEnabled?: (level: string) => boolean
}

/** Streams of the loggers jsonLogger made: lines to them may be built directly. */
const directStreams = new WeakSet<TurnBatchedStream>()

/** Would `log` write an info line? (Checked first, so that lean runs do not even build one.) */
export function logsInfo (log: LineLogger): boolean {
  return log.isLevelEnabled?.('info') !== false
}

/**
 * How to write request lines to `logger` at info level. For a logger from createLogger: the JSON
 * line built directly, byte for byte what `logger.info(line, msg)` writes (a test compares them),
 * at a fraction of pino's generic cost (this is the hottest log call). For any other logger
 * (tests, embedders): `logger.info`.
 */
export function requestLineWriter (logger: LineLogger): RequestLineWriter {
  // Fastify hands plugins a child of the logger it was given: recognise ours by its stream (which
  // children share), and take the child's own bindings, as pino would write them.
  const own = logger as unknown as Record<symbol, unknown>
  const stream = own[pino.symbols.streamSym]
  const bindings = own[pino.symbols.chindingsSym]
  if (stream instanceof TurnBatchedStream && directStreams.has(stream) && typeof bindings === 'string') {
    return directRequestLine(logger as unknown as Logger, stream, bindings)
  }
  return (line, msg) => { logger.info(line, msg) }
}

const str = JSON.stringify

function directRequestLine (logger: Logger, stream: TurnBatchedStream, base: string): RequestLineWriter {
  // `base`: pino's serialised bindings of this logger (pid, hostname and any child bindings).
  return (l, msg) => {
    if (!logger.isLevelEnabled('info')) return
    stream.write(`{"level":30,"time":${Date.now()}${base},"reqId":${str(l.reqId)},"op":${str(l.op)},"method":${str(l.method)},"url":${str(l.url)}${
      l.agent === undefined ? '' : `,"agent":${str(l.agent)}`},"status":${l.status}${
      l.retcode === undefined ? '' : `,"retcode":${str(l.retcode)}`}${l.ms === undefined ? '' : `,"ms":${l.ms}`},"msg":${str(msg)}}\n`)
  }
}

const BATCH_LIMIT = 64 * 1024

export interface Sink { write: (chunk: string) => unknown, flushSync: () => void }

/**
 * A pino destination that collects the lines of one event-loop turn and hands them to its sink as
 * one write, in a setImmediate after the turn. Under load a turn serves many requests, so the mock
 * makes one write system call per turn instead of one per request, on the main thread (an
 * asynchronous destination costs a thread-pool hop per write, on the same core). Lines are never
 * later than the end of the current turn, and pending ones are written on exit.
 */
export class TurnBatchedStream implements DestinationStream {
  private parts: string[] = []
  private pending = 0
  private scheduled = false

  constructor (private readonly sink: Sink) {
    onExit.register(this, (self: TurnBatchedStream) => { self.flushSync() })
  }

  write (line: string): boolean {
    this.parts.push(line)
    this.pending += line.length
    // A burst within one turn (thousands of lines) leaves at once, in pieces of about 64 KiB.
    if (this.pending >= BATCH_LIMIT) { this.drain(); return true }
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(this.drain)
    }
    return true
  }

  private readonly drain = (): void => {
    this.scheduled = false
    this.pending = 0
    const n = this.parts.length
    if (n === 0) return
    const text = n === 1 ? this.parts[0]! : this.parts.join('')
    this.parts = []
    this.sink.write(text)
  }

  /** Everything pending, written now. */
  flushSync (): void {
    this.drain()
    this.sink.flushSync()
  }

  /** pino's `logger.flush(cb)` lands here. */
  flush (cb?: (err?: Error) => void): void {
    try {
      this.flushSync()
    } catch (err) {
      if (cb === undefined) throw err
      cb(err as Error)
      return
    }
    cb?.()
  }
}

export function loggerOptions (level: string, pretty = process.stdout.isTTY === true): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } } : {})
  }
}

const SECRET_QUERY_KEYS = /^(password|oldpassword|newpassword|guid|jsessionid|servicetoken)$/i

/** A request URL for a log line, with the values of secret query parameters (`?guid=`, `?password=`) redacted. */
export function redactUrl (url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const params = new URLSearchParams(url.slice(q + 1))
  let secret = false
  for (const key of params.keys()) if (SECRET_QUERY_KEYS.test(key)) { secret = true; break }
  if (!secret) return url
  return `${url.slice(0, q)}?${[...params].map(([k, v]) => `${k}=${SECRET_QUERY_KEYS.test(k) ? '[redacted]' : encodeURIComponent(v)}`).join('&')}`
}
