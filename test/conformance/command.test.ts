/**
 * `cc-gateway-mock conformance` run for real (issue #15): the bundled CLI starts a mock and a
 * client written for these tests as a child process. The well-behaved client passes every check;
 * the careless one (never re-authenticates, spins on empty polls, ignores 100-006, asks about an
 * agent id out of range) fails exactly those four. Nothing sleeps: the command waits for journal
 * entries with bounded timeouts, and these tests wait for it to exit.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { startMockGateway } from '../../src/client.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const cli = join(root, 'dist', 'cli.bundle.js')
const fixtures = join(root, 'test', 'fixtures', 'conformance')
const good = `node ${join(fixtures, 'good-client.mjs')}`
const careless = `node ${join(fixtures, 'careless-client.mjs')}`

const ALL = ['signs-in', 'polls-steadily', 'reauth-after-000-003', 'stops-after-100-006', 'follows-guid-rotation',
  'survives-poll-reset', 'survives-slow-gateway', 'handles-duplicate-event', 'answers-when-ringing', 'valid-requests']

if (!existsSync(cli)) {
  const built = spawnSync(process.execPath, ['scripts/bundle.mjs'], { cwd: root, encoding: 'utf8' })
  if (built.status !== 0) throw new Error(`bundle failed: ${built.stdout}${built.stderr}`)
}

interface Run { status: number | null, stdout: string, stderr: string }

/** The command as a user runs it; resolves when it exits (at most 60 s). */
function conformance (...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'conformance', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`conformance did not finish: ${stdout}${stderr}`)) }, 60000)
    child.on('exit', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }) })
  })
}

/** Each testcase of a JUnit report: its name and whether it failed or was skipped. */
function junitCases (xml: string): Map<string, 'passed' | 'failed' | 'skipped'> {
  const out = new Map<string, 'passed' | 'failed' | 'skipped'>()
  for (const m of xml.matchAll(/<testcase classname="conformance" name="([^"]+)"[^>]*>([\s\S]*?)<\/testcase>/g)) {
    out.set(m[1]!, m[2]!.includes('<failure') ? 'failed' : m[2]!.includes('<skipped') ? 'skipped' : 'passed')
  }
  return out
}

// Every run starts at once (each has its own mock and client) to keep the file short; the tests
// below then read what each run printed and wrote.
const dir = t.testdir({
  good: {},
  careless: {},
  broken: { checks: { 'broken.yaml': 'expect:\n  - sometimes: true\n' } },
  // A user's own check: data only, a check file and a scenario file.
  mine: {
    checks: {
      'retries-after-100-007.yaml': [
        'description: A refused poll (100-007) is retried.',
        'timeoutMs: 3000',
        'expect:',
        '  - sequence:',
        '      - { operation: getAgentEvent, retcode: "100-007" }',
        '      - { operation: getAgentEvent, retcode: "0", withinMs: 1500 }',
        '  - count: { match: { operation: callInner }, atLeast: 1 }',
        ''
      ].join('\n')
    },
    scenarios: {
      'retries-after-100-007.yaml': 'extends: default\nfaults:\n  - { match: { operation: getAgentEvent }, fire: { times: 1 }, action: { retcode: "100-007" } }\n'
    }
  }
})
const goodRun = conformance('--client', good, '--junit', join(dir, 'good', 'report.xml'), '--html', join(dir, 'good', 'report.html'))
const carelessRun = conformance('--client', careless, '--agent', '1001', '--junit', join(dir, 'careless', 'report.xml'), '--html', join(dir, 'careless', 'report.html'))
const mineRun = conformance('--client', good, '--restart-client', '--checks', join(dir, 'mine'), '--only', 'signs-in,retries-after-100-007', '--junit', join(dir, 'mine', 'r.xml'))
const usageRuns = Promise.all([
  conformance(),
  conformance('--client', good, '--only', 'no-such-check'),
  conformance('--client', good, '--agent', '42'),
  conformance('--client', good, '--checks', join(dir, 'broken')),
  conformance('--help')
])
/** A mock and a client started by the test itself, for --attach. */
const attached = (async () => {
  const mock = await startMockGateway({ pollWaitMs: 300, guidGraceMs: 0 })
  const u = new URL(mock.url)
  const client = spawn(process.execPath, [join(fixtures, 'good-client.mjs')], {
    env: { PATH: process.env.PATH ?? '', CCGW_URL: mock.url, CCGW_HOST: u.hostname, CCGW_PORT: u.port, CCGW_AGENT: '1234' },
    stdio: 'ignore'
  })
  const run = await conformance('--attach', mock.url, '--agent', '1234', '--only', 'signs-in,reauth-after-000-003', '--only', 'valid-requests')
  return { mock, client, run }
})()

t.test('the well-behaved client passes every check', async (t) => {
  const r = await goodRun
  t.equal(r.status, 0, r.stdout + r.stderr)
  const cases = junitCases(readFileSync(join(dir, 'good', 'report.xml'), 'utf8'))
  t.same([...cases.keys()], ALL, 'every named check, in order')
  for (const [name, outcome] of cases) t.equal(outcome, 'passed', name)
  for (const name of ALL) t.match(r.stdout, new RegExp(`^${name} +passed `, 'm'), `table row for ${name}`)
  t.match(r.stdout, /10 passed, 0 failed, 0 not exercised/)
  const html = readFileSync(join(dir, 'good', 'report.html'), 'utf8')
  for (const name of ALL) t.ok(html.includes(`<section id="${name}" class="passed">`), `HTML section for ${name}`)
  // A section shows the requests and events of its check.
  const ringing = html.split('<section id="answers-when-ringing"')[1]?.split('</section>')[0] ?? ''
  t.match(ringing, /event AgentEvent_Ringing/)
  t.match(ringing, /PUT \/agentgateway\/resource\/voicecall\/1001\/answer → 200 0/)
  t.match(ringing, /reported: answer \d+ ms after event AgentEvent_Ringing/)
})

t.test('the careless client fails exactly its four habits', async (t) => {
  const r = await carelessRun
  t.equal(r.status, 1, 'exit status 1: a check failed')
  const xml = readFileSync(join(dir, 'careless', 'report.xml'), 'utf8')
  const cases = junitCases(xml)
  t.same([...cases.keys()], ALL)
  const failed = [...cases].filter(([, o]) => o === 'failed').map(([n]) => n)
  t.same(failed, ['polls-steadily', 'reauth-after-000-003', 'stops-after-100-006', 'valid-requests'], r.stdout)
  t.same([...cases].filter(([, o]) => o === 'skipped'), [], 'nothing left unexercised')
  t.match(r.stdout, /^polls-steadily +FAILED .*it spins on empty polls/m)
  t.match(r.stdout, /^reauth-after-000-003 +FAILED .*no login or forceLogin or loginEx answered 0 within 2000 ms after getAgentEvent answered 000-003/m)
  t.match(r.stdout, /^stops-after-100-006 +FAILED .*request answered 100-006 or 000-003 after a request answered 100-006/m)
  t.match(r.stdout, /^valid-requests +FAILED .*agent id '99' out of range/m)
  // The failure carries the journal excerpt that decided it.
  t.match(xml, /<failure message="[^"]*000-003[^"]*"[^>]*>[\s\S]*GET \/agentgateway\/resource\/agentevent\/1001 → 200 000-003/)
  t.match(xml, /GET \/agentgateway\/resource\/onlineagent\/99\/agentstatus → 200 000-002/)
  const html = readFileSync(join(dir, 'careless', 'report.html'), 'utf8')
  t.ok(html.includes('<section id="stops-after-100-006" class="failed">'))
  // Without --restart-client, a client that did not recover is restarted before the next check.
  const rotation = html.split('<section id="follows-guid-rotation"')[1]?.split('</section>')[0] ?? ''
  t.match(rotation, /the client was restarted: it was not polling after the previous check/)
})

t.test('--attach drives a mock the client already runs against', async (t) => {
  const { mock, client, run: r } = await attached
  t.teardown(async () => { client.kill(); await mock.close() })
  t.equal(r.status, 0, r.stdout + r.stderr)
  t.match(r.stdout, /attached/)
  t.match(r.stdout, /^signs-in +passed /m)
  t.match(r.stdout, /^reauth-after-000-003 +passed /m)
  t.match(r.stdout, /^valid-requests +passed /m)
  t.notMatch(r.stdout, /polls-steadily/, '--only runs only those')
  t.equal((await mock.admin.scenarios.list()).filter(s => s.active === true).length, 0, 'no check scenario left active')
})

t.test('--checks adds the user\'s own checks (data: a check file and a scenario file)', async (t) => {
  const r = await mineRun
  t.equal(r.status, 0, 'not exercised is not a failure')
  t.match(r.stdout, /^retries-after-100-007 +not exercised +\S+ +never saw callInner/m)
  t.same([...junitCases(readFileSync(join(dir, 'mine', 'r.xml'), 'utf8'))], [['signs-in', 'passed'], ['retries-after-100-007', 'skipped']])
})

t.test('bad usage exits 2 with a message', async (t) => {
  const [none, only, agent, broken, help] = await usageRuns
  t.equal(none.status, 2)
  t.match(none.stderr, /give either --client/)
  t.match(none.stderr, /Usage: cc-gateway-mock conformance/)
  t.equal(only.status, 2)
  t.match(only.stderr, /--only: no check named no-such-check/)
  t.equal(agent.status, 2)
  t.match(agent.stderr, /--agent: expected an agent id from 101 to 999999, got '42'/)
  t.equal(broken.status, 2)
  t.match(broken.stderr, /broken\.yaml:2: expect\.0: an expectation must be one of sequence, never/)
  t.equal(help.status, 0)
  t.match(help.stdout, /--restart-client/)
})
