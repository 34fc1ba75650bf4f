/**
 * `npm run bench [-- options]`: the benchmark of issue #6. See bench/README.md.
 *
 * The bench re-executes itself pinned to the load core (taskset) with a raised open-file limit;
 * every server it starts is pinned to the other core. It always ends by itself: a global time
 * budget, bounded loops, and every child stopped on exit, error or signal.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { BENCH_DIR, ROOT_DIR, WORKLOADS, type Ctx, type Options, type Workload } from './lib/context.js'
import { detectPinning, killAllSync, stopAll, wrapArgv, type Pinning } from './lib/proc.js'
import { summariseProfile, type ProfileSummary } from './lib/profile.js'
import { evaluateGoals, renderMarkdown, type Results } from './lib/report.js'
import { cliEntry, installPeers, peerUnavailable, type PeerId } from './lib/servers.js'
import { runCalls } from './workloads/calls.js'
import { runDay, runInbound } from './workloads/center.js'
import { runHeld, runIdle } from './workloads/scale.js'
import { runStartup } from './workloads/startup.js'
import { runTransfers } from './workloads/transfer.js'
import { runPush } from './workloads/push.js'
import { runThroughput, throughputRows } from './workloads/throughput.js'

const HELP = `Usage: npm run bench -- [options]

  --quick              smoke run for CI: workload a only, ~2 s per row, 1 repetition, no peers;
                       writes bench/results-quick.{md,json}; asserts nothing about speed
  --only a,b,...       workloads to run (a–k; default all). Reference rows always run.
  --peers              also measure WireMock, Prism and Mockoon (installed on demand into bench/peers/)
  --duration S         counted seconds per measurement (default 10)
  --warmup S           warm-up seconds before counting (default 3)
  --reps N             repetitions (default 3); figures are the median with min–max
  --connections N      autocannon connections / concurrent callers (default 50)
  --held-polls N       workload e: agents holding a long poll (default 10000)
  --inject-rate N      workload e: events produced per second (default 1000)
  --idle-agents N      workload f: signed-in idle agents (default 100000)
  --push-agents N      workload j: push-mode agents (default 10000)
  --push-rate N        workload j: events produced per second (default 20000; its capacity
                       phase produces 25 % more)
  --push-down S        workload j: seconds the receiver is down (default 60)
  --profile            run the mock with node --cpu-prof and summarise its hot spots
  --mock-flags="..."   extra cc-gateway-mock flags for the rows of workloads a–c (e.g. to compare
                       '--journal-size 0' alone); recorded in each row's config
  --out PATH           results path without extension (default bench/results)
  --budget S           hard time limit for the whole run (default 2400; quick 120)
  --help
`

function parseOptions (argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      peers: { type: 'boolean' },
      only: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      reps: { type: 'string' },
      connections: { type: 'string' },
      'held-polls': { type: 'string' },
      'inject-rate': { type: 'string' },
      'idle-agents': { type: 'string' },
      'push-agents': { type: 'string' },
      'push-rate': { type: 'string' },
      'push-down': { type: 'string' },
      profile: { type: 'boolean' },
      'mock-flags': { type: 'string' },
      out: { type: 'string' },
      budget: { type: 'string' },
      help: { type: 'boolean' }
    }
  })
  if (values.help === true) { process.stdout.write(HELP); process.exit(0) }
  const quick = values.quick === true
  const num = (name: string, v: string | undefined, dflt: number, min: number, max: number): number => {
    if (v === undefined) return dflt
    const n = Number(v)
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name}: expected a number from ${min} to ${max}, got '${v}'`)
    return n
  }
  let only = new Set<Workload>(quick ? ['a'] : WORKLOADS)
  if (values.only !== undefined) {
    const picked = values.only.split(',').map(s => s.trim().toLowerCase()).filter(s => s !== '')
    const bad = picked.filter(s => !(WORKLOADS as readonly string[]).includes(s))
    if (bad.length > 0) throw new Error(`--only: unknown workload(s) ${bad.join(', ')}; pick from ${WORKLOADS.join(', ')}`)
    only = new Set(picked as Workload[])
  }
  return {
    quick,
    peers: values.peers === true && !quick,
    only,
    duration: num('duration', values.duration, quick ? 2 : 10, 0.5, 600),
    warmup: num('warmup', values.warmup, quick ? 0.5 : 3, 0, 120),
    reps: Math.round(num('reps', values.reps, quick ? 1 : 3, 1, 20)),
    connections: Math.round(num('connections', values.connections, 50, 1, 1000)),
    heldPolls: Math.round(num('held-polls', values['held-polls'], quick ? 500 : 10000, 1, 50000)),
    injectRate: num('inject-rate', values['inject-rate'], 1000, 1, 100000),
    idleAgents: Math.round(num('idle-agents', values['idle-agents'], quick ? 2000 : 100000, 1, 800000)),
    pushAgents: Math.round(num('push-agents', values['push-agents'], quick ? 200 : 10000, 1, 50000)),
    pushRate: num('push-rate', values['push-rate'], quick ? 2000 : 20000, 1, 200000),
    pushDown: num('push-down', values['push-down'], quick ? 2 : 60, 0.5, 600),
    profile: values.profile === true,
    mockFlags: (values['mock-flags'] ?? '').split(/\s+/).filter(f => f !== ''),
    out: values.out ?? join(BENCH_DIR, quick ? 'results-quick' : 'results'),
    budget: num('budget', values.budget, quick ? 120 : 2400, 10, 86400)
  }
}

/** Parent: re-run this script pinned to the load core with a raised fd limit, forward signals, pass on the exit code. */
async function reexecPinned (argv: string[]): Promise<number> {
  const pin = detectPinning()
  const inner = wrapArgv([process.execPath, ...process.execArgv, process.argv[1]!, ...argv], pin.load, pin.setpriv)
  // The inner process is confined to the load core, so it cannot see the pinning itself: pass it on.
  const child = spawn(inner[0]!, inner.slice(1), { stdio: 'inherit', env: { ...process.env, CCGM_BENCH_INNER: '1', CCGM_BENCH_PINNING: JSON.stringify(pin) } })
  const forward = (sig: NodeJS.Signals): void => { child.kill(sig) }
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  return await new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)))
    child.on('error', (err) => { process.stderr.write(`bench: cannot start: ${err.message}\n`); resolve(1) })
  })
}

/** The commit measured, with "+dirty" when src/ has uncommitted changes (the bench builds the work tree). */
function gitDescribe (): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT_DIR, encoding: 'utf8' }).stdout?.trim() ?? ''
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT_DIR, encoding: 'utf8' }).stdout?.trim() ?? ''
  return head === '' ? 'unknown' : `${head}${dirty === '' ? '' : '+dirty'}`
}

async function main (argv: string[]): Promise<number> {
  const opts = parseOptions(argv)
  const t0 = performance.now()
  const pin = JSON.parse(process.env.CCGM_BENCH_PINNING ?? 'null') as Pinning | null ?? detectPinning()
  const notes: string[] = [...pin.warnings]
  const ctx: Ctx = {
    opts,
    pin,
    notes,
    deadline: t0 + opts.budget * 1000,
    log: (line) => { process.stdout.write(`${line}\n`) },
    profileDir: undefined,
    journal: false
  }
  if (!existsSync(join(ROOT_DIR, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (npm run bench does)')
  for (const w of pin.warnings) ctx.log(`WARNING: ${w}`)
  ctx.journal = spawnSync(process.execPath, [join(ROOT_DIR, cliEntry()), '--help'], { encoding: 'utf8', timeout: 30000 }).stdout.includes('--journal-size')
  if (opts.profile) {
    ctx.profileDir = join(BENCH_DIR, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'))
    mkdirSync(ctx.profileDir, { recursive: true })
  }
  notes.push('Other processes may share this machine (e.g. test runs of other sessions): gaps under ~15% between runs are noise; compare rows of the same run only. The "CPU wait" column says how much of each counted run the server and the load generator spent waiting for their core.')
  notes.push('When the load generator cannot saturate the server (high bench CPU wait, server CPU per request × req/s well under one core), req/s ratios are squeezed towards 1: then "server CPU µs/req" is the fairer comparison.')
  notes.push(ctx.journal
    ? 'Default config = info logging (one JSON line per request, to /dev/null) and the request journal on; the "lean" rows use --log-level warn --journal-size 0.'
    : 'Default config = info logging (one JSON line per request, to /dev/null); the "lean" rows use --log-level warn. This build has no request journal.')
  ctx.log(`bench: server CPU ${pin.server ?? '-'}, load CPU ${pin.load ?? '-'}, ${opts.reps} rep(s) × (${opts.warmup} s warm-up + ${opts.duration} s), ${opts.connections} connections, workloads ${[...opts.only].join(',')}${opts.peers ? ' + peers' : ''}`)

  let peers: PeerId[] = []
  if (opts.peers) {
    const why = installPeers(ctx)
    if (why !== undefined) { ctx.log(`peers skipped: ${why}`); notes.push(`peers skipped: ${why}`) } else {
      for (const p of ['wiremock', 'wiremock-lean', 'prism', 'mockoon'] as PeerId[]) {
        const no = peerUnavailable(p)
        if (no === undefined) peers.push(p)
        else { ctx.log(`peer ${p} skipped: ${no}`); notes.push(`peer ${p} skipped: ${no}`) }
      }
    }
  }
  peers = opts.peers ? peers : []

  const partial: Omit<Results, 'goals'> = {
    meta: {
      date: new Date().toISOString(),
      commit: gitDescribe(),
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cpus: cpus().length,
      pinning: { server: pin.server, load: pin.load },
      quick: opts.quick,
      peers: opts.peers,
      workloads: [...opts.only],
      durationS: opts.duration,
      warmupS: opts.warmup,
      reps: opts.reps,
      connections: opts.connections,
      heldPolls: opts.heldPolls,
      injectRate: opts.injectRate,
      idleAgents: opts.idleAgents,
      wallS: 0,
      notes
    },
    throughput: [],
    calls: [],
    profiles: []
  }

  ctx.log('== request rate: references, workloads a–c (default and lean)' + (peers.length > 0 ? ', peers' : ''))
  partial.throughput = await runThroughput(ctx, throughputRows(ctx, peers))
  const refs = partial.throughput.filter(r => r.group === 'reference' && r.summary !== undefined)
  for (const r of refs) {
    const s = r.summary!.rps
    const gap = (s.max - s.min) / s.median
    if (gap > 0.15) notes.push(`reference row ${r.id} varied ${Math.round(gap * 100)}% between repetitions: the machine was busy; treat this run's figures as noisy`)
  }
  if (opts.only.has('d')) {
    ctx.log('== d. complete internal calls')
    partial.calls = await runCalls(ctx, opts.quick ? ['peer'] : ['peer', 'pair'])
  }
  if (opts.only.has('e')) {
    ctx.log(`== e. ${opts.heldPolls} held polls`)
    partial.held = await runHeld(ctx)
  }
  if (opts.only.has('f')) {
    ctx.log(`== f. ${opts.idleAgents} idle agents`)
    partial.idle = await runIdle(ctx)
  }
  if (opts.only.has('h')) {
    ctx.log('== h. customers calling in')
    partial.inbound = await runInbound(ctx)
  }
  if (opts.only.has('i')) {
    ctx.log('== i. a day on the virtual clock')
    partial.day = await runDay(ctx)
  }
  if (opts.only.has('k')) {
    ctx.log('== k. consult transfers')
    partial.transfers = await runTransfers(ctx)
  }
  if (opts.only.has('j')) {
    ctx.log(`== j. push delivery: ${opts.pushAgents} agents, ${opts.pushRate} events/s, receiver down ${opts.pushDown} s`)
    partial.push = await runPush(ctx)
  }
  if (opts.only.has('g')) {
    ctx.log('== g. start to ready')
    partial.startup = await runStartup(ctx)
  }
  await stopAll()
  if (ctx.profileDir !== undefined) {
    const profiles: ProfileSummary[] = []
    for (const f of readdirSync(ctx.profileDir).filter(x => x.endsWith('.cpuprofile')).sort()) {
      try { profiles.push(summariseProfile(join(ctx.profileDir, f))) } catch (err) { notes.push(`profile ${f}: ${(err as Error).message}`) }
    }
    partial.profiles = profiles
  }
  partial.meta.wallS = Math.round((performance.now() - t0) / 1000)
  const results: Results = { ...partial, goals: evaluateGoals(partial) }
  writeFileSync(`${opts.out}.json`, JSON.stringify(results, null, 2) + '\n')
  writeFileSync(`${opts.out}.md`, renderMarkdown(results) + '\n')
  ctx.log('')
  ctx.log('== goals')
  const mark = (v: boolean | null | undefined): string => v === undefined ? '    ' : v === null ? '?   ' : v ? 'met ' : 'MISS'
  for (const g of results.goals) ctx.log(`  ${mark(g.met)} ${g.metByCpu === undefined ? '        ' : `cpu:${mark(g.metByCpu)}`}  ${g.goal}: ${g.measured} (target ${g.target})`)
  ctx.log(`wrote ${opts.out}.md and ${opts.out}.json in ${partial.meta.wallS} s`)
  return 0
}

if (process.env.CCGM_BENCH_INNER === '1') {
  process.on('exit', killAllSync)
  const bail = (sig: string): void => {
    process.stderr.write(`bench: ${sig}: stopping servers\n`)
    stopAll().finally(() => process.exit(130))
  }
  process.on('SIGINT', () => bail('SIGINT'))
  process.on('SIGTERM', () => bail('SIGTERM'))
  main(process.argv.slice(2)).then((code) => {
    process.exit(code)
  }, async (err: Error) => {
    process.stderr.write(`bench: ${err.message}\n`)
    await stopAll().catch(() => {})
    process.exit(1)
  })
} else {
  reexecPinned(process.argv.slice(2)).then(code => process.exit(code), (err: Error) => {
    process.stderr.write(`bench: ${err.message}\n`)
    process.exit(1)
  })
}
