/**
 * Reads world and roster files (YAML or JSON), validates them and builds a World. Every problem is
 * reported as `file:line: field: message`; nothing half-loaded is ever returned.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { TSchema } from 'typebox'
import { LineCounter, parseDocument, isMap, isNode, isScalar } from 'yaml'
import type { FaultRule } from '../domain/faults.js'
import { shipped } from '../paths.js'
import { timelineCycles, type Scenario, type TimelineAction, type TimelineStep } from '../domain/scenario.js'
import { compileNumberPattern, emptyWorld, type World } from '../domain/world.js'
import * as precompiled from './validators.generated.js'
import { FaultRuleSchema, PRECOMPILED_SCHEMAS, SCENARIO_AJV_OPTIONS, ScenarioShellSchema, TimelineStepSchema, WorldFileSchema, type FaultRuleInput, type ScenarioFile, type TimelineStepInput, type WorldFile } from './world-schema.js'
import { readableMessage } from '../schemas/messages.js'

export class WorldFileError extends Error {
  constructor (readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'WorldFileError'
  }
}

export const shippedScenarios = shipped('scenarios')
export const defaultWorldPath = join(shippedScenarios, 'default.yaml')

interface Parsed { data: unknown, lineOf: (path: string[]) => number | undefined }

function parseFile (file: string): Parsed {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file (ENOENT)' : code === 'EISDIR' ? 'a folder, not a file (EISDIR)' : code ?? (err as Error).message
    throw new WorldFileError([`${file}: cannot read: ${why}`])
  }
  // YAML is a superset of JSON, so one parser serves both and gives line numbers for either.
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  if (doc.errors.length > 0) {
    throw new WorldFileError(doc.errors.map(e => `${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0] ?? ''}`))
  }
  return {
    data: doc.toJS(),
    lineOf: (path) => {
      for (let p = path; ; p = p.slice(0, -1)) {
        // A field's line is its key's: its value may start on the next line, or be empty.
        const parent = p.length === 0 ? undefined : p.length === 1 ? doc.contents : doc.getIn(p.slice(0, -1), true)
        const pair = isMap(parent) ? parent.items.find(i => isScalar(i.key) && String(i.key.value) === p[p.length - 1]) : undefined
        const node = isNode(pair?.key) ? pair.key : p.length === 0 ? doc.contents : doc.getIn(p, true)
        if (isNode(node) && node.range !== undefined && node.range !== null) return lineCounter.linePos(node.range[0]).line
        if (p.length === 0) return undefined
      }
    }
  }
}

// Ajv (already loaded by Fastify) rather than typebox/value, which costs more to load than the
// rest of the start-up; allErrors so one pass reports every problem of a file.
// The four scenario-file schemas come compiled ahead of time (compiling them was about a tenth of
// the time to ready); any other schema is compiled on first use. validateSchema is off: the schemas
// are ours and fixed, and checking them compiled the JSON Schema meta-schema first.
const validators = new Map<TSchema, ValidateFunction>(Object.entries(PRECOMPILED_SCHEMAS)
  .map(([name, schema]) => [schema, (precompiled as unknown as Record<string, ValidateFunction>)[name]!]))
let ajv: Ajv | undefined

function check (file: string, parsed: Parsed, schema: TSchema, data: unknown, toFilePath: (p: string[]) => string[] = p => p): void {
  let validate = validators.get(schema)
  if (validate === undefined) { validate = (ajv ??= new Ajv(SCENARIO_AJV_OPTIONS)).compile(schema); validators.set(schema, validate) }
  if (validate(data)) return
  const errors: ErrorObject[] = validate.errors ?? []
  // A value outside a set of literals yields one `const` error per literal plus an `anyOf`:
  // report it once, as "must be one of ...".
  const allowed = new Map<string, unknown[]>()
  for (const e of errors) {
    if (e.keyword === 'const') allowed.set(e.instancePath, [...(allowed.get(e.instancePath) ?? []), (e.params as { allowedValue?: unknown }).allowedValue])
  }
  const problems: string[] = []
  const seen = new Set<string>()
  for (const e of errors) {
    let path = toFilePath(e.instancePath.split('/').filter(s => s !== ''))
    let message = readableMessage(e)
    const values = allowed.get(e.instancePath)
    if (values !== undefined) {
      if (e.keyword !== 'const') continue
      message = `must be one of ${values.map(v => JSON.stringify(v)).join(', ')}`
    }
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty?: string }).additionalProperty)
      message = `unknown field ${extra}`
      path = [...path, extra]
    }
    const line = parsed.lineOf(path)
    const text = `${file}${line === undefined ? '' : `:${line}`}: ${path.join('.') || '(top level)'}: ${message}`
    if (seen.has(text)) continue
    seen.add(text)
    problems.push(text)
    if (problems.length >= 20) break
  }
  throw new WorldFileError(problems)
}

export function loadWorld (worldFile: string | undefined, rosterFile?: string): World {
  const file = worldFile === undefined || worldFile === '' ? defaultWorldPath : worldFile
  const world = loadScenarioFile(file).world
  applyRoster(world, rosterFile)
  return world
}

/** Add a roster file's agents (`--agents`) to a world. */
export function applyRoster (world: World, rosterFile: string | undefined): void {
  if (rosterFile !== undefined && rosterFile !== '') {
    const r = parseFile(rosterFile)
    const list = Array.isArray(r.data) ? r.data : (r.data as { agents?: unknown } | null)?.agents
    if (!Array.isArray(list)) throw new WorldFileError([`${rosterFile}: expected a list of agents, or an object with an agents list`])
    const asWorld = { agents: list }
    check(rosterFile, r, WorldFileSchema, asWorld, Array.isArray(r.data) ? p => p.slice(1) : undefined)
    applyWorld(world, asWorld as WorldFile, rosterFile)
  }
}

/** One scenario file: world, faults and timeline, validated as a whole. */
export function loadScenarioFile (file: string, extending: string[] = []): Scenario {
  const parsed = parseFile(file)
  const data = (parsed.data ?? {}) as ScenarioFile
  check(file, parsed, ScenarioShellSchema, data)
  data.faults?.forEach((rule, i) => check(file, parsed, FaultRuleSchema, rule, p => ['faults', String(i), ...p]))
  data.timeline?.forEach((step, i) => check(file, parsed, TimelineStepSchema, step, p => ['timeline', String(i), ...p]))
  const numberProblems = externalNumberProblems(data.externalNumbers ?? [], (i, field) => {
    const line = parsed.lineOf(['externalNumbers', String(i), ...(field === undefined ? [] : [field])])
    return `${file}${line === undefined ? '' : `:${line}`}: externalNumbers.${i}${field === undefined ? '' : `.${field}`}`
  })
  if (numberProblems.length > 0) throw new WorldFileError(numberProblems)
  let base: World | undefined
  if (data.extends !== undefined) {
    const baseFile = data.extends === 'default' ? defaultWorldPath : resolve(dirname(file), data.extends)
    const where = `${file}:${parsed.lineOf(['extends']) ?? 1}: extends`
    if (resolve(baseFile) === resolve(file)) throw new WorldFileError([`${where}: a scenario cannot extend itself`])
    const chain = [...extending, resolve(file)]
    if (chain.includes(resolve(baseFile))) throw new WorldFileError([`${where}: '${data.extends}' extends this file again (${[...chain, resolve(baseFile)].map(f => basename(f)).join(' → ')})`])
    try {
      base = loadScenarioFile(baseFile, chain).world
    } catch (err) {
      const problems = err instanceof WorldFileError ? err.problems : [(err as Error).message]
      throw new WorldFileError([`${where}: cannot load '${data.extends}': ${problems.join('; ')}`])
    }
  }
  return { ...scenarioFromData({ ...data, name: data.name ?? basename(file, extname(file)) }, file, base), nameLine: parsed.lineOf(['name']) }
}

/** A validated scenario object (from a file or the admin API) → Scenario. */
export function scenarioFromData (data: ScenarioFile, source: string, base?: World): Scenario {
  const world = base === undefined ? emptyWorld() : structuredClone(base)
  if (base === undefined && data.extends === 'default') Object.assign(world, structuredClone(loadScenarioFile(defaultWorldPath).world))
  applyWorld(world, data, source)
  const timeline = (data.timeline ?? []).map(toStep)
  const cycles = timelineCycles(timeline)
  if (cycles.length > 0) throw new WorldFileError(cycles.map(c => `${source}: ${c}`))
  return {
    name: data.name ?? 'unnamed',
    description: data.description ?? '',
    source,
    world,
    faults: (data.faults ?? []).map(toRule),
    timeline,
    seed: data.seed,
    gateway: data.gateway
  }
}

/** Files and folders (every .yaml, .yml and .json inside, sorted) → scenarios; any error stops all. */
export function loadScenarios (paths: string[]): Scenario[] {
  const files: string[] = []
  for (const p of paths) {
    let isDir = false
    try { isDir = statSync(p).isDirectory() } catch { /* reported by parseFile */ }
    if (isDir) {
      // In a folder, default.yaml (if any) comes first, so it is the one activated.
      const names = readdirSync(p).filter(f => /\.(ya?ml|json)$/.test(f)).sort((a, b) => Number(/^default\./.test(b)) - Number(/^default\./.test(a)) || a.localeCompare(b))
      files.push(...names.map(f => join(p, f)))
    } else files.push(p)
  }
  const problems: string[] = []
  const out: Scenario[] = []
  for (const f of files) {
    try { out.push(loadScenarioFile(f)) } catch (err) {
      if (err instanceof WorldFileError) problems.push(...err.problems)
      else throw err
    }
  }
  if (problems.length > 0) throw new WorldFileError(problems)
  const names = new Map<string, string>()
  for (const s of out) {
    const other = names.get(s.name)
    if (other !== undefined) problems.push(`${s.source}${s.nameLine === undefined ? '' : `:${s.nameLine}`}: name: '${s.name}' is also used by ${other}`)
    names.set(s.name, s.source)
  }
  if (problems.length > 0) throw new WorldFileError(problems)
  return out
}

/** A rule as written (agent a number or a string) as the domain holds it (agent a string). */
export function toRule (r: FaultRuleInput): FaultRule {
  return { ...r, match: { ...r.match, agent: agentId(r.match.agent) } }
}

const agentId = (agent: string | number | undefined): string | undefined => agent === undefined ? undefined : String(agent)

/** An action's argument with its agent as a string. */
function withAgent<T extends { agent?: string | number | undefined }> (arg: T): Omit<T, 'agent'> & { agent?: string | undefined } {
  const { agent, ...rest } = arg
  return agent === undefined ? rest : { ...rest, agent: String(agent) }
}

function toAction (a: TimelineStepInput['do']): TimelineAction {
  if ('armFault' in a) return { armFault: toRule(a.armFault) }
  if ('customerCall' in a) return a
  if ('farHangUp' in a) return { farHangUp: withAgent(a.farHangUp) }
  if ('farAnswer' in a) return { farAnswer: withAgent(a.farAnswer) }
  if ('signOut' in a) return { signOut: withAgent(a.signOut) }
  if ('expireGuid' in a) return { expireGuid: withAgent(a.expireGuid) }
  if ('setState' in a) return { setState: withAgent(a.setState) }
  if ('inject' in a) return { inject: withAgent(a.inject) }
  return { pushDown: withAgent(a.pushDown) }
}

function toStep (s: TimelineStepInput): TimelineStep {
  return {
    ...s,
    after: s.after === undefined ? undefined : { event: s.after.event, agent: agentId(s.after.agent) },
    do: toAction(s.do)
  }
}

function applyWorld (world: World, data: WorldFile, file: string): void {
  if (data.ringTimeoutMs !== undefined) world.ringTimeoutMs = data.ringTimeoutMs
  if (data.defaultCaller !== undefined) world.defaultCaller = data.defaultCaller
  if (data.skills !== undefined) world.skills = data.skills
  if (data.agents !== undefined) world.roster = data.agents.map(a => ({ ...a, id: String(a.id) }))
  if (data.groups !== undefined) world.groups = data.groups.map(g => ({ ...g, monitorno: g.monitorno === undefined ? undefined : String(g.monitorno) }))
  if (data.restReasons !== undefined) world.restReasons = data.restReasons
  if (data.ivrs !== undefined) world.ivrs = data.ivrs
  if (data.simulatedAgents !== undefined) world.simulatedAgents = data.simulatedAgents.map(a => ({ ...a, id: String(a.id) }))
  if (data.accessCodes !== undefined) world.accessCodes = data.accessCodes
  if (data.colleagues !== undefined) world.colleagues = data.colleagues.map(c => ({ ...c, id: c.id === undefined ? undefined : String(c.id), idFrom: c.idFrom === undefined ? undefined : String(c.idFrom) }))
  if (data.traffic !== undefined) world.traffic = data.traffic
  if (data.wrapUpMs !== undefined) world.wrapUpMs = data.wrapUpMs
  if (data.noAnswerThen !== undefined) world.noAnswerThen = data.noAnswerThen
  if (data.distribution !== undefined) world.distribution = data.distribution
  const centerProblems = contactCenterProblems(world)
  if (centerProblems.length > 0) throw new WorldFileError(centerProblems.map(p => `${file}: ${p}`))
  if (data.externalNumbers !== undefined) {
    const problems = externalNumberProblems(data.externalNumbers, (i, field) => `${file}: externalNumbers.${i}${field === undefined ? '' : `.${field}`}`)
    if (problems.length > 0) throw new WorldFileError(problems)
    world.externalNumbers = data.externalNumbers
  }
}

/** Longest external-number pattern: numbers are at most 24 characters. */
const MAX_PATTERN = 500

/** Rules the schema cannot say: exactly one of number/pattern, and a pattern that compiles (RE2). */
function externalNumberProblems (numbers: Array<{ number?: string | undefined, pattern?: string | undefined }>, where: (i: number, field?: string) => string): string[] {
  const problems: string[] = []
  numbers.forEach((n, i) => {
    if ((n.number === undefined) === (n.pattern === undefined)) problems.push(`${where(i)}: give exactly one of number or pattern`)
    if (n.pattern !== undefined) {
      if (n.pattern.length > MAX_PATTERN) problems.push(`${where(i, 'pattern')}: longer than ${MAX_PATTERN} characters`)
      else try { compileNumberPattern(n.pattern) } catch (err) { problems.push(`${where(i, 'pattern')}: ${(err as Error).message} (patterns use RE2 syntax: docs/scenarios.md)`) }
    }
  })
  return problems
}

/**
 * Read a YAML or JSON file and validate it against `schema` (conformance checks use it too);
 * problems as `file:line: field: message`. Lists named in `lists` are then checked item by item
 * against the schema `pick` chooses for each item (a message when none fits): a union of many
 * shapes compiles far slower than each shape alone. `pick` may name a field of the item to check.
 */
export function readValidatedFile (file: string, schema: TSchema, lists: Record<string, (item: unknown) => { schema: TSchema, field?: string } | string> = {}): unknown {
  const parsed = parseFile(file)
  check(file, parsed, schema, parsed.data)
  for (const [key, pick] of Object.entries(lists)) {
    const items = (parsed.data as Record<string, unknown>)[key]
    if (!Array.isArray(items)) continue
    items.forEach((item, i) => {
      const at = [key, String(i)]
      const chosen = pick(item)
      if (typeof chosen === 'string') throw new WorldFileError([`${file}:${parsed.lineOf(at) ?? 1}: ${at.join('.')}: ${chosen}`])
      const path = chosen.field === undefined ? at : [...at, chosen.field]
      const value = chosen.field === undefined ? item : (item as Record<string, unknown>)[chosen.field]
      check(file, parsed, chosen.schema, value, p => [...path, ...p])
    })
  }
  return parsed.data
}

/** Rules across the contact centre's lists: references to skills and codes that exist, one id or a population. */
function contactCenterProblems (world: World): string[] {
  const skills = new Set(world.skills.map(k => k.id))
  const codes = new Set(world.accessCodes.map(c => c.inno))
  const problems: string[] = []
  world.skills.forEach((k, i) => {
    if (typeof k.overflow === 'number' && !skills.has(k.overflow)) problems.push(`skills.${i}.overflow: no skill ${k.overflow}`)
  })
  world.accessCodes.forEach((c, i) => { if (!skills.has(c.skill)) problems.push(`accessCodes.${i}.skill: no skill ${c.skill}`) })
  world.colleagues.forEach((c, i) => {
    if ((c.id === undefined) === (c.count === undefined)) problems.push(`colleagues.${i}: give either id, or count with idFrom`)
    if (c.count !== undefined && c.idFrom === undefined) problems.push(`colleagues.${i}.idFrom: needed with count`)
    for (const k of c.skills) if (!skills.has(k)) problems.push(`colleagues.${i}.skills: no skill ${k}`)
  })
  world.traffic.forEach((tr, i) => {
    if ((tr.to === undefined) === (tr.skill === undefined)) problems.push(`traffic.${i}: give exactly one of to or skill`)
    if (tr.to !== undefined && !codes.has(tr.to)) problems.push(`traffic.${i}.to: no access code ${tr.to}`)
    if (tr.skill !== undefined && !skills.has(tr.skill)) problems.push(`traffic.${i}.skill: no skill ${tr.skill}`)
    if ((tr.perHour === undefined) === (tr.schedule === undefined)) problems.push(`traffic.${i}: give exactly one of perHour or schedule`)
  })
  return problems
}
