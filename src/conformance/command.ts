/**
 * `cc-gateway-mock conformance` (issue #15): start a mock (or attach to one), start the user's
 * client against it, run the checks, print a table as they finish, write the JUnit and HTML
 * reports. Exit status: 0 all passed (or not exercised), 1 a check failed, 2 bad usage or no start.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { agentIdRe } from '../schemas/gateway.js'
import { startServer, type RunningServer } from '../server.js'
import { WorldFileError } from '../world/load-world.js'
import { loadChecks, shippedChecksDir, type Check } from './load-checks.js'
import { htmlReport, junitXml, tableHeader, tableRow, tableSummary } from './reports.js'
import { hasFailure, runChecks } from './runner.js'

export const conformanceHelp = `Usage: cc-gateway-mock conformance --client "<command>" [options]
       cc-gateway-mock conformance --attach <mock URL> [options]

Runs the client conformance checks: starts a mock, starts your client against it (environment:
CCGW_URL, CCGW_HOST, CCGW_PORT, CCGW_AGENT), waits for it to sign in, then runs each check.

  --client <command>   the command that starts your client (run through the shell)
  --agent <id>         the agent id the client signs in with (default 1001)
  --only <names>       run only these checks (comma-separated, repeatable)
  --restart-client     restart the client before every check (else only when it did not recover)
  --attach <url>       the client already runs against this mock; the checks drive it
  --admin-token <t>    the control API's token of an attached mock (--admin-token of that mock)
  --checks <dir>       more checks (<dir>/checks/*.yaml, <dir>/scenarios/*.yaml), repeatable
  --junit <file>       write a JUnit XML report
  --html <file>        write an HTML report
  -h, --help           this text

Exit status: 0 no check failed, 1 a check failed, 2 bad usage.
`

interface Out { stdout: (s: string) => void, stderr: (s: string) => void, isTTY: boolean }

const defaultOut: Out = {
  stdout: s => { process.stdout.write(s) },
  stderr: s => { process.stderr.write(s) },
  isTTY: process.stdout.isTTY === true
}

function usage (out: Out, message: string): number {
  out.stderr(`cc-gateway-mock conformance: ${message}\n\n${conformanceHelp}`)
  return 2
}

function write (file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, text)
}

export async function runConformance (argv: string[], out: Out = defaultOut): Promise<number> {
  let values
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        client: { type: 'string' },
        agent: { type: 'string', default: '1001' },
        only: { type: 'string', multiple: true },
        'restart-client': { type: 'boolean', default: false },
        attach: { type: 'string' },
        'admin-token': { type: 'string', default: '' },
        checks: { type: 'string', multiple: true },
        junit: { type: 'string' },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (err) {
    return usage(out, (err as Error).message)
  }
  if (values.help === true) { out.stdout(conformanceHelp); return 0 }
  if ((values.client === undefined) === (values.attach === undefined)) return usage(out, 'give either --client "<command>" or --attach <mock URL>')
  if (!agentIdRe.test(values.agent)) return usage(out, `--agent: expected an agent id from 101 to 999999, got '${values.agent}'`)
  if (values.attach !== undefined && !/^https?:\/\/[^/]+\/?$/.test(values.attach)) return usage(out, `--attach: expected the mock's base URL (http://host:port), got '${values.attach}'`)

  let checks: Check[]
  try {
    checks = loadChecks([shippedChecksDir, ...(values.checks ?? [])])
  } catch (err) {
    if (err instanceof WorldFileError) { out.stderr(`cc-gateway-mock conformance: invalid checks:\n  ${err.problems.join('\n  ')}\n`); return 2 }
    throw err
  }
  const only = (values.only ?? []).flatMap(o => o.split(',')).map(o => o.trim()).filter(o => o !== '')
  const unknown = only.filter(o => !checks.some(c => c.name === o))
  if (unknown.length > 0) return usage(out, `--only: no check named ${unknown.join(', ')} (checks: ${checks.map(c => c.name).join(', ')})`)
  if (only.length > 0) checks = checks.filter(c => only.includes(c.name))

  let mock: RunningServer | undefined
  let url = values.attach?.replace(/\/$/, '')
  if (url === undefined) {
    try {
      // Short poll holds keep the checks quick; a rotated-out GUID stops working at once, so a
      // client that keeps using it is seen (000-003) under dynamic authentication.
      mock = await startServer({ host: '127.0.0.1', port: 0, logLevel: 'silent', journalSize: 100000, pollWaitMs: 300, guidGraceMs: 0 })
    } catch (err) {
      out.stderr(`cc-gateway-mock conformance: cannot start the mock: ${(err as Error).message}\n`)
      return 2
    }
    url = mock.url
  }

  out.stdout(`Client conformance: agent ${values.agent} against ${url}${values.attach === undefined ? ` (client: ${values.client ?? ''})` : ' (attached)'}\n\n`)
  out.stdout(tableHeader())
  let run
  try {
    run = await runChecks({
      checks,
      agent: values.agent,
      url,
      adminToken: values['admin-token'],
      client: values.client,
      // A mock of our own takes the scenarios as loaded (and validated) from the files.
      ...(mock === undefined ? {} : { loadScenario: async (c) => { mock?.app.scenarios.add(c.scenario.loaded) } }),
      restartClient: values['restart-client'],
      onCheckStart: c => { if (out.isTTY) out.stdout(`${c.name.padEnd(26)} running...\r`) },
      onCheckDone: r => out.stdout(tableRow(r))
    })
  } catch (err) {
    out.stderr(`\ncc-gateway-mock conformance: the run stopped: ${(err as Error).message}\n`)
    return 2
  } finally {
    await mock?.close()
  }
  out.stdout(tableSummary(run.results))
  if (values.junit !== undefined) write(values.junit, junitXml(run.results))
  if (values.html !== undefined) write(values.html, htmlReport(run.results, { agent: values.agent, url, date: new Date().toISOString(), clientOutput: run.clientOutput }))
  return hasFailure(run.results) ? 1 : 0
}
