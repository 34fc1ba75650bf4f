// Workload j's reference: undici alone, as the mock's push sender uses it (a Pool for the origin
// with `--push-connections` 64 connections, dispatch with a bare handler, no timers), POSTing the
// same one-event `eventList` bodies with the same headers to the bench's receiver, round robin
// over the agents, at the steady rate; at most 64 POSTs on the wire, the rest wait in a FIFO
// (as the hub's lane does). No simulator, no queues, no journal: the floor the mock stands on.
// argv: port agents rate ms. Tells the parent {ready} (after a warm-up) then {posts, cpuMs, wallMs} over IPC when all are answered.
import { Pool } from 'undici'

const [port, agents, rate, ms] = process.argv.slice(2).map(Number)
const CONNECTIONS = 64
const origin = `http://127.0.0.1:${port}`
const pool = new Pool(origin, { connections: CONNECTIONS, keepAliveTimeout: 30000, headersTimeout: 0, bodyTimeout: 0 })
const headers = { 'Content-Type': 'application/json; charset=UTF-8', Guid: 'bench-guid', service_token: 'bench' }
const seq = new Map()
/** Agent id, production time pairs waiting for a connection, oldest first from `head` (no Array.shift: a backlog made it quadratic). */
let waiting = []
let head = 0
let onWire = 0
let answered = 0
let sent = 0

class Reader {
  onRequestStart () {}
  onResponseStart () {}
  onResponseData () {}
  onResponseEnd () { answered++; onWire--; pump() }
  onResponseError (_c, err) { process.stderr.write(`${err.message}\n`); answered++; onWire--; pump() }
}

function post (id, t) {
  const s = seq.get(id) ?? 0
  seq.set(id, s + 1)
  const body = t < 0
    ? `{"workNo":"${id}","eventList":[{"eventType":"AgentState_Ready","workNo":"${id}","content":null}]}`
    : `{"workNo":"${id}","eventList":[{"eventType":"Bench_Event","workNo":"${id}","content":{"s":${s},"t":${t}}}]}`
  if (t < 0) seq.set(id, s)
  onWire++
  pool.dispatch({ origin, path: '/cb', method: 'POST', headers, body }, new Reader())
}

function pump () {
  while (onWire < CONNECTIONS && head < waiting.length) {
    post(waiting[head], waiting[head + 1])
    head += 2
  }
  if (head === waiting.length) { waiting = []; head = 0 } else if (head > 65536) { waiting = waiting.slice(head); head = 0 }
}

// Warm-up, as the mock's sign-in events warm its path up: two uncounted POSTs per agent (the
// receiver ignores events other than Bench_Event), all answered before the counted run.
for (let i = 0; i < 2 * agents; i++) waiting.push(String(10000 + (i % agents)), -1)
sent = 2 * agents
pump()
await new Promise(resolve => { const t = setInterval(() => { if (answered >= sent) { clearInterval(t); resolve() } }, 10) })
sent = 0
answered = 0
process.send({ ready: true })
process.once('message', () => {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let next = 0
  const timer = setInterval(() => {
    const elapsed = Math.min(performance.now() - t0, ms)
    const due = Math.floor(elapsed * rate / 1000)
    // Produced now (the time the receiver's latency counts from), sent when a connection frees.
    const t = performance.timeOrigin + performance.now()
    for (; sent < due; sent++) waiting.push(String(10000 + (next++ % agents)), t)
    pump()
    if (elapsed < ms) return
    clearInterval(timer)
    const done = setInterval(() => {
      if (answered < sent) return
      clearInterval(done)
      const cpu = process.cpuUsage(cpu0)
      process.send({ posts: answered, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0 }, () => process.exit(0))
    }, 10)
  }, 1)
})
