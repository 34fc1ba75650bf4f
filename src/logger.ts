/**
 * Logging: pino JSON by default, pretty on a terminal. Secrets never reach a log line: passwords,
 * GUIDs and cookies are redacted wherever they appear.
 */
import type { LoggerOptions } from 'pino'

export const REDACT_PATHS = [
  'password', '*.password', 'guid', '*.guid',
  'req.headers.guid', 'req.headers.cookie', 'res.headers["set-guid"]', 'res.headers["set-cookie"]',
  'headers.guid', 'headers.cookie'
]

export function loggerOptions (level: string, pretty = process.stdout.isTTY === true): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } } : {})
  }
}
