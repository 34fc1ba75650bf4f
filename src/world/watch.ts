/**
 * `--watch`: reload a scenario file when it changes, without a restart. The reloaded scenario
 * replaces the one of the same name; if it is active it is re-activated (agents stay signed in
 * where its world still has them). A file that no longer validates is reported once and ignored:
 * the running scenario stays as it was.
 *
 * chokidar, not fs.watch on the file: fs.watch follows the inode, so an editor that saves by
 * writing a new file and renaming it over the old one (vim, many IDEs) silently ended the reloads
 * (issue #14 bug 8). A save that changes nothing (a second event for one save) reloads nothing.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { watch } from 'chokidar'
import type { ScenarioRegistry } from '../domain/scenario-registry.js'
import type { World } from '../domain/world.js'
import { applyRoster, loadScenarioFile, WorldFileError } from './load-world.js'

export interface WatchLog { info(o: object, m: string): void, warn(o: object, m: string): void }

export interface Watching {
  /** Settles once every path is being watched. */
  ready: Promise<void>
  close: () => Promise<void>
}

const SCENARIO_FILE = /\.(ya?ml|json)$/

function digest (file: string): string {
  try { return createHash('sha1').update(readFileSync(file)).digest('hex') } catch { return '' }
}

export function watchScenarios (paths: string[], registry: ScenarioRegistry, roster: string, log: WatchLog, onReload?: (file: string) => void): Watching {
  const pending = new Map<string, NodeJS.Timeout>()
  // What each file held when last read (loaded or refused): an unchanged file is not read again.
  const seen = new Map<string, string>()
  for (const p of paths) if (SCENARIO_FILE.test(p)) seen.set(resolve(p), digest(p))
  const load = (file: string): void => {
    const content = digest(file)
    if (seen.get(file) === content) return
    seen.set(file, content)
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
  }
  const changed = (path: string): void => {
    if (!SCENARIO_FILE.test(path)) return
    const file = resolve(path)
    clearTimeout(pending.get(file))
    // Editors write in several steps: wait for the file to settle.
    pending.set(file, setTimeout(() => { pending.delete(file); load(file) }, 100))
  }
  const watcher = watch(paths, { ignoreInitial: true, depth: 0, atomic: true })
  watcher.on('add', changed).on('change', changed)
  watcher.on('error', (err) => log.warn({ paths, err: (err as Error).message }, 'cannot watch'))
  return {
    ready: new Promise(resolve => watcher.once('ready', () => resolve())),
    close: async () => {
      for (const t of pending.values()) clearTimeout(t)
      await watcher.close()
    }
  }
}
