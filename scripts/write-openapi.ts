/**
 * Writes docs/openapi.json from the running app's route schemas (the same document the mock serves
 * at /__mock/openapi.json). `--check` only compares and exits 1 when the file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'

export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url))

export async function renderOpenApi (): Promise<string> {
  const app = await buildApp({}, { logger: false, liveOpenApi: true })
  await app.ready()
  const text = `${JSON.stringify((app as unknown as { swagger(): unknown }).swagger(), null, 2)}\n`
  await app.close()
  return text
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await renderOpenApi()
  if (process.argv.includes('--check')) {
    let current = ''
    try { current = readFileSync(OPENAPI_FILE, 'utf8') } catch { /* missing counts as stale */ }
    if (current !== text) {
      process.stderr.write('docs/openapi.json is stale: run `npm run openapi`\n')
      process.exit(1)
    }
    process.stdout.write('docs/openapi.json is up to date\n')
  } else {
    writeFileSync(OPENAPI_FILE, text)
    process.stdout.write(`wrote ${OPENAPI_FILE}\n`)
  }
}
