/**
 * Writes docs/openapi.json from the running app's route schemas (the same document the mock serves
 * at /__mock/openapi.json). `--check` only compares and exits 1 when the file is stale.
 */
import { fileURLToPath } from 'node:url'
import { writeOrCheck } from './generated-file.js'
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
  writeOrCheck(OPENAPI_FILE, await renderOpenApi(), 'openapi')
}
