/**
 * `--watch`: reload a scenario file when it changes, without a restart. The reloaded scenario
 * replaces the one of the same name; if it is active it is re-activated (agents stay signed in
 * where its world still has them). A file that no longer validates is reported and ignored: the
 * running scenario stays as it was.
 */
import { watch, type FSWatcher } from 'node:fs'
import { join } from 'node:path'
import type { ScenarioRegistry } from '../domain/scenario-registry.js'
import type { World } from '../domain/world.js'
import { applyRoster, loadScenarioFile, WorldFileError } from './load-world.js'

export interface WatchLog { info(o: object, m: string): void, warn(o: object, m: string): void }

export function watchScenarios (paths: string[], registry: ScenarioRegistry, roster: string, log: WatchLog, onReload?: (file: string) => void): () => void {
  const watchers: FSWatcher[] = []
  const pending = new Map<string, NodeJS.Timeout>()
  const reload = (file: string): void => {
    clearTimeout(pending.get(file))
    // Editors write in several steps: wait for the file to settle.
    pending.set(file, setTimeout(() => {
      pending.delete(file)
      try {
        const scenario = loadScenarioFile(file)
        applyRoster(scenario.world as World, roster)
        registry.add(scenario)
        log.info({ file, scenario: scenario.name, active: registry.active?.name === scenario.name }, 'scenario reloaded')
      } catch (err) {
        const problems = err instanceof WorldFileError ? err.problems : [(err as Error).message]
        log.warn({ file, problems }, 'scenario file not reloaded: it does not validate')
      }
      onReload?.(file)
    }, 100))
  }
  for (const p of paths) {
    try {
      const w = watch(p, (_event, name) => {
        if (name === null) return
        const file = name === p || p.endsWith(name) ? p : join(p, name)
        if (/\.(ya?ml|json)$/.test(file)) reload(file)
      })
      watchers.push(w)
    } catch (err) {
      log.warn({ path: p, err: (err as Error).message }, 'cannot watch')
    }
  }
  return () => {
    for (const w of watchers) w.close()
    for (const t of pending.values()) clearTimeout(t)
  }
}
