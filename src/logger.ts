/**
 * Logging: pino JSON by default, pretty on a terminal. Secrets never reach a log line: passwords,
 * GUIDs and cookies are redacted wherever they appear.
 */
import { pino, type Logger, type LoggerOptions } from 'pino'

// Exact paths (no wildcards): redaction runs on every log call, and wildcard paths cost several
// times more. The mock never logs bodies or headers; these catch any object that carries them.
export const REDACT_PATHS = [
  'password', 'guid', 'body.password', 'body.guid',
  'req.headers.guid', 'req.headers.cookie', 'res.headers["set-guid"]', 'res.headers["set-cookie"]',
  'headers.guid', 'headers.cookie'
]

/**
 * The server's logger. JSON lines go to stdout through an asynchronous destination (writes are
 * coalesced instead of one write system call per request: half the cost of default logging);
 * `flush` it before exit. On a terminal, pino-pretty in a worker.
 */
export function createLogger (level: string, pretty = process.stdout.isTTY === true): Logger {
  const options = loggerOptions(level, pretty)
  if (pretty) return pino(options)
  return pino(options, pino.destination({ dest: 1, sync: false }))
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
