/**
 * Starting the servers under test, each pinned to the server core, timed from spawn to its first
 * 200: the mock (bench/servers/mock.mjs, or the package bin for workload g), the two reference servers
 * and the peers (installed on demand into bench/peers/).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BENCH_DIR, ROOT_DIR, type Ctx } from './context.js'
import { Control, freePort, launch, waitReady, withTimeout, type Managed, type Probe } from './proc.js'
import { NODE_FLAGS } from '../../src/node-flags.js'

export interface Started { m: Managed, port: number, startMs: number, control?: Control }

export const CALLINNER_PATH = '/agentgateway/resource/voicecall/1001/callinner'
export const CALLINNER_BODY = '{"called":"9002"}'
const callinnerProbe: Probe = { method: 'PUT', path: CALLINNER_PATH, body: CALLINNER_BODY }
const readyProbe: Probe = { method: 'GET', path: '/__mock/ready' }

async function started (ctx: Ctx, name: string, argv: string[], probe: Probe, opts: { ipc?: boolean, readyMs?: number, cwd?: string } = {}): Promise<Started> {
  const port = await freePort()
  const args = argv.map(a => a === '{port}' ? String(port) : a)
  const m = launch(name, args, { cpu: ctx.pin.server, setpriv: ctx.pin.setpriv, ipc: opts.ipc, cwd: opts.cwd ?? ROOT_DIR })
  try {
    const startMs = await waitReady(m, port, probe, opts.readyMs ?? 30000)
    return { m, port, startMs }
  } catch (err) {
    await m.stop()
    throw err
  }
}

export async function startRawNode (ctx: Ctx): Promise<Started> {
  return await started(ctx, 'raw node:http', [process.execPath, join(BENCH_DIR, 'servers/raw-node.mjs'), '{port}'], callinnerProbe)
}

export async function startBareFastify (ctx: Ctx): Promise<Started> {
  return await started(ctx, 'bare Fastify', [process.execPath, join(BENCH_DIR, 'servers/bare-fastify.mjs'), '{port}'], callinnerProbe)
}

/** node flags that profile the mock when the bench runs with --profile. */
const profileFlags = (ctx: Ctx, tag: string): string[] => ctx.profileDir === undefined
  ? []
  : ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`, `--cpu-prof-name=${tag}-${Date.now()}.cpuprofile`]

/** The mock with the bench's control channel; `flags` are cc-gateway-mock flags. Node runs with the mock's own flags (src/node-flags.ts), as its bin, `npm start` and the image do. */
export async function startMock (ctx: Ctx, flags: string[], tag = 'mock'): Promise<Started> {
  const s = await started(ctx, `mock (${tag})`, [process.execPath, ...NODE_FLAGS, ...profileFlags(ctx, tag), join(BENCH_DIR, 'servers/mock.mjs'), '--port', '{port}', ...flags], readyProbe, { ipc: true })
  const control = new Control(s.m)
  await withTimeout(control.ready, 10000, 'mock control channel')
  return { ...s, control }
}

/** What `npx cc-gateway-mock` runs: package.json's bin (dist/cli.bundle.js or dist/cli.js), relative to the root. */
export function cliEntry (): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> }
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['cc-gateway-mock']
    if (bin !== undefined && existsSync(join(ROOT_DIR, bin))) return bin.replace(/^\.\//, '')
  } catch { /* fall through */ }
  return 'dist/cli.js'
}

/** The real CLI as installed (package.json bin), for start-to-ready (workload g). */
export async function startCli (ctx: Ctx, flags: string[] = []): Promise<Started> {
  return await started(ctx, 'mock CLI', [process.execPath, ...NODE_FLAGS, ...profileFlags(ctx, 'g-start'), join(ROOT_DIR, cliEntry()), '--port', '{port}', ...flags], readyProbe)
}

// ---- peers ------------------------------------------------------------------------------------

export type PeerId = 'wiremock' | 'wiremock-lean' | 'prism' | 'mockoon'

const PEERS_DIR = join(BENCH_DIR, 'peers')
const STAND_INS = join(BENCH_DIR, 'stand-ins')
const WIREMOCK_JAR = join(PEERS_DIR, 'node_modules/wiremock/build')

export const peerLabels: Record<PeerId, string> = {
  wiremock: 'WireMock (defaults)',
  'wiremock-lean': 'WireMock (lean: no journal, no request log)',
  prism: 'Stoplight Prism',
  mockoon: 'Mockoon CLI'
}

/** Install bench/peers/ (own package.json and lockfile) unless already there. Returns why not, or undefined. */
export function installPeers (ctx: Ctx): string | undefined {
  const marker = ['@stoplight/prism-cli/package.json', '@mockoon/cli/package.json', 'wiremock/package.json']
  if (marker.every(f => existsSync(join(PEERS_DIR, 'node_modules', f)))) return undefined
  ctx.log('installing peers into bench/peers/ (npm install, once) ...')
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PEERS_DIR, stdio: ['ignore', 'inherit', 'inherit'], timeout: 600000 })
  if (r.error !== undefined) return `npm install in bench/peers failed: ${r.error.message}`
  if (r.status !== 0) return `npm install in bench/peers exited ${String(r.status)}`
  return undefined
}

function wiremockJar (): string | undefined {
  const r = spawnSync('bash', ['-c', `ls ${JSON.stringify(WIREMOCK_JAR)}/wiremock-standalone-*.jar 2>/dev/null | head -1`], { encoding: 'utf8' })
  const jar = r.stdout.trim()
  return jar === '' ? undefined : jar
}

/** Why a peer cannot run here, or undefined if it can. */
export function peerUnavailable (peer: PeerId): string | undefined {
  if (peer.startsWith('wiremock')) {
    const java = spawnSync('java', ['-version'], { stdio: 'ignore' })
    if (java.error !== undefined || java.status !== 0) return 'java not found (Debian: apt-get install default-jre-headless)'
    if (wiremockJar() === undefined) return `no wiremock-standalone jar under ${WIREMOCK_JAR}`
    return undefined
  }
  const entry = peer === 'prism' ? '@stoplight/prism-cli/dist/index.js' : '@mockoon/cli/bin/run.js'
  return existsSync(join(PEERS_DIR, 'node_modules', entry)) ? undefined : `${entry} not installed`
}

export async function startPeer (ctx: Ctx, peer: PeerId): Promise<Started> {
  const nm = join(PEERS_DIR, 'node_modules')
  switch (peer) {
    case 'prism':
      return await started(ctx, 'Prism', [process.execPath, join(nm, '@stoplight/prism-cli/dist/index.js'), 'mock', '-h', '127.0.0.1', '-p', '{port}',
        join(STAND_INS, 'callinner.openapi.yaml')], callinnerProbe, { readyMs: 60000, cwd: PEERS_DIR })
    case 'mockoon':
      // -X: log to stdout only (its default also writes a log file under the home directory).
      return await started(ctx, 'Mockoon', [process.execPath, join(nm, '@mockoon/cli/bin/run.js'), 'start', '-d', join(STAND_INS, 'callinner.mockoon.json'),
        '-p', '{port}', '-l', '127.0.0.1', '-X'], callinnerProbe, { readyMs: 60000, cwd: PEERS_DIR })
    case 'wiremock':
    case 'wiremock-lean': {
      const lean = peer === 'wiremock-lean' ? ['--no-request-journal', '--disable-request-logging'] : []
      return await started(ctx, peerLabels[peer], ['java', '-jar', wiremockJar()!, '--port', '{port}', '--bind-address', '127.0.0.1',
        '--root-dir', join(STAND_INS, 'wiremock'), ...lean], callinnerProbe, { readyMs: 90000, cwd: PEERS_DIR })
    }
  }
}
