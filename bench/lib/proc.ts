/**
 * Child processes of the bench: servers pinned to the server core (taskset), with a raised open-file
 * limit (ulimit -n) and a parent-death signal (setpriv), so none outlives the bench even if it is
 * killed. Every child is registered and stopped on exit, error or signal.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export interface Pinning {
  /** CPU list for servers (taskset -c), undefined = not pinned. */
  server: string | undefined
  /** CPU list for the load generator (the bench itself). */
  load: string | undefined
  warnings: string[]
  setpriv: boolean
}

function has (cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' })
  return r.error === undefined && r.status === 0
}

/** CPUs this process may run on, from /proc/self/status (e.g. "0-1" → [0, 1]). */
export function allowedCpus (): number[] {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find(l => l.startsWith('Cpus_allowed_list:'))
    const list = line?.split(':')[1]?.trim() ?? ''
    const out: number[] = []
    for (const part of list.split(',')) {
      const [a, b] = part.split('-').map(Number)
      if (a === undefined || Number.isNaN(a)) continue
      for (let c = a; c <= (b ?? a); c++) out.push(c)
    }
    return out
  } catch {
    return []
  }
}

export function detectPinning (): Pinning {
  const warnings: string[] = []
  const setpriv = has('setpriv', ['--version'])
  if (!has('taskset', ['-V'])) {
    warnings.push('taskset (util-linux) not found: server and load generator are NOT pinned to separate cores; figures mix both on every core')
    return { server: undefined, load: undefined, warnings, setpriv }
  }
  const cpus = allowedCpus()
  if (cpus.length < 2) {
    warnings.push(`only ${cpus.length} CPU allowed: server and load generator share it; figures are lower than on two cores`)
    return { server: undefined, load: undefined, warnings, setpriv }
  }
  return { server: String(cpus[0]), load: String(cpus[1]), warnings, setpriv }
}

/** The shell prefix that raises the open-file limit, then execs the rest (the pid stays the server's). */
const RAISE_NOFILE = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"'

export function wrapArgv (argv: string[], cpu: string | undefined, setpriv: boolean): string[] {
  const pinned = cpu === undefined ? argv : ['taskset', '-c', cpu, ...argv]
  const guarded = setpriv ? ['setpriv', '--pdeathsig', 'KILL', '--', ...pinned] : pinned
  return ['bash', '-c', RAISE_NOFILE, 'bench-child', ...guarded]
}

export interface Managed {
  name: string
  child: ChildProcess
  pid: number
  /** performance.now() just before spawn. */
  spawnedAt: number
  /** Last few KB of stderr, for error messages. */
  stderr: () => string
  exited: Promise<number | null>
  stop: () => Promise<void>
}

const live = new Set<Managed>()

/** `p`, or a rejection after `ms` (the timer is cleared either way). */
export async function withTimeout<T> (p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms) })
  try { return await Promise.race([p, late]) } finally { clearTimeout(timer) }
}

export interface LaunchOptions {
  cpu: string | undefined
  setpriv: boolean
  ipc?: boolean
  cwd?: string
  env?: NodeJS.ProcessEnv
}

export function launch (name: string, argv: string[], opts: LaunchOptions): Managed {
  const full = wrapArgv(argv, opts.cpu, opts.setpriv)
  const spawnedAt = performance.now()
  const child = spawn(full[0]!, full.slice(1), {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe', ...(opts.ipc === true ? ['ipc' as const] : [])]
  })
  let tail = ''
  child.stderr?.on('data', (d: Buffer) => { tail = (tail + d.toString()).slice(-4000) })
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.once('error', () => resolve(null))
  })
  const m: Managed = {
    name,
    child,
    pid: child.pid ?? -1,
    spawnedAt,
    stderr: () => tail,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const done = await withTimeout(exited, 5000, name).then(() => true, () => false)
        if (!done) { child.kill('SIGKILL'); await withTimeout(exited, 2000, name).catch(() => {}) }
      }
      live.delete(m)
    }
  }
  exited.then(() => live.delete(m), () => live.delete(m))
  live.add(m)
  return m
}

/** Stop every child still running (used on the way out, also after errors). */
export async function stopAll (): Promise<void> {
  await Promise.all([...live].map(async m => await m.stop()))
}

/** Last resort on process exit: synchronous SIGKILL. */
export function killAllSync (): void {
  for (const m of live) {
    try { m.child.kill('SIGKILL') } catch { /* gone */ }
  }
  live.clear()
}

/** VmRSS of a process in MB, or NaN if it cannot be read. */
export function rssMb (pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find(l => l.startsWith('VmRSS:'))
    const kb = Number(line?.replace(/[^0-9]/g, ''))
    return kb / 1024
  } catch {
    return Number.NaN
  }
}

/**
 * Milliseconds the process's main thread has spent waiting for a CPU while runnable (second field
 * of /proc/<pid>/schedstat): time other processes took from it. NaN if unreadable.
 */
export function cpuWaitMs (pid: number | 'self'): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6
  } catch {
    return Number.NaN
  }
}

let clockTicks: number | undefined
/** CPU time (user + system, all threads) a process has used, in ms, from /proc/<pid>/stat. */
export function cpuTimeMs (pid: number): number {
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 1000 / clockTicks
  } catch {
    return Number.NaN
  }
}

/**
 * The machine's CPU time so far from /proc/stat's `cpu` line, in clock ticks: `steal` is the time
 * a virtual machine's CPUs wanted to run while the host ran something else, `total` all of it.
 */
export function machineTicks (): { steal: number, total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number)
    return { steal: v[7] ?? 0, total: v.reduce((a, b) => a + b, 0) }
  } catch {
    return { steal: Number.NaN, total: Number.NaN }
  }
}

/**
 * A window of wall-clock time: how much CPU the server used in it, which share of it the server
 * and the bench spent waiting for their CPU (taken by other processes on the machine), and which
 * share of the machine's CPU time the host took away (steal; 0 on bare metal).
 */
export class CpuWindow {
  private readonly t0 = performance.now()
  private readonly s0: number
  private readonly c0: number
  private readonly b0 = cpuWaitMs('self')
  private readonly m0 = machineTicks()
  constructor (private readonly pid: number) {
    this.s0 = cpuWaitMs(pid)
    this.c0 = cpuTimeMs(pid)
  }

  read (): { waitServer: number, waitBench: number, serverCpuMs: number, wallMs: number, stealPct: number } {
    const wall = performance.now() - this.t0
    const m = machineTicks()
    return {
      waitServer: (cpuWaitMs(this.pid) - this.s0) / wall * 100,
      waitBench: (cpuWaitMs('self') - this.b0) / wall * 100,
      serverCpuMs: cpuTimeMs(this.pid) - this.c0,
      wallMs: wall,
      // NaN where /proc/stat cannot be read (not "no steal").
      stealPct: m.total > this.m0.total ? (m.steal - this.m0.steal) / (m.total - this.m0.total) * 100 : m.total === this.m0.total ? 0 : Number.NaN
    }
  }
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}

export interface Probe { method: string, path: string, body?: string }

function probeOnce (port: number, probe: Probe): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: probe.method,
      path: probe.path,
      agent: false,
      headers: probe.body === undefined ? { connection: 'close' } : { connection: 'close', 'content-type': 'application/json', 'content-length': Buffer.byteLength(probe.body) },
      timeout: 1000
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(0))
    req.end(probe.body)
  })
}

/**
 * Poll until the probe answers 200; returns ms from spawn to that answer. Throws (with the child's
 * stderr) if the child exits or the deadline passes.
 */
export async function waitReady (m: Managed, port: number, probe: Probe, deadlineMs = 30000): Promise<number> {
  let exited = false
  m.exited.then(() => { exited = true }, () => { exited = true })
  for (let i = 0; i < 100000; i++) {
    if (exited) throw new Error(`${m.name} exited before it was ready: ${m.stderr().trim().slice(-600)}`)
    if (performance.now() - m.spawnedAt > deadlineMs) throw new Error(`${m.name} not ready after ${deadlineMs} ms: ${m.stderr().trim().slice(-600)}`)
    const status = await probeOnce(port, probe)
    if (status === 200) return performance.now() - m.spawnedAt
    await sleep(status === 0 ? 5 : 20)
  }
  throw new Error(`${m.name}: readiness loop exhausted`)
}

/** Request/response over the IPC channel of a child started with `ipc: true` (bench/servers/mock.mjs). */
export class Control {
  private seq = 0
  private readonly pending = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>()
  readonly ready: Promise<{ url: string }>

  constructor (private readonly m: Managed) {
    this.ready = new Promise((resolve, reject) => {
      m.child.on('message', (msg: { ready?: boolean, url?: string, id?: number, ok?: boolean, result?: unknown, error?: string }) => {
        if (msg.ready === true) { resolve({ url: msg.url ?? '' }); return }
        const p = msg.id === undefined ? undefined : this.pending.get(msg.id)
        if (p === undefined) return
        this.pending.delete(msg.id!)
        if (msg.ok === true) p.resolve(msg.result)
        else p.reject(new Error(msg.error ?? 'control command failed'))
      })
      m.exited.then(() => {
        const err = new Error(`${m.name} exited: ${m.stderr().trim().slice(-600)}`)
        reject(err)
        for (const p of this.pending.values()) p.reject(err)
        this.pending.clear()
      })
    })
    this.ready.catch(() => {})
  }

  async send<T> (cmd: Record<string, unknown>, timeoutMs = 30000): Promise<T> {
    const id = ++this.seq
    const answer = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.m.child.send({ ...cmd, id }, (err) => { if (err !== null) { this.pending.delete(id); reject(err) } })
    })
    return await withTimeout(answer, timeoutMs, `control ${String(cmd.cmd)}`) as T
  }
}

export interface MockStats {
  agents: number
  holding: number
  queued: number
  minQueue: number
  maxQueue: number
  calls: number
  rssKb: number
  heapUsedKb: number
  loopDelayP99Ms: number
  loopDelayMaxMs: number
  gcCount: number
  gcTotalMs: number
  gcMaxMs: number
}
