/**
 * Files the mock ships beside its code (scenarios/, public/, docs/openapi.json), found from the
 * package root: the nearest folder above this module with cc-gateway-mock's package.json. Works
 * from src/ (tsx, tests), dist/ (tsc) and a single-file bundle alike.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot (start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'cc-gateway-mock') return dir
      } catch { /* not ours; keep looking */ }
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the cc-gateway-mock package root above ${start}`)
  }
}

export const packageRoot = findRoot(dirname(fileURLToPath(import.meta.url)))

export const shipped = (...parts: string[]): string => join(packageRoot, ...parts)
