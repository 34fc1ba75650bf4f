/**
 * Soak test (issue #7): `npm run soak -- --minutes N` starts the mock in a child process on
 * 127.0.0.1 and drives a mixed, realistic load at it for N minutes: agents signing in (and out,
 * and in again, some forced), long-polling, changing state, calling simulated peers, external
 * numbers and each other, answering, holding, releasing, with fault rules armed and cleared on the
 * way and the control API read now and then. It prints the child's memory at start, after warm-up,
 * every minute and at the end, and exits 1 if the resident set grew by more than --max-growth-mb
 * after warm-up (or if any answer was malformed or a 5xx). It stops by itself.
 *
 * Push agents (issue #12) run beside them: signed in with a callback to a receiver in this process
 * that fails half of the POSTs (HTTP 500), changing state and handshaking. At the end the receiver
 * accepts again and every push agent must have delivered every event it produced, in order, none
 * dropped or discarded (the queue cap is never reached): every numbered event the harness injected,
 * and the last events its history holds.
 *
 * Then a hostile phase (issue #16, --hostile-s, default a quarter of the run up to 120 s): key-bomb
 * sign-ins and a non-polling agent under 900 KB injections; it fails if RSS grows by more than
 * --max-growth-mb from the end of the phase's first third to its end.
 *
 *   npm run soak -- --minutes 10 [--agents 12] [--push-agents 4] [--max-growth-mb 64] [--warmup-s 60] [--poll-wait-ms 2000] [--hostile-s 120]
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { NODE_FLAGS } from '../src/node-flags.js'

interface Mem { rss: number, heapUsed: number, heapTotal: number, external: number }
type FromChild = { url: string } | { mem: Mem, id: number }

const MB = 1024 * 1024
const mb = (n: number): string => `${(n / MB).toFixed(1)} MB`

// ---- child: the mock ---------------------------------------------------------------------------

async function child (pollWaitMs: number): Promise<void> {
  const { startServer } = await import('../src/server.js')
  const s = await startServer({ host: '127.0.0.1', port: 0, logLevel: 'error', pollWaitMs, pushRetryIntervalMs: 200 })
  const send = (m: FromChild): void => { process.send?.(m) }
  process.on('message', (m: { cmd: string, id?: number }) => {
    if (m.cmd === 'mem') {
      // Collect first (node --expose-gc), so heapUsed is what is really kept.
      (globalThis as { gc?: () => void }).gc?.()
      const u = process.memoryUsage()
      send({ mem: { rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external }, id: m.id ?? 0 })
    } else if (m.cmd === 'stop') {
      s.close().then(() => process.exit(0), () => process.exit(1))
    }
  })
  send({ url: s.url })
}

// ---- parent: the load --------------------------------------------------------------------------

interface Answer { status: number, body: Record<string, unknown> | undefined, headers: Record<string, string | string[] | undefined> }

class Load {
  readonly keepAlive = new Agent({ keepAlive: true, maxSockets: 96 })
  requests = 0
  readonly retcodes = new Map<string, number>()
  readonly problems: string[] = []
  stopping = false

  constructor (readonly base: string) {}

  send (method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer | undefined> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    return new Promise((resolve) => {
      const req = request(`${this.base}${path}`, {
        method,
        agent: this.keepAlive,
        headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }) }
      }, (res) => {
        let data = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => { data += c })
        res.on('end', () => {
          this.requests++
          let parsed: Record<string, unknown> | undefined
          try { parsed = JSON.parse(data) as Record<string, unknown> } catch { parsed = undefined }
          const status = res.statusCode ?? 0
          if (status >= 500 || parsed === undefined) this.problem(`${method} ${path} → ${status} ${data.slice(0, 120)}`)
          if (path.startsWith('/agentgateway/')) {
            const rc = String(parsed?.retcode)
            this.retcodes.set(rc, (this.retcodes.get(rc) ?? 0) + 1)
            if (status !== 200 || typeof parsed?.retcode !== 'string') this.problem(`${method} ${path} → ${status} ${data.slice(0, 120)}`)
          }
          resolve({ status, body: parsed, headers: res.headers })
        })
        res.on('error', (err) => { this.problem(`${method} ${path}: ${err.message}`); resolve(undefined) })
      })
      req.on('error', (err) => { if (!this.stopping) this.problem(`${method} ${path}: ${err.message}`); resolve(undefined) })
      if (payload !== undefined) req.write(payload)
      req.end()
    })
  }

  problem (p: string): void { if (this.problems.length < 50) this.problems.push(p) }
}

const GW = '/agentgateway/resource'
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!
const pause = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** One simulated agent desktop: a poller and an operator, like a real client. */
async function desk (load: Load, ids: string[], others: string[], until: number): Promise<void> {
  let id = ids[0]!
  let guid = ''
  const signIn = async (force = false): Promise<void> => {
    const body = { password: '', phonenum: `7${id}`, autoanswer: Math.random() < 0.7, autoenteridle: Math.random() < 0.8, status: pick([4, 4, 4, 3, 5]) }
    let a = await load.send('PUT', `${GW}/onlineagent/${id}${force ? '/forcelogin' : ''}`, {}, body)
    if (a?.body?.retcode === '100-002') a = await load.send('PUT', `${GW}/onlineagent/${id}/forcelogin`, {}, body)
    const g = a?.headers['set-guid']
    if (typeof g === 'string') guid = g.replace('JSESSIONID=', '')
  }
  const gw = async (method: string, path: string, body?: unknown): Promise<string> => {
    const a = await load.send(method, `${GW}${path}`, { guid }, body)
    const rc = String(a?.body?.retcode ?? '')
    const g = a?.headers['set-guid']
    if (typeof g === 'string') guid = g.replace('JSESSIONID=', '')
    // Recover like a client would: signed out (inactivity, forced) or GUID expired.
    if (rc === '100-006') await signIn()
    else if (rc === '000-003') await signIn(true)
    return rc
  }
  const state = { polling: false }
  let poller: Promise<void> = Promise.resolve()
  const startPolling = (): void => {
    state.polling = true
    const me = id
    poller = (async () => { while (state.polling && Date.now() < until) await gw('GET', `/agentevent/${me}`) })()
  }
  await signIn()
  startPolling()
  while (Date.now() < until) {
    await pause(20 + Math.random() * 120)
    const r = Math.random()
    if (r < 0.15) await gw('PUT', `/voicecall/${id}/callinner`, { called: pick(['9001', '9002', '9003', '9004', '9005', '9007', ...others]) })
    else if (r < 0.23) await gw('PUT', `/voicecall/${id}/callout`, { called: pick(['5550100', '5550101', '5550103', '5550104', '5550105', '5551234']), callappdata: 'x'.repeat(Math.floor(Math.random() * 300)) })
    else if (r < 0.30) await gw('PUT', `/voicecall/${id}/answer`)
    else if (r < 0.42) await gw('DELETE', `/voicecall/${id}/release`)
    else if (r < 0.47) await gw('POST', `/voicecall/${id}/hold`)
    else if (r < 0.52) await gw('POST', `/voicecall/${id}/gethold`)
    else if (r < 0.62) await gw('POST', `/onlineagent/${id}/${pick(['saybusy', 'cancelbusy', 'sayfree', 'work', 'cancelwork', 'cancelrest'])}`)
    else if (r < 0.66) await gw('POST', `/onlineagent/${id}/rest/${pick([1, 5, 30])}/${pick([0, 3])}`)
    else if (r < 0.76) await gw('GET', `/onlineagent/${id}/agentstatus`)
    else if (r < 0.80) await gw('GET', `/calldata/${id}/callinfo`)
    else if (r < 0.83) await gw('POST', `/onlineagent/${id}/handshake`)
    else if (r < 0.85) await gw('GET', `/onlineagent/${id}/agentskills`)
    else if (r < 0.88) {
      // Sign out (forced when in a call) and come back, often as another agent id.
      if (await gw('DELETE', `/onlineagent/${id}/logout`) === '100-010') await gw('DELETE', `/onlineagent/${id}/forcelogout`)
      state.polling = false
      await poller
      id = pick(ids)
      await signIn()
      startPolling()
    } else await gw('GET', `/agentevent/${id}`)
  }
  state.polling = false
  await poller
}

/** The push receiver: fails half of the POSTs while `flaky`, records what it accepted per agent. */
class FlakyReceiver {
  flaky = true
  failed = 0
  readonly accepted = new Map<string, string[]>()
  /** The `service_token` of the last POST per agent (failed or not). */
  readonly tokens = new Map<string, string>()
  readonly server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => { body += c })
    req.on('end', () => {
      const workNo = /"workNo":"([^"]*)"/.exec(body)?.[1]
      if (workNo !== undefined) this.tokens.set(workNo, String(req.headers.service_token))
      if (this.flaky && Math.random() < 0.5) {
        this.failed++
        res.writeHead(500).end()
        return
      }
      const b = JSON.parse(body) as { workNo: string, eventList: Array<{ eventType: string, content: unknown }> }
      const list = this.accepted.get(b.workNo) ?? []
      for (const e of b.eventList) list.push(JSON.stringify([e.eventType, e.content]))
      this.accepted.set(b.workNo, list)
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"message":"success","retcode":"0"}')
    })
  })

  async start (): Promise<string> {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/push`
  }
}

/**
 * A push-mode agent desktop: signs in with a callback, changes state, handshakes (now and then
 * with a new service_token, kept in `tokens` once taken); never polls. Beside it the harness injects numbered events
 * (`Soak_Seq`, content `{n}`), counted in `injected` when the mock took them: the receiver must
 * get every one, in order.
 */
async function pushDesk (load: Load, id: string, url: string, until: number, injected: Map<string, number>, tokens: Map<string, string>): Promise<void> {
  const a = await load.send('PUT', `${GW}/onlineagent/${id}/forcelogin`, {}, { password: '', phonenum: `7${id}`, callBackUri: url, serviceToken: `soak${id}` })
  const guid = String(a?.headers['set-guid'] ?? '').replace('JSESSIONID=', '')
  let refreshed = 0
  tokens.set(id, `soak${id}`)
  while (Date.now() < until) {
    await pause(50 + Math.random() * 150)
    const r = Math.random()
    if (r < 0.1) await load.send('POST', `${GW}/onlineagent/${id}/handshake`, { guid })
    else if (r < 0.2) {
      const token = `soak${id}t${++refreshed}`
      const a = await load.send('POST', `${GW}/onlineagent/${id}/handshake`, { guid, service_token: token })
      if (a?.body?.retcode === '0') tokens.set(id, token)
    } else if (r < 0.35) await load.send('POST', `${GW}/onlineagent/${id}/rest/${pick([1, 5])}/0`, { guid })
    else await load.send('POST', `${GW}/onlineagent/${id}/${pick(['sayfree', 'work', 'cancelwork', 'cancelrest'])}`, { guid })
    const n = injected.get(id) ?? 0
    const sent = await load.send('POST', `/__mock/agents/${id}/events`, {}, { eventType: 'Soak_Seq', content: { n } })
    if (sent?.status === 200) injected.set(id, n + 1)
    else load.problem(`push agent ${id}: injecting event ${n} → ${sent?.status ?? 'no answer'}`)
  }
}

/**
 * Receiver back to accepting: every push agent's events must arrive, in order, none dropped or
 * discarded: all its numbered events (`injected`), and its last events as its history has them.
 */
async function checkPush (load: Load, receiver: FlakyReceiver, ids: string[], injected: Map<string, number>, tokens: Map<string, string>): Promise<string[]> {
  receiver.flaky = false
  const problems: string[] = []
  const deadline = Date.now() + 15000
  for (const id of ids) {
    let status: Record<string, number> | undefined
    for (;;) {
      status = (await load.send('GET', `/__mock/agents/${id}/push`))?.body?.push as Record<string, number> | undefined
      if (status?.pending === 0 || Date.now() > deadline) break
      await pause(100)
    }
    if (status === undefined) { problems.push(`push agent ${id}: no push status`); continue }
    if (status.pending !== 0) problems.push(`push agent ${id}: ${status.pending} events still waiting`)
    if (status.dropped !== 0) problems.push(`push agent ${id}: ${status.dropped} events dropped below the cap`)
    if (status.discarded !== 0) problems.push(`push agent ${id}: ${status.discarded} events discarded`)
    if (receiver.tokens.get(id) !== tokens.get(id)) problems.push(`push agent ${id}: the last POST carried service_token ${receiver.tokens.get(id)}, the last handshake brought ${tokens.get(id)}`)
    const got = receiver.accepted.get(id) ?? []
    const seq = got.map(e => JSON.parse(e) as [string, { n: number }]).filter(([type]) => type === 'Soak_Seq').map(([, c]) => c.n)
    const want = injected.get(id) ?? 0
    if (want === 0) problems.push(`push agent ${id}: no numbered event was injected`)
    const firstWrong = seq.findIndex((n, i) => n !== i)
    if (seq.length !== want || firstWrong >= 0) problems.push(`push agent ${id}: ${want} numbered events injected, ${seq.length} received${firstWrong >= 0 ? `, the ${firstWrong}th is ${seq[firstWrong]}` : ''}`)
    if (got.length !== status.delivered) problems.push(`push agent ${id}: receiver accepted ${got.length}, the mock counted ${status.delivered} delivered`)
    const history = ((await load.send('GET', `/__mock/agents/${id}/history`))?.body?.events ?? []) as Array<{ eventType: string, content: unknown }>
    const last = history.map(e => JSON.stringify([e.eventType, e.content]))
    if (JSON.stringify(got.slice(-last.length)) !== JSON.stringify(last)) problems.push(`push agent ${id}: the last ${last.length} events received differ from the events produced`)
  }
  return problems
}

/** The test harness side: faults, control API reads, journal queries. */
async function operator (load: Load, until: number): Promise<void> {
  const ops = ['callInner', 'callout', 'sayBusy', 'getAgentEvent', 'answer', 'release', 'getAgentStatus']
  let round = 0
  while (Date.now() < until) {
    await pause(1000)
    round++
    if (round % 5 === 0) {
      await load.send('POST', '/__mock/faults', {}, pick([
        { match: { operation: pick(ops) }, fire: { probability: 0.05 }, action: { retcode: pick(['100-007', '000-004']) } },
        { match: { operation: 'getAgentEvent' }, fire: { times: 3 }, action: { dropNextEvent: true } },
        { match: { operation: 'getAgentEvent' }, fire: { times: 3 }, action: { duplicateNextEvent: true } },
        { match: { operation: pick(ops) }, fire: { times: 1 }, action: { expireGuid: true } },
        { match: { operation: pick(ops) }, fire: { times: 1 }, action: { forceSignOut: true } },
        { match: { operation: 'getAgentStatus' }, fire: { probability: 0.2 }, action: { delayMs: [5, 50] } }
      ]))
    }
    if (round % 31 === 0) await load.send('DELETE', '/__mock/faults')
    await load.send('GET', pick(['/__mock/agents', '/__mock/calls?all=true', '/__mock/journal?limit=50', '/__mock/journal/count?retcode=0', '/__mock/ready', '/__mock/faults', '/__mock/scenarios']))
    if (round % 7 === 0) await load.send('POST', '/__mock/journal/verify', {}, { match: { operation: 'callInner' }, atLeast: 1 })
  }
  await load.send('DELETE', '/__mock/faults')
}

/**
 * The hostile phase (issue #16): sign-ins with key-bomb bodies (60,000 keys each, no credential
 * needed) and a signed-in agent that never polls under 900 KB event injections (kept alive by
 * handshakes). Journal, queue and history bounds must keep the resident set flat.
 */
async function hostile (load: Load, until: number): Promise<number> {
  const bomb: Record<string, string> = { password: '', phonenum: '7' }
  for (let i = 0; i < 60000; i++) bomb[`k${i}`] = 'v'
  const blob = 'x'.repeat(900 * 1024)
  const login = await load.send('PUT', `${GW}/onlineagent/3999/forcelogin`, {}, { password: '', phonenum: '73999' })
  let guid = String(login?.headers['set-guid'] ?? '').replace('JSESSIONID=', '')
  let rounds = 0
  while (Date.now() < until) {
    await load.send('PUT', `${GW}/onlineagent/${3000 + (rounds % 50)}/forcelogin`, {}, bomb)
    await load.send('POST', '/__mock/agents/3999/events', {}, { eventType: 'Soak_Big', content: { blob } })
    const shake = await load.send('POST', `${GW}/onlineagent/3999/handshake`, { guid })
    if (shake?.body?.retcode !== '0') guid = String((await load.send('PUT', `${GW}/onlineagent/3999/forcelogin`, {}, { password: '', phonenum: '73999' }))?.headers['set-guid'] ?? '').replace('JSESSIONID=', '')
    if (rounds % 10 === 0) await load.send('GET', '/__mock/journal?limit=100')
    rounds++
  }
  return rounds
}

async function parent (): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      agents: { type: 'string', default: '12' },
      'push-agents': { type: 'string', default: '4' },
      'max-growth-mb': { type: 'string', default: '64' },
      'warmup-s': { type: 'string' },
      'poll-wait-ms': { type: 'string', default: '2000' },
      'hostile-s': { type: 'string' }
    }
  })
  const minutes = Number(values.minutes)
  const agents = Number(values.agents)
  const maxGrowth = Number(values['max-growth-mb']) * MB
  const warmupMs = values['warmup-s'] === undefined ? Math.min(60000, minutes * 60000 / 4) : Number(values['warmup-s']) * 1000
  if (!(minutes > 0) || !(agents > 0)) throw new Error('--minutes and --agents must be positive numbers')

  const self = fileURLToPath(import.meta.url)
  const proc: ChildProcess = fork(self, ['--child', '--poll-wait-ms', String(values['poll-wait-ms'])], {
    // The mock's own Node flags, as its bin and image run it: the memory measured is the shipped one's.
    execArgv: ['--expose-gc', ...NODE_FLAGS, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const url = await new Promise<string>((resolve, reject) => {
    proc.once('message', (m: FromChild) => { if ('url' in m) resolve(m.url) })
    proc.once('exit', (code) => reject(new Error(`the mock exited (${String(code)}) before it listened`)))
  })
  let memId = 0
  const mem = (): Promise<Mem> => new Promise((resolve) => {
    const id = ++memId
    const on = (m: FromChild): void => { if ('mem' in m && m.id === id) { proc.off('message', on); resolve(m.mem) } }
    proc.on('message', on)
    proc.send({ cmd: 'mem', id })
  })
  const started = Date.now()
  const line = (label: string, m: Mem, load?: Load): void => {
    const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4)
    console.log(`[${t} s] ${label.padEnd(10)} rss ${mb(m.rss).padStart(9)}  heapUsed ${mb(m.heapUsed).padStart(9)}  heapTotal ${mb(m.heapTotal).padStart(9)}${load === undefined ? '' : `  requests ${load.requests}`}`)
  }

  console.log(`soak: ${minutes} min, ${agents} agent desktops, mock at ${url} (pid ${proc.pid ?? '?'}), warm-up ${warmupMs / 1000} s, max growth ${values['max-growth-mb']} MB`)
  const start = await mem()
  line('start', start)
  const load = new Load(url)
  const until = started + minutes * 60000
  const idPool = Array.from({ length: agents * 4 }, (_, i) => String(4001 + i))
  const receiver = new FlakyReceiver()
  const pushUrl = await receiver.start()
  const pushIds = Array.from({ length: Number(values['push-agents']) }, (_, i) => String(5001 + i))
  const injected = new Map<string, number>()
  const tokens = new Map<string, string>()
  const pushDesks = pushIds.map(id => pushDesk(load, id, pushUrl, until, injected, tokens))
  const desks = Array.from({ length: agents }, (_, i) => {
    const mine = idPool.filter((_, j) => j % agents === i)
    const others = idPool.filter((_, j) => j % agents !== i).slice(0, 6)
    return desk(load, mine, others, until)
  })
  const op = operator(load, until)

  let warm: Mem | undefined
  const samples: Mem[] = []
  const sampler = (async () => {
    await pause(Math.min(warmupMs, until - Date.now()))
    warm = await mem()
    line('warm', warm, load)
    // Then on each whole minute still to come.
    let next = started + 60000 * Math.ceil((Date.now() - started + 1000) / 60000)
    while (Date.now() < until) {
      await pause(Math.max(0, Math.min(next, until) - Date.now()))
      if (Date.now() >= until) break
      const m = await mem()
      samples.push(m)
      line(`${Math.round((Date.now() - started) / 60000)} min`, m, load)
      next += 60000
    }
  })()
  await Promise.all([...desks, ...pushDesks, op, sampler])
  const pushProblems = await checkPush(load, receiver, pushIds, injected, tokens)
  const pushDelivered = [...receiver.accepted.values()].reduce((n, l) => n + l.length, 0)
  receiver.server.close()

  // The hostile phase: RSS after its first third against its end.
  const hostileMs = (values['hostile-s'] === undefined ? Math.min(120, minutes * 60 / 4) : Number(values['hostile-s'])) * 1000
  const hostileUntil = Date.now() + hostileMs
  let hostileGrowth = 0
  if (hostileMs > 0) {
    console.log(`soak: hostile phase for ${hostileMs / 1000} s: key-bomb sign-ins, a non-polling agent under 900 KB injections`)
    const rounds = hostile(load, hostileUntil)
    await pause(hostileMs / 3)
    const hWarm = await mem()
    line('hostile', hWarm, load)
    const n = await rounds
    const hEnd = await mem()
    line('hostile end', hEnd, load)
    hostileGrowth = hEnd.rss - hWarm.rss
    console.log(`soak: hostile phase: ${n} rounds (${n} key bombs of 60,000 keys, ${n} injections of 900 KB = ${(n * 0.9).toFixed(0)} MB); RSS growth after its first third ${mb(hostileGrowth)}`)
  }
  load.stopping = true
  // Let held polls run out, then measure.
  await pause(Number(values['poll-wait-ms']) + 200)
  const end = await mem()
  line('end', end, load)
  load.keepAlive.destroy()
  proc.send({ cmd: 'stop' })
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => { proc.kill('SIGKILL'); resolve() }, 15000)
    proc.once('exit', () => { clearTimeout(kill); resolve() })
  })

  const base = warm ?? start
  const growth = end.rss - base.rss
  const top = [...load.retcodes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ')
  console.log(`soak: ${load.requests} requests in ${((Date.now() - started) / 1000).toFixed(0)} s (${(load.requests / ((Date.now() - started) / 1000)).toFixed(0)}/s); gateway retcodes: ${top}`)
  console.log(`soak: RSS start ${mb(start.rss)}, after warm-up ${mb(base.rss)}, end ${mb(end.rss)} (growth after warm-up ${mb(growth)}); heapUsed after warm-up ${mb(base.heapUsed)}, end ${mb(end.heapUsed)}`)
  let failed = false
  if (hostileGrowth > maxGrowth) { console.error(`soak: FAIL — RSS grew by ${mb(hostileGrowth)} during the hostile phase (limit ${mb(maxGrowth)})`); failed = true }
  if (growth > maxGrowth) { console.error(`soak: FAIL — RSS grew by ${mb(growth)} after warm-up (limit ${mb(maxGrowth)})`); failed = true }
  if (load.problems.length > 0) { console.error(`soak: FAIL — ${load.problems.length} malformed answers or errors, e.g.:\n  ${load.problems.slice(0, 10).join('\n  ')}`); failed = true }
  if (load.requests === 0) { console.error('soak: FAIL — no request was answered'); failed = true }
  const numbered = [...injected.values()].reduce((n, k) => n + k, 0)
  console.log(`soak: push: ${pushIds.length} agents, ${pushDelivered} events delivered (${numbered} numbered, all checked in order), ${receiver.failed} POSTs failed by the receiver and retried`)
  if (pushProblems.length > 0) { console.error(`soak: FAIL — push:\n  ${pushProblems.join('\n  ')}`); failed = true }
  if (pushIds.length > 0 && (pushDelivered === 0 || receiver.failed === 0)) { console.error('soak: FAIL — the push agents delivered nothing or never failed'); failed = true }
  console.log(failed ? 'soak: failed' : 'soak: ok — memory flat, every answer well-formed, every push event delivered in order')
  process.exit(failed ? 1 : 0)
}

if (process.argv.includes('--child')) {
  const i = process.argv.indexOf('--poll-wait-ms')
  await child(i >= 0 ? Number(process.argv[i + 1]) : 2000)
} else await parent()
