/**
 * Configuration: CLI flags with environment twins, validated at start. Every option is one row of
 * `optionTable`; `parseConfig` turns argv + env into a typed Config or a list of clear messages.
 * Precedence: flag, then environment variable, then default.
 */
import { parseArgs } from 'node:util'

type Kind =
  | { type: 'int', min: number, max: number }
  | { type: 'enum', values: readonly string[] }
  | { type: 'bool' }
  | { type: 'string' }
  | { type: 'list' }

interface OptionSpec { flag: string, env: string, kind: Kind, default: unknown, help: string }

export const optionTable = {
  host: { flag: 'host', env: 'HOST', kind: { type: 'string' }, default: '127.0.0.1', help: 'address to listen on (0.0.0.0 in the Docker image)' },
  port: { flag: 'port', env: 'PORT', kind: { type: 'int', min: 0, max: 65535 }, default: 8043, help: 'port (0 = any free port); the real gateway uses 8043' },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL', kind: { type: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, default: 'info', help: 'pino log level' },
  logEmptyPolls: { flag: 'log-empty-polls', env: 'LOG_EMPTY_POLLS', kind: { type: 'bool' }, default: false, help: 'on a terminal, log polls answered with no event at info too (there they are at debug by default; JSON logs always have them at info)' },
  auth: { flag: 'auth', env: 'AUTH_MODE', kind: { type: 'enum', values: ['compat', 'strict', 'off'] }, default: 'compat', help: 'which credential may act for which agent (docs/auth.md)' },
  guidRotation: { flag: 'guid-rotation', env: 'GUID_ROTATION', kind: { type: 'enum', values: ['static', 'dynamic'] }, default: 'static', help: 'static = AUTHMODE 1; dynamic = AUTHMODE 2, a new GUID on every poll and handshake' },
  guidGraceMs: { flag: 'guid-grace-ms', env: 'GUID_GRACE_MS', kind: { type: 'int', min: 0, max: 3600000 }, default: 30000, help: 'dynamic rotation: how long the previous GUID keeps working' },
  pollWaitMs: { flag: 'poll-wait-ms', env: 'POLL_WAIT_MS', kind: { type: 'int', min: 0, max: 600000 }, default: 10000, help: 'how long an event poll is held when no event waits' },
  inactivityTimeoutMs: { flag: 'inactivity-timeout-ms', env: 'INACTIVITY_TIMEOUT_MS', kind: { type: 'int', min: 0, max: 86400000 }, default: 120000, help: 'sign out an agent that neither polls nor handshakes for this long (0 = never)' },
  queueCap: { flag: 'queue-cap', env: 'QUEUE_CAP', kind: { type: 'int', min: 1, max: 1000000 }, default: 1000, help: 'events kept per agent; on overflow the oldest is dropped' },
  requestTimeoutMs: { flag: 'request-timeout-ms', env: 'REQUEST_TIMEOUT_MS', kind: { type: 'int', min: 100, max: 3600000 }, default: 30000, help: 'a request whose headers and body have not all arrived by then is answered 408 and closed (held polls are never cut)' },
  bodyLimit: { flag: 'body-limit', env: 'BODY_LIMIT', kind: { type: 'int', min: 1024, max: 104857600 }, default: 1048576, help: 'largest request body in bytes' },
  eventGenTime: { flag: 'event-gen-time', env: 'EVENT_GEN_TIME', kind: { type: 'bool' }, default: false, help: 'add eventGenTime to events, as newer gateways do' },
  emptyPoll: { flag: 'empty-poll', env: 'EMPTY_POLL', kind: { type: 'enum', values: ['absent', 'null'] }, default: 'absent', help: 'no-event poll body: no event key, or "event":null' },
  agents: { flag: 'agents', env: 'AGENTS_FILE', kind: { type: 'string' }, default: '', help: 'agent roster (YAML or JSON): enables password checks and skills' },
  scenario: { flag: 'scenario', env: 'SCENARIO', kind: { type: 'list' }, default: [], help: 'scenario file or folder, repeatable (env: comma-separated); the first is active; none given: scenarios/default.yaml' },
  watch: { flag: 'watch', env: 'WATCH', kind: { type: 'bool' }, default: false, help: 'reload changed scenario files without a restart (needs --scenario)' },
  seed: { flag: 'seed', env: 'SEED', kind: { type: 'int', min: -1, max: 4294967295 }, default: -1, help: 'make GUIDs, call ids and random faults repeat exactly (GUIDs become guessable); -1 = random' },
  clock: { flag: 'clock', env: 'CLOCK', kind: { type: 'enum', values: ['real', 'virtual'] }, default: 'real', help: 'virtual: time stands still until POST /__mock/clock/advance (an empty poll is held until then)' },
  journalSize: { flag: 'journal-size', env: 'JOURNAL_SIZE', kind: { type: 'int', min: 0, max: 1000000 }, default: 1000, help: 'requests kept in the journal (0 disables it)' },
  allowedHosts: { flag: 'allowed-hosts', env: 'ALLOWED_HOSTS', kind: { type: 'list' }, default: [], help: 'Host names the control API answers besides IP addresses, localhost and this machine\'s names (.example.com = any under it, * = any); docs/security.md' },
  allowedOrigins: { flag: 'allowed-origins', env: 'ALLOWED_ORIGINS', kind: { type: 'list' }, default: [], help: 'browser origins (scheme://host:port) that may use the control API besides the mock\'s own pages (* = any)' },
  adminToken: { flag: 'admin-token', env: 'ADMIN_TOKEN', kind: { type: 'string' }, default: '', help: 'require Authorization: Bearer <token> on /__mock/* (except health, ready)' },
  noAdmin: { flag: 'no-admin', env: 'NO_ADMIN', kind: { type: 'bool' }, default: false, help: 'disable the control API (/__mock/* except health, ready)' },
  tls: { flag: 'tls', env: 'TLS', kind: { type: 'bool' }, default: false, help: 'serve HTTPS with a self-signed certificate made at start' },
  tlsCert: { flag: 'tls-cert', env: 'TLS_CERT', kind: { type: 'string' }, default: '', help: 'PEM certificate file for HTTPS (with --tls-key)' },
  tlsKey: { flag: 'tls-key', env: 'TLS_KEY', kind: { type: 'string' }, default: '', help: 'PEM private key file for HTTPS (with --tls-cert)' },
  pushRetryIntervalMs: { flag: 'push-retry-interval-ms', env: 'PUSH_RETRY_INTERVAL_MS', kind: { type: 'int', min: 1, max: 3600000 }, default: 10000, help: 'push mode: wait after a failed delivery before retrying (EVENT_PUSH_FAIL_INTERVALTIME)' },
  pushFailTotalMs: { flag: 'push-fail-total-ms', env: 'PUSH_FAIL_TOTAL_MS', kind: { type: 'int', min: 0, max: 86400000 }, default: 120000, help: 'push mode: failing this long signs the agent out (EVENT_PUSH_FAIL_TOTALTIME; 0 = never)' },
  pushConnections: { flag: 'push-connections', env: 'PUSH_CONNECTIONS', kind: { type: 'int', min: 1, max: 1024 }, default: 64, help: 'push mode: POSTs on the wire at once per receiver URL (connections kept to it); other agents\' events wait, and go out together, when one ends' },
  pushTimeoutMs: { flag: 'push-timeout-ms', env: 'PUSH_TIMEOUT_MS', kind: { type: 'int', min: 1, max: 600000 }, default: 10000, help: 'push mode: a delivery not answered within this time has failed' },
  pushWhitelist: { flag: 'push-whitelist', env: 'PUSH_WHITELIST', kind: { type: 'list' }, default: [], help: 'push mode: callback URLs allowed at sign-in (without query string; repeatable, env comma- or ;-separated); none = any' },
  pushInsecure: { flag: 'push-insecure', env: 'PUSH_INSECURE', kind: { type: 'bool' }, default: false, help: 'push mode: accept receivers with self-signed or untrusted certificates (eventpush.ssl.trustAll)' },
  pushCaFile: { flag: 'push-ca-file', env: 'PUSH_CA_FILE', kind: { type: 'string' }, default: '', help: 'push mode: PEM file of a CA that signed the receivers\' certificates' },
  pushUrl: { flag: 'push-url', env: 'PUSH_URL', kind: { type: 'string' }, default: '', help: 'server-wide push: POST every agent\'s events here too, fire and forget' },
  pushFormat: { flag: 'push-format', env: 'PUSH_FORMAT', kind: { type: 'enum', values: ['eventContent', 'event'] }, default: 'eventContent', help: 'server-wide push body: {"eventContent":"<event JSON>"} or the poll\'s {"message","retcode","event"}' }
} as const satisfies Record<string, OptionSpec>

type Table = typeof optionTable
type ValueOf<K extends Kind> = K extends { type: 'int' } ? number
  : K extends { type: 'bool' } ? boolean
    : K extends { type: 'list' } ? string[]
      : K extends { type: 'enum', values: readonly (infer V)[] } ? V : string

export type Config = { -readonly [K in keyof Table]: ValueOf<Table[K]['kind']> }

export const defaultConfig = (): Config =>
  Object.fromEntries(Object.entries(optionTable).map(([k, o]) => [k, Array.isArray(o.default) ? [...o.default] : o.default])) as unknown as Config

function convert (name: string, spec: OptionSpec, raw: string | boolean | string[]): { value?: unknown, error?: string } {
  const k = spec.kind
  if (k.type === 'list') {
    const items = Array.isArray(raw) ? raw : String(raw).split(',')
    return { value: items.map(i => i.trim()).filter(i => i !== '') }
  }
  const text = String(raw)
  switch (k.type) {
    case 'int': {
      const n = Number(text)
      if (!/^-?\d+$/.test(text.trim()) || n < k.min || n > k.max) {
        return { error: `${name}: expected a whole number from ${k.min} to ${k.max}, got '${text}'` }
      }
      return { value: n }
    }
    case 'bool':
      if (raw === true || ['true', '1', 'yes', 'on'].includes(text.toLowerCase())) return { value: true }
      if (['false', '0', 'no', 'off', ''].includes(text.toLowerCase())) return { value: false }
      return { error: `${name}: expected true or false, got '${text}'` }
    case 'enum':
      if (!k.values.includes(text)) return { error: `${name}: expected one of ${k.values.join(', ')}, got '${text}'` }
      return { value: text }
    case 'string':
      return { value: text }
  }
}

/** `version` is there (true) only when --version was asked for. */
export type ParseResult = { ok: true, config: Config, help: boolean, version?: true } | { ok: false, errors: string[] }

/** parseArgs' own wording, made short: "unknown option --bogus". */
function argError (err: Error): string {
  const m = /^Unknown option '([^']+)'/.exec(err.message) ?? /^Option '([^']+)' argument missing/.exec(err.message)
  if (m === null) return err.message
  return err.message.startsWith('Unknown') ? `unknown option '${m[1]}'` : `${m[1]} needs a value`
}

export function parseConfig (argv: string[], env: NodeJS.ProcessEnv): ParseResult {
  const options: Record<string, { type: 'string' | 'boolean', multiple?: boolean, short?: string }> = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } }
  for (const o of Object.values(optionTable) as OptionSpec[]) {
    options[o.flag] = { type: o.kind.type === 'bool' ? 'boolean' : 'string', ...(o.kind.type === 'list' ? { multiple: true } : {}) }
  }
  let values: Record<string, string | boolean | string[] | undefined>
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as typeof values
  } catch (err) {
    return { ok: false, errors: [argError(err as Error)] }
  }
  const config = defaultConfig() as Record<string, unknown>
  const errors: string[] = []
  for (const [key, o] of Object.entries(optionTable) as Array<[string, OptionSpec]>) {
    const fromFlag = values[o.flag]
    const fromEnv = env[o.env]
    const raw = fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined)
    if (raw === undefined) continue
    const r = convert(fromFlag !== undefined ? `--${o.flag}` : o.env, o, raw)
    if (r.error !== undefined) errors.push(r.error)
    else config[key] = r.value
  }
  const c = config as Config
  if ((c.tlsCert === '') !== (c.tlsKey === '')) errors.push('--tls-cert and --tls-key go together')
  if (c.watch && c.scenario.length === 0) errors.push('--watch needs --scenario')
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, config: c, help: values.help === true, ...(values.version === true ? { version: true } : {}) }
}

export function helpText (): string {
  const rows = (Object.values(optionTable) as OptionSpec[]).map(o =>
    `  --${o.flag.padEnd(22)} ${o.env.padEnd(22)} ${o.help} (default: ${JSON.stringify(o.default)})`)
  return ['Usage: cc-gateway-mock [options]', '', '  flag                     environment', ...rows,
    `  ${'-h, --help'.padEnd(47)} this text`, `  ${'--version'.padEnd(47)} the version`, ''].join('\n')
}
