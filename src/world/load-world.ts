/**
 * Reads world and roster files (YAML or JSON), validates them and builds a World. Every problem is
 * reported as `file:line: field: message`; nothing half-loaded is ever returned.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TSchema } from 'typebox'
import Value from 'typebox/value'
import { LineCounter, parseDocument, isNode } from 'yaml'
import { emptyWorld, type World } from '../domain/world.js'
import { WorldFileSchema, type WorldFile } from './world-schema.js'

export class WorldFileError extends Error {
  constructor (readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'WorldFileError'
  }
}

export const defaultWorldPath = fileURLToPath(new URL('../../scenarios/default.yaml', import.meta.url))

interface Parsed { data: unknown, lineOf: (path: string[]) => number | undefined }

function parseFile (file: string): Parsed {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new WorldFileError([`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`])
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
        const node = p.length === 0 ? doc.contents : doc.getIn(p, true)
        if (isNode(node) && node.range !== undefined && node.range !== null) return lineCounter.linePos(node.range[0]).line
        if (p.length === 0) return undefined
      }
    }
  }
}

function check (file: string, parsed: Parsed, schema: TSchema, data: unknown, toFilePath: (p: string[]) => string[] = p => p): void {
  if (Value.Check(schema, data)) return
  const problems: string[] = []
  for (const e of Value.Errors(schema, data)) {
    if (e.keyword === 'boolean') continue // reported again as additionalProperties
    const path = toFilePath(e.instancePath.split('/').filter(s => s !== ''))
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperties?: string[] }).additionalProperties?.join(', '))})` : ''
    const line = parsed.lineOf(path)
    problems.push(`${file}${line === undefined ? '' : `:${line}`}: ${path.join('.') || '(top level)'}: ${e.message}${extra}`)
    if (problems.length >= 20) break
  }
  throw new WorldFileError(problems)
}

export function loadWorld (worldFile: string | undefined, rosterFile?: string): World {
  const world = emptyWorld()
  const file = worldFile === undefined || worldFile === '' ? defaultWorldPath : worldFile
  const parsed = parseFile(file)
  const data = (parsed.data ?? {}) as WorldFile
  check(file, parsed, WorldFileSchema, data)
  applyWorld(world, data, file)
  if (rosterFile !== undefined && rosterFile !== '') {
    const r = parseFile(rosterFile)
    const list = Array.isArray(r.data) ? r.data : (r.data as { agents?: unknown } | null)?.agents
    if (!Array.isArray(list)) throw new WorldFileError([`${rosterFile}: expected a list of agents, or an object with an agents list`])
    const asWorld = { agents: list }
    check(rosterFile, r, WorldFileSchema, asWorld, Array.isArray(r.data) ? p => p.slice(1) : undefined)
    applyWorld(world, asWorld as WorldFile, rosterFile)
  }
  return world
}

function applyWorld (world: World, data: WorldFile, file: string): void {
  if (data.ringTimeoutMs !== undefined) world.ringTimeoutMs = data.ringTimeoutMs
  if (data.defaultCaller !== undefined) world.defaultCaller = data.defaultCaller
  if (data.skills !== undefined) world.skills = data.skills
  if (data.agents !== undefined) world.roster = data.agents.map(a => ({ ...a, id: String(a.id) }))
  if (data.simulatedAgents !== undefined) world.simulatedAgents = data.simulatedAgents.map(a => ({ ...a, id: String(a.id) }))
  if (data.externalNumbers !== undefined) {
    const problems: string[] = []
    data.externalNumbers.forEach((n, i) => {
      if ((n.number === undefined) === (n.pattern === undefined)) problems.push(`${file}: externalNumbers.${i}: give exactly one of number or pattern`)
      if (n.pattern !== undefined) {
        try { RegExp(n.pattern) } catch (err) { problems.push(`${file}: externalNumbers.${i}.pattern: ${(err as Error).message}`) }
      }
    })
    if (problems.length > 0) throw new WorldFileError(problems)
    world.externalNumbers = data.externalNumbers
  }
}
