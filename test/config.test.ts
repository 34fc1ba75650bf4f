/**
 * Configuration from flags and environment (src/config.ts): defaults, precedence flag > env >
 * default, and a clear message naming the flag or variable for each kind of bad value.
 */
import t from 'tap'
import { defaultConfig, helpText, optionTable, parseConfig, type Config, type ParseResult } from '../src/config.js'

function config (argv: string[], env: NodeJS.ProcessEnv = {}): Config {
  const r = parseConfig(argv, env)
  if (!r.ok) throw new Error(`expected a config, got errors: ${r.errors.join('; ')}`)
  return r.config
}

function errors (argv: string[], env: NodeJS.ProcessEnv = {}): string[] {
  const r: ParseResult = parseConfig(argv, env)
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.config)}`)
  return r.errors
}

t.test('with no flags and no environment every option has its default', async (t) => {
  const r = parseConfig([], {})
  t.match(r, { ok: true, help: false })
  t.same(config([]), defaultConfig())
  t.match(config([]), {
    host: '127.0.0.1',
    port: 8043,
    logLevel: 'info',
    auth: 'compat',
    guidRotation: 'static',
    guidGraceMs: 30000,
    pollWaitMs: 10000,
    inactivityTimeoutMs: 120000,
    queueCap: 1000,
    eventGenTime: false,
    emptyPoll: 'absent',
    tls: false,
    tlsCert: '',
    tlsKey: ''
  })
})

t.test('defaultConfig has one entry per option, each of the kind the table says', async (t) => {
  const d = defaultConfig() as Record<string, unknown>
  t.same(Object.keys(d).sort(), Object.keys(optionTable).sort())
  for (const [key, o] of Object.entries(optionTable) as Array<[string, { kind: { type: string } }]>) {
    if (o.kind.type === 'list') { t.ok(Array.isArray(d[key]), key); continue }
    const want = o.kind.type === 'int' ? 'number' : o.kind.type === 'bool' ? 'boolean' : 'string'
    t.type(d[key], want, key)
  }
})

t.test('a flag beats the environment, which beats the default', async (t) => {
  t.equal(config([], { PORT: '9000' }).port, 9000, 'env beats default')
  t.equal(config(['--port', '9100'], { PORT: '9000' }).port, 9100, 'flag beats env')
  t.equal(config(['--port=9200']).port, 9200, '--flag=value works too')
  t.equal(config(['--auth', 'strict'], { AUTH_MODE: 'off' }).auth, 'strict')
  t.equal(config([], { AUTH_MODE: 'off' }).auth, 'off')
  t.equal(config(['--log-level', 'debug'], { LOG_LEVEL: 'warn' }).logLevel, 'debug')
  t.equal(config([], { LOG_LEVEL: 'warn' }).logLevel, 'warn')
  t.equal(config([]).logEmptyPolls, false, 'empty polls at debug on a terminal by default')
  t.equal(config(['--log-empty-polls']).logEmptyPolls, true)
  t.equal(config([], { LOG_EMPTY_POLLS: 'true' }).logEmptyPolls, true)
  t.equal(config(['--host', '0.0.0.0'], { HOST: '::1' }).host, '0.0.0.0')
  t.equal(config(['--tls'], { TLS: 'false' }).tls, true)
  t.equal(config(['--port', '9100'], { PORT: 'abc' }).port, 9100, 'a bad env value is ignored when the flag is given')
})

t.test('an empty environment variable counts as unset', async (t) => {
  t.equal(config([], { PORT: '' }).port, 8043)
  t.equal(config([], { LOG_LEVEL: '' }).logLevel, 'info')
})

interface AnySpec { flag: string, env: string, default: unknown, kind: { type: string, min?: number, max?: number, values?: readonly string[] } }

/** A valid value other than the default for each option: its text and what the config holds. */
function sample (key: string, o: AnySpec): [string, unknown] {
  switch (o.kind.type) {
    case 'int': { const n = o.kind.min === o.default ? o.kind.max! : o.kind.min!; return [String(n), n] }
    case 'bool': return ['true', true]
    case 'enum': { const v = o.kind.values!.find(x => x !== o.default)!; return [v, v] }
    case 'list': return [`${key}-a.yaml,${key}-b.yaml`, [`${key}-a.yaml`, `${key}-b.yaml`]]
    default: return [`${key}-value`, `${key}-value`]
  }
}

t.test('each option reads its own environment variable, and its flag', async (t) => {
  const table = Object.entries(optionTable) as Array<[string, AnySpec]>
  const env: NodeJS.ProcessEnv = {}
  const argv: string[] = []
  const want: Record<string, unknown> = {}
  for (const [key, o] of table) {
    const [text, value] = sample(key, o)
    env[o.env] = text
    if (o.kind.type === 'list') for (const item of text.split(',')) argv.push(`--${o.flag}`, item)
    else argv.push(o.kind.type === 'bool' ? `--${o.flag}` : `--${o.flag}=${text}`)
    want[key] = value
  }
  t.same(config([], env), want, 'from the environment')
  t.same(config(argv, {}), want, 'from flags')
  t.same(new Set(table.map(([, o]) => o.env)).size, table.length, 'no two options share a variable')
  t.same(new Set(table.map(([, o]) => o.flag)).size, table.length, 'no two options share a flag')
})

t.test('booleans from the environment: "true"/"1" are true, "false"/"0" are false', async (t) => {
  t.equal(config([], { TLS: 'true' }).tls, true)
  t.equal(config([], { TLS: '1' }).tls, true)
  t.equal(config([], { TLS: 'false' }).tls, false)
  t.equal(config([], { TLS: '0' }).tls, false)
  t.equal(config([], { EVENT_GEN_TIME: 'TRUE' }).eventGenTime, true, 'case does not matter')
  t.equal(config(['--event-gen-time']).eventGenTime, true, 'a bare flag is true')
  const [msg] = errors([], { TLS: 'maybe' })
  t.match(msg, /TLS/)
  t.match(msg, /maybe/)
})

t.test('ports at the edges of the range are accepted', async (t) => {
  t.equal(config(['--port', '0']).port, 0)
  t.equal(config(['--port', '65535']).port, 65535)
})

t.test('a port out of range names --port, the range and the value', async (t) => {
  const e = errors(['--port', '70000'])
  t.equal(e.length, 1)
  t.match(e[0], /--port/)
  t.match(e[0], /65535/)
  t.match(e[0], /70000/)
})

t.test('a port that is not a number names --port, or PORT when it came from the environment', async (t) => {
  t.match(errors(['--port', 'abc'])[0], /--port.*abc/)
  t.match(errors(['--port', '80.5'])[0], /--port/)
  const fromEnv = errors([], { PORT: 'abc' })[0]
  t.match(fromEnv, /PORT.*abc/)
  t.notMatch(fromEnv, /--port/, 'it names the variable actually set')
})

t.test('an unknown enum value names the option and lists the choices', async (t) => {
  const auth = errors(['--auth', 'bogus'])[0]
  t.match(auth, /--auth/)
  t.match(auth, /bogus/)
  t.match(auth, /compat.*strict.*off/)
  const level = errors([], { LOG_LEVEL: 'loud' })[0]
  t.match(level, /LOG_LEVEL/)
  t.match(level, /loud/)
  t.match(level, /info/)
})

t.test('--tls-cert without --tls-key (or the reverse) is refused, naming both', async (t) => {
  for (const argv of [['--tls-cert', 'c.pem'], ['--tls-key', 'k.pem']]) {
    const e = errors(argv)
    t.equal(e.length, 1, argv.join(' '))
    t.match(e[0], /--tls-cert/)
    t.match(e[0], /--tls-key/)
  }
  t.match(errors([], { TLS_CERT: 'c.pem' })[0], /tls-key|TLS_KEY/)
  t.equal(config(['--tls-cert', 'c.pem', '--tls-key', 'k.pem']).tlsCert, 'c.pem')
})

t.test('an unknown flag is refused, naming it', async (t) => {
  t.match(errors(['--bogus'])[0], /--bogus/)
  t.match(errors(['--port', '1', '--colour', 'red'])[0], /--colour/)
})

t.test('a stray positional argument or a flag without its value is refused', async (t) => {
  t.match(errors(['extra'])[0], /extra/)
  t.match(errors(['--port'])[0], /--port/)
})

t.test('every bad value is reported, not only the first', async (t) => {
  const e = errors(['--port', '70000', '--auth', 'bogus'], { LOG_LEVEL: 'loud' })
  t.equal(e.length, 3)
  t.match(e.join('\n'), /--port[\s\S]*--auth|--auth[\s\S]*--port/)
  t.match(e.join('\n'), /LOG_LEVEL/)
})

t.test('--seed -1 (the default, documented in the help) is accepted', async (t) => {
  t.equal(defaultConfig().seed, -1)
  t.match(optionTable.seed.help, /-1 = /, 'the help documents -1')
  t.same(parseConfig(['--seed=-1'], {}), { ok: true, config: defaultConfig(), help: false })
  t.same(parseConfig([], { SEED: '-1' }), { ok: true, config: defaultConfig(), help: false })
  t.equal(config(['--seed', '0']).seed, 0)
})

t.test('--help asks for help and lists every flag with its variable and default', async (t) => {
  const r = parseConfig(['--help'], {})
  t.match(r, { ok: true, help: true })
  const text = helpText()
  t.match(text, /^Usage: cc-gateway-mock/)
  for (const o of Object.values(optionTable)) {
    t.match(text, `--${o.flag} `, o.flag)
    t.match(text, o.env, o.env)
    t.match(text, `(default: ${JSON.stringify(o.default)})`, `${o.flag} default`)
  }
})
