/**
 * Loading scenarios (issue #4): broken files are refused at load with errors that name the file,
 * the line and the field, and a bad scenario never starts a half-configured server. `--watch`
 * reloads a changed file without a restart, keeping agents signed in where the world still has
 * them; a rewrite that does not validate leaves the running scenario as it was.
 */
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Writable } from 'node:stream'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'
import { startServer } from '../../src/server.js'
import { WorldFileError, loadScenarioFile, loadScenarios } from '../../src/world/load-world.js'

const GOOD = 'name: fine\nextends: default\n'

/** The load error for `file`, or a failure if it loaded. */
function loadError (file: string): string {
  try {
    loadScenarioFile(file)
  } catch (err) {
    if (err instanceof WorldFileError) return err.message
    throw err
  }
  throw new Error(`${file} loaded`)
}

/** Escape a path for a RegExp. */
const re = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** What buildApp rejects with for these scenario paths (undefined if it started). */
async function buildError (files: string[]): Promise<unknown> {
  try {
    const app = await buildApp({ scenario: files }, { logger: false })
    await app.close()
    return undefined
  } catch (err) {
    return err
  }
}

t.test('an unknown fault action is refused, naming the file, line and field', async (t) => {
  const dir = t.testdir({
    'bad.yaml': [
      'name: bad',
      'faults:',
      '  - name: boom',
      '    match: { operation: login }',
      '    action: { explode: true }',
      ''
    ].join('\n')
  })
  const file = join(dir, 'bad.yaml')
  const msg = loadError(file)
  t.match(msg, new RegExp(`^${re(file)}:5: faults\\.0\\.action: `, 'm'))
  t.match(msg, /explode/, 'the unknown action is named')
  t.type(await buildError([file]), WorldFileError, 'buildApp refuses to start with it')
})

t.test('a retcode that is not NNN-NNN is refused, naming the file, line and field', async (t) => {
  const dir = t.testdir({
    'bad.yaml': [
      'name: bad',
      'faults:',
      '  - match: { operation: login }',
      '    action:',
      '      retcode: "1-2"',
      ''
    ].join('\n')
  })
  const file = join(dir, 'bad.yaml')
  t.match(loadError(file), new RegExp(`^${re(file)}:5: faults\\.0\\.action\\.retcode: must be a retcode`, 'm'))
  t.type(await buildError([file]), WorldFileError, 'buildApp refuses to start with it')
})

t.test('a probability above 1 is refused, naming the file, line and field', async (t) => {
  const dir = t.testdir({
    'bad.yaml': [
      'name: bad',
      'faults:',
      '  - match: { operation: login }',
      '    fire:',
      '      probability: 2',
      '    action: { retcode: "100-007" }',
      ''
    ].join('\n')
  })
  const file = join(dir, 'bad.yaml')
  t.match(loadError(file), new RegExp(`^${re(file)}:5: faults\\.0\\.fire\\.probability: must be <= 1`, 'm'))
  t.type(await buildError([file]), WorldFileError, 'buildApp refuses to start with it')
})

t.test('a timeline step with an unknown action is refused, naming the file, line and field', async (t) => {
  const dir = t.testdir({
    'bad.yaml': [
      'name: bad',
      'timeline:',
      '  - at: 1000',
      '    do:',
      '      dance: { agent: 1001 }',
      ''
    ].join('\n')
  })
  const file = join(dir, 'bad.yaml')
  const msg = loadError(file)
  t.match(msg, new RegExp(`^${re(file)}:4: timeline\\.0\\.do: `, 'm'), 'the line of the do: key')
  t.match(msg, new RegExp(`^${re(file)}:5: timeline\\.0\\.do\\.dance: unknown field dance$`, 'm'), 'the line of the unknown key')
  t.type(await buildError([file]), WorldFileError, 'buildApp refuses to start with it')
})

t.test('an extends path that does not exist is refused, naming the file, line and field', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'name: bad\ndescription: extends a missing file\nextends: ./nope.yaml\n' })
  const file = join(dir, 'bad.yaml')
  const msg = loadError(file)
  t.match(msg, /nope\.yaml/, 'the missing file is named')
  t.match(msg, new RegExp(`${re(file)}:3: extends`), 'so is the file, line and field that refer to it')
  t.type(await buildError([file]), WorldFileError, 'buildApp refuses to start with it')
})

t.test('two scenarios with one name in a folder are refused, naming the file, line and field', async (t) => {
  const dir = t.testdir({
    'a.yaml': 'name: same\n',
    'b.yaml': 'description: the second\nname: same\n'
  })
  let msg = ''
  try { loadScenarios([dir]) } catch (err) { msg = (err as Error).message }
  t.match(msg, /'same'/, 'the name is given')
  t.match(msg, /a\.yaml/, 'with the other file')
  t.match(msg, new RegExp(`${re(join(dir, 'b.yaml'))}:2: name`), 'and the file, line and field of the duplicate')
  t.type(await buildError([dir]), WorldFileError, 'buildApp refuses to start with it')
})

t.test('one bad file among good ones stops the whole start, and no server listens', async (t) => {
  const dir = t.testdir({ 'good.yaml': GOOD, 'bad.yaml': 'name: bad\nfaults:\n  - match: {}\n    fire: { probability: 2 }\n    action: { retcode: "100-007" }\n' })
  t.type(await buildError([join(dir, 'good.yaml'), join(dir, 'bad.yaml')]), WorldFileError, 'buildApp refuses to start with it')
  await t.rejects(startServer({ port: 0, logLevel: 'silent', scenario: [dir] }), WorldFileError, 'startServer refuses too')
})

t.test('--scenario takes files and folders together; the first scenario is the active one', async (t) => {
  const dir = t.testdir({
    'first.yaml': 'name: first\nextends: default\nsimulatedAgents:\n  - { id: 9001, behaviour: busy }\n',
    more: { 'b.yaml': 'name: bee\n', 'a.yaml': 'name: ay\n', 'notes.txt': 'not a scenario' }
  })
  const app = await buildApp({ scenario: [join(dir, 'first.yaml'), join(dir, 'more')] }, { logger: false, clock: new ManualClock() })
  t.teardown(() => app.close())
  const list = (await app.inject({ method: 'GET', url: '/__mock/scenarios' })).json().scenarios
  t.same(list.slice(0, 3).map((s: { name: string, active: boolean }) => [s.name, s.active]), [['first', true], ['ay', false], ['bee', false]], 'files in a folder load in name order (the shipped scenarios after them)')

  const shipped = await buildApp({ scenario: [fileURLToPath(new URL('../../scenarios/', import.meta.url))] }, { logger: false, clock: new ManualClock() })
  t.teardown(() => shipped.close())
  const names = (await shipped.inject({ method: 'GET', url: '/__mock/scenarios' })).json().scenarios
  t.same(names.filter((s: { active: boolean }) => s.active).map((s: { name: string }) => s.name), ['default'], 'the shipped folder starts with default active')
})

/** Log lines written by the server (pino JSON), for watching reloads happen; counted by message prefix. */
function logSink (): { stream: Writable, count: (msg: string) => number } {
  const lines: Array<{ msg?: string }> = []
  const stream = new Writable({
    write (chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line))
      done()
    }
  })
  return { stream, count: (msg) => lines.filter(l => l.msg?.startsWith(msg) === true).length }
}

/** fs.watch runs on real time: wait (bounded) for the reload to be logged. */
async function logged (count: () => number, before: number, what: string): Promise<void> {
  const end = Date.now() + 3000
  while (count() <= before) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

t.test('--watch reloads a changed scenario file without a restart; a broken rewrite keeps the old one', async (t) => {
  const dir = t.testdir({
    'live.yaml': 'name: live\ndescription: first version\nextends: default\nsimulatedAgents:\n  - { id: 9001, behaviour: answer, afterMs: 0 }\n'
  })
  const file = join(dir, 'live.yaml')
  const log = logSink()
  const clock = new ManualClock()
  const s = await startServer({ port: 0, watch: true, scenario: [file], logLevel: 'silent', pollWaitMs: 0 }, { clock, logger: { level: 'info', stream: log.stream } })
  t.teardown(() => s.close())
  const gw = `${s.url}/agentgateway/resource`
  const json = async (path: string, init: { method?: string, guid?: string, body?: unknown } = {}): Promise<{ retcode?: string, event?: { eventType: string }, result?: unknown, scenarios?: Array<{ name: string, description: string, active: boolean }> }> => {
    const res = await fetch(`${path.startsWith('/__mock') ? s.url : gw}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(init.guid === undefined ? {} : { guid: init.guid }), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
    })
    return res.json()
  }
  const signIn = async (id: string): Promise<string> => {
    const res = await fetch(`${gw}/onlineagent/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"password":"","phonenum":"1"}' })
    return String(res.headers.get('set-guid')).replace('JSESSIONID=', '')
  }
  const events = async (id: string, guid: string): Promise<string[]> => {
    const out: string[] = []
    for (let i = 0; i < 50; i++) {
      const body = await json(`/agentevent/${id}`, { guid })
      if (body.event === undefined) return out
      out.push(body.event.eventType)
    }
    return out
  }
  /** Call 9001 and hang up if it connected: the events the caller saw. */
  const call9001 = async (guid: string): Promise<string[]> => {
    t.equal((await json('/voicecall/1001/callinner', { method: 'PUT', guid, body: { called: '9001' } })).retcode, '0')
    clock.advance(0)
    const seen = await events('1001', guid)
    if (seen.includes('AgentEvent_Talking')) {
      await json('/voicecall/1001/release', { method: 'DELETE', guid })
      await events('1001', guid)
    }
    return seen
  }
  const described = async (): Promise<string | undefined> => (await json('/__mock/scenarios')).scenarios?.find(x => x.name === 'live')?.description

  const g1 = await signIn('1001')
  const g2 = await signIn('1002')
  await events('1001', g1)
  t.ok((await call9001(g1)).includes('AgentEvent_Talking'), 'first version: 9001 answers')

  let before = log.count('scenario reloaded')
  writeFileSync(file, 'name: live\ndescription: second version\nextends: default\nsimulatedAgents:\n  - { id: 9001, behaviour: busy }\n')
  await logged(() => log.count('scenario reloaded'), before, 'the rewrite to be reloaded')
  t.equal(await described(), 'second version', 'the new version is loaded')
  t.same((await json('/onlineagent/1001/agentstatus', { guid: g1 })).result, { agentState: 4, isWorking: false }, 'the agent is still signed in, its GUID still works')
  t.ok((await call9001(g1)).includes('AgentEvent_Inside_Call_Fail'), 'second version: 9001 is busy')

  before = log.count('scenario file not reloaded')
  writeFileSync(file, 'name: live\ndescription: broken version\nextends: default\nsimulatedAgents:\n  - { id: 9001, behaviour: explode }\n')
  await logged(() => log.count('scenario file not reloaded'), before, 'the broken rewrite to be refused')
  t.equal(await described(), 'second version', 'a rewrite that does not validate keeps the old scenario')
  t.ok((await call9001(g1)).includes('AgentEvent_Inside_Call_Fail'), 'and its behaviour')
  t.equal((await json('/onlineagent/1001/agentstatus', { guid: g1 })).retcode, '0')

  before = log.count('scenario reloaded')
  writeFileSync(file, 'name: live\ndescription: roster version\nextends: default\nagents:\n  - { id: 1001 }\n')
  await logged(() => log.count('scenario reloaded'), before, 'the roster rewrite to be reloaded')
  t.equal((await json('/onlineagent/1001/agentstatus', { guid: g1 })).retcode, '0', 'an agent the new world still has stays signed in')
  t.equal((await json('/onlineagent/1002/agentstatus', { guid: g2 })).retcode, '100-006', 'one it no longer has is signed out')
})

t.test('an unknown key is reported on its own line, whatever its value (issue #14 bug 9)', async (t) => {
  const dir = t.testdir({
    'block.yaml': 'name: block\ncolour:\n  - red\n  - green\n',
    'empty.yaml': 'name: empty\ndescription: x\nshade:\n\nagents:\n  - id: 1001\n    nickname:\n      first: Al\n'
  })
  t.match(loadError(join(dir, 'block.yaml')), new RegExp(`^${re(join(dir, 'block.yaml'))}:2: colour: unknown field colour$`, 'm'))
  const empty = loadError(join(dir, 'empty.yaml'))
  t.match(empty, new RegExp(`^${re(join(dir, 'empty.yaml'))}:3: shade: unknown field shade$`, 'm'))
  t.match(empty, new RegExp(`^${re(join(dir, 'empty.yaml'))}:7: agents\\.0\\.nickname: unknown field nickname$`, 'm'))
})

t.test('--watch keeps reloading a file saved by rename (vim, IDEs); a broken save is reported once (issue #14 bug 8, 9)', async (t) => {
  const dir = t.testdir({ 'live.yaml': 'name: live\ndescription: v0\n' })
  const file = join(dir, 'live.yaml')
  const log = logSink()
  const s = await startServer({ port: 0, watch: true, scenario: [file], logLevel: 'silent', pollWaitMs: 0 }, { clock: new ManualClock(), logger: { level: 'info', stream: log.stream } })
  t.teardown(() => s.close())
  const described = async (): Promise<string> =>
    ((await (await fetch(`${s.url}/__mock/scenarios`)).json()) as { scenarios: Array<{ name: string, description: string }> }).scenarios.find(x => x.name === 'live')?.description ?? ''
  /** Save as an editor does: write a new file beside it, then rename it over the old one. */
  const saveByRename = (text: string, n: number): void => {
    const tmp = join(dir, `.live.yaml.swp${n}`)
    writeFileSync(tmp, text)
    renameSync(tmp, file)
  }
  for (let n = 1; n <= 3; n++) {
    const before = log.count('scenario reloaded')
    saveByRename(`name: live\ndescription: v${n}\n`, n)
    await logged(() => log.count('scenario reloaded'), before, `save ${n} by rename to be reloaded`)
    t.equal(await described(), `v${n}`, `save ${n} by rename is loaded`)
  }
  const refused = log.count('scenario file not reloaded')
  saveByRename('name: live\ndescription: broken\ncolour: red\n', 4)
  await logged(() => log.count('scenario file not reloaded'), refused, 'the broken save to be refused')
  const before = log.count('scenario reloaded')
  saveByRename('name: live\ndescription: v5\n', 5)
  await logged(() => log.count('scenario reloaded'), before, 'the next good save')
  t.equal(log.count('scenario file not reloaded'), refused + 1, 'the broken save was reported exactly once')
  t.equal(await described(), 'v5')
})
