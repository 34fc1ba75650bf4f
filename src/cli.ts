#!/usr/bin/env -S node --max-semi-space-size=4 --single-threaded-gc
/** `cc-gateway-mock [options]`: parse flags and environment, then serve. Bad options exit 2. */
import { readFileSync } from 'node:fs'
import { helpText, parseConfig } from './config.js'
import { shipped } from './paths.js'
import { runServer } from './server.js'
import { WorldFileError } from './world/load-world.js'

// `cc-gateway-mock conformance ...`: the client conformance checks (src/conformance/).
if (process.argv[2] === 'conformance') {
  const { runConformance } = await import('./conformance/command.js')
  process.exit(await runConformance(process.argv.slice(3)))
}

const parsed = parseConfig(process.argv.slice(2), process.env)
if (!parsed.ok) {
  // The problem and where to look, not the whole usage (issue #14 bug 9).
  process.stderr.write(`cc-gateway-mock: ${parsed.errors.join('\n  ')}\nRun cc-gateway-mock --help for the options.\n`)
  process.exit(2)
}
if (parsed.help) {
  process.stdout.write(helpText())
  process.exit(0)
}
if (parsed.version === true) {
  process.stdout.write(`cc-gateway-mock ${(JSON.parse(readFileSync(shipped('package.json'), 'utf8')) as { version: string }).version}\n`)
  process.exit(0)
}
try {
  const { url } = await runServer(parsed.config)
  if (process.stdout.isTTY !== true) process.stderr.write(`cc-gateway-mock listening on ${url}\n`)
} catch (err) {
  // Says what is wrong with which file (missing, unreadable, invalid), never more than that.
  if (err instanceof WorldFileError) process.stderr.write(`cc-gateway-mock: cannot start:\n  ${err.problems.join('\n  ')}\n`)
  else process.stderr.write(`cc-gateway-mock: cannot start: ${(err as Error).message}\n`)
  process.exit(2)
}
