/**
 * Checks are data (issue #15): a checks folder holds `checks/<name>.yaml` (what to do and what to
 * expect) and `scenarios/<name>.yaml` (the mock's behaviour while the check runs, an ordinary
 * scenario file). The shipped folder is `conformance/`; `--checks DIR` adds more, and a check of
 * the same name replaces the shipped one. A scenarios folder can also be given to a mock with
 * `--scenario DIR/scenarios` (for --attach).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { parse } from 'yaml'
import type { Scenario } from '../domain/scenario.js'
import { shipped } from '../paths.js'
import { loadScenarioFile, readValidatedFile, WorldFileError } from '../world/load-world.js'
import { CheckShellSchema, checkLists, type CheckFile } from './check-schema.js'

export const shippedChecksDir = shipped('conformance')

export interface Check extends Omit<CheckFile, 'name' | 'scenario'> {
  name: string
  /** The file it came from. */
  source: string
  /** The scenario to activate, as the JSON the control API loads; undefined: the default world. */
  scenario: { name: string, data: Record<string, unknown>, loaded: Scenario } | undefined
}

const yamlFiles = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter(f => /\.(ya?ml|json)$/.test(f)).sort().map(f => join(dir, f)) : []

function loadScenario (dir: string, name: string, where: string): Check['scenario'] {
  const file = yamlFiles(join(dir, 'scenarios')).find(f => basename(f, extname(f)) === name)
  if (file === undefined) throw new WorldFileError([`${where}: scenario: no file scenarios/${name}.yaml in ${dir}`])
  // Validated as the mock would (line numbers in errors), then sent through the control API.
  const scenario = loadScenarioFile(file)
  const data = parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  if (data.extends !== undefined && data.extends !== 'default') {
    throw new WorldFileError([`${file}: extends: a check's scenario may only extend 'default' (it is loaded through the control API)`])
  }
  return { name: scenario.name, data: { ...data, name: scenario.name }, loaded: scenario }
}

/** Every check of the folders, later folders replacing earlier ones by name, in run order. */
export function loadChecks (dirs: string[]): Check[] {
  const byName = new Map<string, Check>()
  const problems: string[] = []
  for (const dir of dirs) {
    const files = yamlFiles(join(dir, 'checks'))
    if (files.length === 0) problems.push(`${dir}: no check files in ${join(dir, 'checks')}`)
    for (const file of files) {
      try {
        const data = readValidatedFile(file, CheckShellSchema, checkLists) as CheckFile
        const name = data.name ?? basename(file, extname(file))
        const own = yamlFiles(join(dir, 'scenarios')).some(f => basename(f, extname(f)) === name)
        const scenarioName = data.scenario ?? (own ? name : undefined)
        byName.set(name, {
          ...data,
          name,
          source: file,
          scenario: scenarioName === undefined || scenarioName === 'none' ? undefined : loadScenario(dir, scenarioName, file)
        })
      } catch (err) {
        if (err instanceof WorldFileError) problems.push(...err.problems)
        else throw err
      }
    }
  }
  if (problems.length > 0) throw new WorldFileError(problems)
  return [...byName.values()].sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.name.localeCompare(b.name))
}
