/**
 * The command line of the scripts that write a generated file (docs/openapi.json, the scenario
 * validators): write it, or with `--check` only compare and exit 1 when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

export function writeOrCheck (file: string, text: string, npmScript: string): void {
  const name = relative(ROOT, file)
  if (!process.argv.includes('--check')) {
    writeFileSync(file, text)
    process.stdout.write(`wrote ${name}\n`)
    return
  }
  let current = ''
  try { current = readFileSync(file, 'utf8') } catch { /* missing counts as stale */ }
  if (current !== text) {
    process.stderr.write(`${name} is stale: run \`npm run ${npmScript}\`\n`)
    process.exit(1)
  }
  process.stdout.write(`${name} is up to date\n`)
}
