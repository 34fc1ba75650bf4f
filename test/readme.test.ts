/** The README stays true: every option documented, the quick start commands, the client example as tested. */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import semver from 'semver'
import t from 'tap'
import { startMockGateway } from '../src/client.js'
import { optionTable, parseConfig } from '../src/config.js'

const readme = readFileSync('README.md', 'utf8')

t.test('the README documents every option with its environment twin', async (t) => {
  for (const o of Object.values(optionTable)) {
    t.ok(readme.includes(`| \`--${o.flag}\` | \`${o.env}\` |`), `--${o.flag} / ${o.env}`)
  }
})

t.test('the quick start has the two commands', async (t) => {
  t.ok(readme.includes('npm ci && npm start'))
  t.ok(readme.includes('npm ci && npm test'))
})

t.test('the in-process example is the one test/client.test.ts runs', async (t) => {
  const test = readFileSync('test/client.test.ts', 'utf8')
  const tested = test.split('// --- README example starts ---\n')[1]?.split('  // --- README example ends ---')[0] ?? ''
  const lines = tested.split('\n').map(l => l.replace(/^ {2}/, '')).join('\n').trim()
  t.ok(lines.length > 100)
  t.ok(readme.includes(lines), 'README shows the tested example verbatim')
})

/** The README's shell session, between its markers, as a bash script. */
function session (): string {
  const block = readme.split('<!-- session starts -->\n')[1]?.split('<!-- session ends -->')[0] ?? ''
  return block.replace(/^```sh\n/, '').replace(/```\n?$/, '')
}

t.test('the one-screen session runs as written against a started mock (issue #14)', { skip: existsSync('/usr/bin/curl') || existsSync('/bin/curl') ? false : 'no curl' }, async (t) => {
  const script = session()
  t.ok(script.split('\n').length <= 20, 'one screen')
  const mock = await startMockGateway({})
  t.teardown(() => mock.close())
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { env: { PATH: process.env.PATH ?? '', BASE: mock.url }, timeout: 60000 })
  const lines = stdout.split('\n')
  t.match(lines[0], /^Guid: [0-9a-f-]{36}\.AgentGateway0$/, 'the GUID taken from Set-GUID')
  t.match(lines[1], /"eventType":"AgentOther_InService"/)
  t.match(lines[2], /"eventType":"AgentState_Ready"/)
  t.match(lines[3], /^\{"message":"[^"]*","retcode":"0","result":"\d+-1"\}$/, 'the call is placed')
  t.match(stdout, /"eventType":"AgentEvent_Talking"/, 'and connected')
  t.match(lines.at(-3), /"retcode":"0"/, 'released')
  t.match(lines.at(-2), /"retcode":"0"/, 'signed out')
})

t.test('what the quick start says about ports, Node versions and the image is so', async (t) => {
  t.ok(readme.includes('`PORT=9000 npm start` or `npm start -- --port 9000`'))
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string }, scripts: { start: string } }
  t.match(pkg.scripts.start, /dist\/cli\.bundle\.js$/, 'npm start -- <flags> reaches the CLI')
  t.match(parseConfig([], { PORT: '9000' }), { ok: true, config: { port: 9000 } })
  t.match(parseConfig(['--port', '9000'], {}), { ok: true, config: { port: 9000 } })
  t.equal(pkg.engines.node, '>=20.19')
  t.ok(readme.includes('Needs Node.js 20.19 or later'))
  const from = readFileSync('Dockerfile', 'utf8').match(/^FROM node:(\d+)-/gm) ?? []
  t.same(from, ['FROM node:24-', 'FROM node:24-'], 'both stages on Node 24')
  t.ok(readme.includes('runs Node 24 LTS'))
})

t.test('no installed package wants a newer Node than the package says (no EBADENGINE on Node 20.19)', async (t) => {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[], optional?: boolean }> }
  const wanting: string[] = []
  for (const [path, p] of Object.entries(lock.packages)) {
    const range = Array.isArray(p.engines) ? undefined : p.engines?.node
    if (range !== undefined && !semver.satisfies('20.19.0', range) && path !== '') wanting.push(`${path} wants node ${range}`)
  }
  t.same(wanting, [])
})
