/**
 * The mock's Node flags (src/node-flags.ts) are the same wherever it is launched: the bin's
 * shebang, `npm start`, the Docker image, the bench and the soak; and the shebang really starts it.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { NODE_FLAGS } from '../src/node-flags.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const read = (path: string): string => readFileSync(`${root}${path}`, 'utf8')
const flags = NODE_FLAGS.join(' ')
const shebang = `#!/usr/bin/env -S node ${flags}`

t.test('every launcher passes the same flags', async (t) => {
  t.equal(read('src/cli.ts').split('\n')[0], shebang, 'the bin (src/cli.ts) shebang')
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>, bin: Record<string, string> }
  t.equal(pkg.scripts.start, `node ${flags} ${pkg.bin['cc-gateway-mock']}`, 'npm start runs the bin file with the flags')
  const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1]
  t.same(JSON.parse(cmd ?? 'null'), ['node', ...NODE_FLAGS, pkg.bin['cc-gateway-mock']], 'the image CMD')
  t.match(read('bench/lib/servers.ts'), /\[process\.execPath, \.\.\.NODE_FLAGS, /, 'the bench starts the mock with them')
  t.match(read('scripts/soak.ts'), /execArgv: \['--expose-gc', \.\.\.NODE_FLAGS, /, 'the soak starts the mock with them')
  // Built files, when built from the current source (a stale dist/ says nothing).
  const source = statSync(`${root}src/cli.ts`).mtimeMs
  for (const built of ['dist/cli.js', 'dist/cli.bundle.js']) {
    if (existsSync(`${root}${built}`) && statSync(`${root}${built}`).mtimeMs >= source) t.equal(read(built).split('\n')[0], shebang, `${built} keeps the shebang`)
  }
})

t.test('the shebang starts the CLI as the kernel would run it', { skip: existsSync('/usr/bin/env') ? false : 'no /usr/bin/env here' }, async (t) => {
  const cli = `${root}src/cli.ts`
  // The kernel passes everything after the interpreter as one argument, then the script's path.
  const r = spawnSync('/usr/bin/env', [`-S node --import tsx ${flags}`, cli, '--help'], { cwd: root, encoding: 'utf8', timeout: 30000 })
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /Usage:/)
})
