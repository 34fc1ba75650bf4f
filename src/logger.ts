/**
 * Logging: pino JSON by default, pretty on a terminal. Secrets never reach a log line: passwords,
 * GUIDs and cookies are redacted wherever they appear.
 */
import { hostname } from 'node:os'
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
 * A logger and its access log: the writer of the one line per gateway request (see
 * gateway-http.ts, which receives `accessLog` as an option). The factories below make both
 * together, so the fast writer knows the logger's stream and bindings without asking pino.
 */
export interface MockLogger {
  logger: Logger
  accessLog: RequestLineWriter
}

/**
 * The server's logger. JSON lines go to stdout in batches: every line written during one turn of
 * the event loop leaves in one synchronous write at the end of that turn (see TurnBatchedStream);
 * `flush` it before exit. On a terminal, pino-pretty in a worker (request lines through `info`).
 */
export function createLogger (level: string, pretty = process.stdout.isTTY === true): MockLogger {
  if (pretty) {
    const logger = pino(loggerOptions(level, true))
    return { logger, accessLog: infoLineWriter(logger) }
  }
  return jsonLogger(level, pino.destination({ dest: 1, sync: true }))
}

/**
 * The JSON logger writing to `sink` (stdout in the server, a buffer in tests), batched per turn,
 * and its access log: each request line built directly, byte for byte what
 * `logger.info(line, msg)` writes (a test compares them), at a fraction of pino's generic cost
 * (this is the hottest log call).
 */
export function jsonLogger (level: string, sink: Sink): MockLogger {
  const stream = new TurnBatchedStream(sink)
  // The bindings pino writes on every line, set here rather than left to pino's default, so
  // that the direct writer writes the same ones.
  const base = { pid: process.pid, hostname: hostname() }
  const logger = pino({ ...loggerOptions(level, false), base }, stream)
  return { logger, accessLog: directRequestLine(logger, stream, bindingsJson(base)) }
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

/** Would `log` write an info line? (Checked first, so that lean runs do not even build one.) */
export function logsInfo (log: LineLogger): boolean {
  return log.isLevelEnabled?.('info') !== false
}

/** Request lines through `logger.info`: the access log of any other logger (tests, embedders). */
export function infoLineWriter (logger: LineLogger): RequestLineWriter {
  return (line, msg) => { logger.info(line, msg) }
}

const str = JSON.stringify

/** `,"pid":1,"hostname":"h"`: bindings as pino serialises them after `"time"`. */
function bindingsJson (base: Record<string, string | number>): string {
  let out = ''
  for (const [key, value] of Object.entries(base)) out += `,${str(key)}:${str(value)}`
  return out
}

function directRequestLine (logger: Logger, stream: TurnBatchedStream, base: string): RequestLineWriter {
  // `base`: the serialised bindings of this logger (pid, hostname).
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

/**
 * The level of an empty poll's line (an agentevent poll answered with no event): debug on a
 * terminal, where a held poll every few seconds per agent would bury everything else, unless
 * `keep` (--log-empty-polls); info in JSON logs, which machines read: one line per request.
 */
export function emptyPollLevel (keep: boolean, pretty = process.stdout.isTTY === true): 'info' | 'debug' {
  return pretty && !keep ? 'debug' : 'info'
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
