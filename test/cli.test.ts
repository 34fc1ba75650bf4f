/**
 * The command line as users meet it (src/cli.ts): bad options exit 2 with a message naming the
 * flag, --help exits 0 and lists every flag. Runs the built dist/cli.js; builds it if missing.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const root = fileURLToPath(new URL('../', import.meta.url))
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

if (!existsSync(cli)) {
  const built = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' })
  if (built.status !== 0) throw new Error(`build failed: ${built.stdout}${built.stderr}`)
}

/** Run the CLI with a clean environment, so a PORT or LOG_LEVEL of the caller cannot interfere. */
function run (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20000,
    env: { PATH: process.env.PATH ?? '' }
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

t.test('--port 99999 exits 2 with a message naming --port', async (t) => {
  const r = run('--port', '99999')
  t.equal(r.status, 2)
  t.match(r.stderr, /--port/)
  t.match(r.stderr, /99999/)
  t.notMatch(r.stderr, /Usage:/, 'not the whole usage (issue #14 bug 9)')
  t.match(r.stderr, /Run cc-gateway-mock --help for the options\.\n$/, 'but where to find it')
  t.ok(r.stderr.split('\n').length <= 3, 'a short message')
  t.equal(r.stdout, '')
})

t.test('an unknown flag exits 2 naming it, in two lines', async (t) => {
  const r = run('--bogus')
  t.equal(r.status, 2)
  t.equal(r.stderr, "cc-gateway-mock: unknown option '--bogus'\nRun cc-gateway-mock --help for the options.\n")
})

t.test('a missing --agents file is called missing, not an invalid world file (issue #14 bug 9)', async (t) => {
  const r = run('--agents', 'no-such-roster.yaml', '--port', '0')
  t.equal(r.status, 2)
  t.equal(r.stderr, 'cc-gateway-mock: cannot start:\n  no-such-roster.yaml: cannot read: no such file (ENOENT)\n')
})

t.test('-h is --help; --version prints the version', async (t) => {
  const h = run('-h')
  t.equal(h.status, 0)
  t.match(h.stdout, /^Usage: cc-gateway-mock/)
  t.match(h.stdout, /-h, --help/)
  const v = run('--version')
  t.equal(v.status, 0)
  t.equal(v.stdout, `cc-gateway-mock ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`)
  t.equal(v.stderr, '')
})

/** Flags every build has (the built dist/ may lag behind src/, so not read from optionTable). */
const coreFlags = ['host', 'port', 'log-level', 'auth', 'guid-rotation', 'guid-grace-ms', 'poll-wait-ms',
  'inactivity-timeout-ms', 'queue-cap', 'body-limit', 'event-gen-time', 'empty-poll', 'agents', 'scenario',
  'seed', 'tls', 'tls-cert', 'tls-key', 'log-empty-polls']

t.test('--help exits 0 and lists the flags with their variables', async (t) => {
  const r = run('--help')
  t.equal(r.status, 0)
  t.match(r.stdout, /^Usage: cc-gateway-mock/)
  for (const flag of coreFlags) t.match(r.stdout, new RegExp(`^  --${flag} +[A-Z_]+ `, 'm'), flag)
  t.equal(r.stderr, '')
})
