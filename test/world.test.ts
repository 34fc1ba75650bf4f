/**
 * World and roster files (src/world/): the shipped default world loads, and every kind of broken
 * file is refused with a WorldFileError whose problems read `file:line: field: message`.
 */
import { join } from 'node:path'
import t from 'tap'
import { defaultWorldPath, loadWorld, WorldFileError } from '../src/world/load-world.js'

/** The problems of loading `world` (and `roster`), or a test failure if it loads. */
function problemsOf (world: string | undefined, roster?: string): string[] {
  try {
    loadWorld(world, roster)
  } catch (err) {
    if (err instanceof WorldFileError) return err.problems
    throw err
  }
  throw new Error(`${world ?? roster ?? ''} loaded, but should not have`)
}

t.test('the default world file loads', async (t) => {
  t.match(defaultWorldPath, /scenarios[/\\]default\.yaml$/)
  for (const world of [loadWorld(undefined), loadWorld(''), loadWorld(defaultWorldPath)]) {
    t.equal(world.ringTimeoutMs, 30000)
    t.equal(world.defaultCaller, '10086')
    t.same(world.skills, [{ id: 1, name: 'voice' }, { id: 2, name: 'billing' }])
    t.same(world.roster, [], 'no roster: any agent may sign in')
  }
})

t.test('the default world has simulated agents 9001 to 9007 with string ids', async (t) => {
  const world = loadWorld(undefined)
  t.same(world.simulatedAgents.map(a => a.id), ['9001', '9002', '9003', '9004', '9005', '9006', '9007'])
  t.match(world.simulatedAgents.find(a => a.id === '9001'), { behaviour: 'answer', afterMs: 1000 })
  t.match(world.simulatedAgents.find(a => a.id === '9003'), { behaviour: 'busy' })
  t.match(world.simulatedAgents.find(a => a.id === '9004'), { behaviour: 'noAnswer' })
  t.match(world.simulatedAgents.find(a => a.id === '9007'), { behaviour: 'answer', afterMs: 1000, hangUpAfterMs: 5000 })
})

t.test('the default world has magic numbers 5550100 onwards and a catch-all pattern last', async (t) => {
  const world = loadWorld(undefined)
  const numbers = world.externalNumbers.filter(n => n.number !== undefined).map(n => n.number)
  t.same(numbers, ['5550100', '5550101', '5550102', '5550103', '5550104', '5550105', '5550199'])
  t.match(world.externalNumbers.find(n => n.number === '5550199'), { behaviour: 'invalid' })
  const last = world.externalNumbers.at(-1)
  t.ok(last?.pattern !== undefined, 'the last entry is a pattern')
  const catchAll = new RegExp(`^(?:${last?.pattern ?? ''})$`)
  t.ok(catchAll.test('13800138000'), 'it matches an ordinary number')
  t.ok(catchAll.test('*99#'), 'and one with * and #')
})

t.test('an empty world file is an empty world', async (t) => {
  const dir = t.testdir({ 'empty.yaml': '' })
  const world = loadWorld(join(dir, 'empty.yaml'))
  t.same(world.simulatedAgents, [])
  t.same(world.externalNumbers, [])
})

t.test('a JSON world file loads like YAML', async (t) => {
  const dir = t.testdir({ 'w.json': '{"name":"j","simulatedAgents":[{"id":1,"behaviour":"answer","afterMs":5}]}' })
  const world = loadWorld(join(dir, 'w.json'))
  t.same(world.simulatedAgents, [{ id: '1', behaviour: 'answer', afterMs: 5 }])
})

t.test('broken world files name the file, the line and the field', async (t) => {
  t.test('an unknown key', async (t) => {
    const dir = t.testdir({ 'w.yaml': 'name: broken\nringTimeoutMs: 1000\ncolour: red\n' })
    const file = join(dir, 'w.yaml')
    const problems = problemsOf(file)
    t.equal(problems.length, 1)
    t.match(problems[0], `${file}:3: `, 'the line of the unknown key')
    t.match(problems[0], /colour/)
  })

  t.test('an unknown key inside a list entry', async (t) => {
    const dir = t.testdir({ 'w.yaml': 'simulatedAgents:\n  - { id: 9001, behaviour: answer }\n  - { id: 9002, behaviour: answer, colour: red }\n' })
    const file = join(dir, 'w.yaml')
    const [p] = problemsOf(file)
    t.match(p, `${file}:3: simulatedAgents.1`)
    t.match(p, /colour/)
  })

  t.test('a wrong behaviour value gives one problem', async (t) => {
    const dir = t.testdir({ 'w.yaml': 'simulatedAgents:\n  - id: 9001\n    behaviour: answer\n  - id: 9002\n    behaviour: shout\n' })
    const file = join(dir, 'w.yaml')
    const problems = problemsOf(file)
    t.match(problems[0], `${file}:5: simulatedAgents.1.behaviour: `)
    t.same(problems, [...new Set(problems)], 'no problem is reported twice')
    t.equal(problems.length, 1, 'one mistake, one problem')
  })

  t.test('a negative afterMs', async (t) => {
    const dir = t.testdir({ 'w.yaml': 'externalNumbers:\n  - number: "123"\n    behaviour: answer\n    afterMs: -5\n' })
    const file = join(dir, 'w.yaml')
    const problems = problemsOf(file)
    t.equal(problems.length, 1)
    t.match(problems[0], `${file}:4: externalNumbers.0.afterMs: `)
    t.match(problems[0], />= 0/)
  })

  t.test('a YAML syntax error gives its line', async (t) => {
    const dir = t.testdir({
      'tab.yaml': 'name: x\ndescription: a\n\tringTimeoutMs: 5\n',
      'dup.yaml': 'name: x\nname: y\n'
    })
    t.match(problemsOf(join(dir, 'tab.yaml'))[0], `${join(dir, 'tab.yaml')}:3: `)
    t.match(problemsOf(join(dir, 'tab.yaml'))[0], /[Tt]ab/)
    t.match(problemsOf(join(dir, 'dup.yaml'))[0], `${join(dir, 'dup.yaml')}:2: `)
  })

  t.test('an externalNumbers entry with both number and pattern', async (t) => {
    const dir = t.testdir({ 'w.yaml': 'externalNumbers:\n  - { number: "1", behaviour: answer }\n  - { number: "123", pattern: "1.*", behaviour: answer }\n' })
    const file = join(dir, 'w.yaml')
    const problems = problemsOf(file)
    t.equal(problems.length, 1)
    t.match(problems[0], /number/)
    t.match(problems[0], /pattern/)
    t.match(problems[0], `${file}:3: externalNumbers.1`, 'file, line and field')
  })

  t.test('an externalNumbers entry with neither number nor pattern', async (t) => {
    const dir = t.testdir({ 'w.yaml': 'externalNumbers:\n  - { behaviour: answer }\n' })
    const [p] = problemsOf(join(dir, 'w.yaml'))
    t.match(p, /externalNumbers\.0/)
    t.match(p, /number or pattern/)
  })

  t.test('an invalid regular expression as a pattern', async (t) => {
    const dir = t.testdir({ 'w.yaml': 'name: x\nexternalNumbers:\n  - { pattern: "[0-9", behaviour: answer }\n' })
    const file = join(dir, 'w.yaml')
    const problems = problemsOf(file)
    t.equal(problems.length, 1)
    t.match(problems[0], /externalNumbers\.0\.pattern/)
    t.match(problems[0], /error parsing regexp: missing closing \]: .*RE2 syntax/)
    t.match(problems[0], `${file}:3: externalNumbers.0.pattern`, 'file, line and field')
  })

  t.test('a missing file', async (t) => {
    const dir = t.testdir({})
    const file = join(dir, 'nope.yaml')
    const problems = problemsOf(file)
    t.equal(problems.length, 1)
    t.match(problems[0], file)
    t.match(problems[0], /cannot read/)
    t.match(problems[0], /ENOENT/)
  })

  t.test('a JSON file with a bad value gives the JSON line', async (t) => {
    const dir = t.testdir({ 'w.json': '{\n  "name": "j",\n  "simulatedAgents": [\n    { "id": 1, "behaviour": "answer" },\n    { "id": 2, "behaviour": "answer", "afterMs": "soon" }\n  ]\n}\n' })
    const file = join(dir, 'w.json')
    const problems = problemsOf(file)
    t.match(problems[0], `${file}:5: simulatedAgents.1.afterMs: `)
  })

  t.test('a JSON syntax error gives its line', async (t) => {
    const dir = t.testdir({ 'w.json': '{\n  "name": "j",\n  "simulatedAgents": [ { "id": 1, } \n' })
    const file = join(dir, 'w.json')
    t.match(problemsOf(file)[0], new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `))
  })

  t.test('a top level that is not a mapping', async (t) => {
    const dir = t.testdir({ 'w.yaml': '- 1\n- 2\n' })
    t.match(problemsOf(join(dir, 'w.yaml'))[0], /\(top level\)/)
  })
})

t.test('roster files (--agents)', async (t) => {
  t.test('a bare list of agents loads, ids as strings', async (t) => {
    const dir = t.testdir({ 'agents.yaml': '- { id: 1001, password: pw, skills: [1] }\n- { id: "1002", name: Bob }\n' })
    const world = loadWorld(undefined, join(dir, 'agents.yaml'))
    t.same(world.roster, [{ id: '1001', password: 'pw', skills: [1] }, { id: '1002', name: 'Bob' }])
    t.equal(world.simulatedAgents.length, 7, 'the world file still loads')
  })

  t.test('an object with an agents list loads, YAML or JSON', async (t) => {
    const dir = t.testdir({
      'agents.yaml': 'agents:\n  - { id: 1001, password: pw }\n  - { id: 1002 }\n',
      'agents.json': '{"agents":[{"id":1001},{"id":"1002","phone":"70001"}]}'
    })
    t.same(loadWorld(undefined, join(dir, 'agents.yaml')).roster.map(a => a.id), ['1001', '1002'])
    t.same(loadWorld(undefined, join(dir, 'agents.json')).roster, [{ id: '1001' }, { id: '1002', phone: '70001' }])
  })

  t.test('a bad entry in a bare list names the file, its line and the field', async (t) => {
    const dir = t.testdir({ 'agents.yaml': '- id: 1001\n- id: 1002\n  password: 5\n' })
    const file = join(dir, 'agents.yaml')
    const problems = problemsOf(undefined, file)
    t.equal(problems.length, 1)
    t.match(problems[0], `${file}:3: `)
    t.match(problems[0], /password/)
  })

  t.test('an unknown key in a bare list entry names its line', async (t) => {
    const dir = t.testdir({ 'agents.yaml': '- { id: 1001 }\n- { id: 1002, colour: red }\n' })
    const file = join(dir, 'agents.yaml')
    const [p] = problemsOf(undefined, file)
    t.match(p, `${file}:2: `)
    t.match(p, /colour/)
  })

  t.test('a bad entry under agents: names the file, its line and the field', async (t) => {
    const dir = t.testdir({ 'agents.yaml': 'agents:\n  - { id: 1001 }\n  - { id: abc }\n' })
    const file = join(dir, 'agents.yaml')
    const problems = problemsOf(undefined, file)
    t.ok(problems.length >= 1)
    for (const p of problems) t.match(p, `${file}:3: agents.1.id: `)
  })

  t.test('a roster that is neither a list nor has an agents list is refused', async (t) => {
    const dir = t.testdir({ 'agents.yaml': 'foo: 1\n' })
    const file = join(dir, 'agents.yaml')
    const [p] = problemsOf(undefined, file)
    t.match(p, file)
    t.match(p, /list of agents/)
  })

  t.test('a missing roster file names the file', async (t) => {
    const dir = t.testdir({})
    t.match(problemsOf(undefined, join(dir, 'none.yaml'))[0], /none\.yaml: cannot read/)
  })
})
