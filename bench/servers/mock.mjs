/**
 * The mock as the bench runs it for workloads a–f: exactly what `dist/cli.js` serves (same option
 * parsing, same `startServer`), plus a control channel over Node IPC that the bench uses to read
 * the simulator's counters (held polls, queue lengths) and to pre-fill event queues for workload c
 * through the simulator's own state changes (sayBusy/cancelBusy), so no HTTP load is spent on it.
 * Workload g (start time) runs `dist/cli.js` itself. Usage: node mock.mjs [cc-gateway-mock flags]
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { parseConfig } from '../../dist/config.js'
import { startServer } from '../../dist/server.js'

const parsed = parseConfig(process.argv.slice(2), process.env)
if (!parsed.ok) {
  process.stderr.write(`mock.mjs: ${parsed.errors.join('; ')}\n`)
  process.exit(2)
}
const running = await startServer(parsed.config)
const sim = running.app.simulator
// Event-loop delay of the server: tells a stalled server (GC, synchronous work) from a slow client.
const loopDelay = monitorEventLoopDelay({ resolution: 5 })
loopDelay.enable()
// Garbage-collection pauses, the usual cause of a stalled loop.
let gc = { count: 0, totalMs: 0, maxMs: 0 }
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++
    gc.totalMs += e.duration
    if (e.duration > gc.maxMs) gc.maxMs = e.duration
  }
}).observe({ entryTypes: ['gc'] })

function stats () {
  let holding = 0
  let queued = 0
  let minQueue = Infinity
  let maxQueue = 0
  for (const agent of sim.agents.values()) {
    if (agent.queue.holding) holding++
    const n = agent.queue.length
    queued += n
    if (n < minQueue) minQueue = n
    if (n > maxQueue) maxQueue = n
  }
  const mem = process.memoryUsage()
  return {
    agents: sim.agents.size,
    holding,
    queued,
    minQueue: sim.agents.size === 0 ? 0 : minQueue,
    maxQueue,
    calls: sim.calls.active.size,
    rssKb: Math.round(mem.rss / 1024),
    heapUsedKb: Math.round(mem.heapUsed / 1024),
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    gcCount: gc.count,
    gcTotalMs: gc.totalMs,
    gcMaxMs: gc.maxMs
  }
}

/** Top every listed agent's queue up to `perAgent` events by toggling busy, as saybusy/cancelbusy do. */
function fill (agentIds, perAgent) {
  let added = 0
  for (const id of agentIds) {
    const agent = sim.agents.get(id)
    if (agent === undefined) throw new Error(`agent ${id} is not signed in`)
    for (let guard = 0; agent.queue.length < perAgent && guard < perAgent * 2; guard++) {
      if (agent.status === 'idle') sim.sayBusy(id, undefined, false)
      else sim.cancelBusy(id)
      added++
    }
  }
  return { added }
}

// ---- workload j: push delivery ----------------------------------------------------------------

/** Sign `count` agents in in push mode (current variant), ids from `first`, all pushing to `url`. */
function pushSignIn (count, first, url) {
  for (let i = 0; i < count; i++) {
    const id = String(first + i)
    sim.login(id, { password: '', phonenum: `7${id}`, callBackUri: url, serviceToken: 'bench' }, 'login')
  }
  return { agents: count }
}

const produced = { total: 0, sent: {} }

/**
 * Produce `rate` events per second for `ms`, round robin over the push agents, through the
 * control API's own injection (Control.inject): content {s: the agent's sequence number, t: production time, epoch ms}.
 * Returns when production started (epoch ms): the bench tells the warm-up's events from the measured ones by it.
 */
function produce (rate, ms) {
  const ids = [...sim.agents.values()].filter(a => a.push !== undefined).map(a => a.id)
  if (ids.length === 0) throw new Error('no push agents')
  const t0 = performance.now()
  let done = 0
  let next = 0
  const timer = setInterval(() => {
    const elapsed = Math.min(performance.now() - t0, ms)
    const due = Math.floor(elapsed * rate / 1000)
    for (; done < due; done++) {
      const id = ids[next++ % ids.length]
      const seq = produced.sent[id] ?? 0
      produced.sent[id] = seq + 1
      running.app.control.inject(id, 'Bench_Event', { s: seq, t: performance.timeOrigin + performance.now() })
      produced.total++
    }
    if (elapsed >= ms) clearInterval(timer)
  }, 1)
  return { started: ids.length, t0: performance.timeOrigin + t0 }
}

/** Loop delay and GC are counted afresh from now on. */
function resetLoopDelay () {
  loopDelay.reset()
  gc = { count: 0, totalMs: 0, maxMs: 0 }
}

/** Workload j's trace (BENCH_J_TRACE=1): events waiting, CPU so far, loop delay and GC since the last tick. */
function loopTick () {
  let pending = 0
  for (const a of sim.agents.values()) if (a.push !== undefined) pending += a.push.pendingCount
  const result = { pending, cpu: process.cpuUsage(), loopMaxMs: loopDelay.max / 1e6, gcCount: gc.count, gcTotalMs: gc.totalMs, gcMaxMs: gc.maxMs }
  resetLoopDelay()
  return result
}

function pushStats () {
  let delivered = 0
  let pending = 0
  let dropped = 0
  for (const a of sim.agents.values()) {
    if (a.push === undefined) continue
    delivered += a.push.stats.delivered
    dropped += a.push.stats.dropped
    pending += a.push.pendingCount
  }
  return { produced: produced.total, sent: produced.sent, delivered, pending, dropped }
}

process.on('message', (msg) => {
  try {
    let result = {}
    switch (msg.cmd) {
      case 'stats': result = stats(); break
      case 'loopTick': result = loopTick(); break
      case 'resetLoopDelay': resetLoopDelay(); break
      case 'fill': result = fill(msg.agents, msg.perAgent); break
      case 'pushSignIn': result = pushSignIn(msg.count, msg.first, msg.url); break
      case 'produce': result = produce(msg.rate, msg.ms); break
      case 'pushStats': result = pushStats(); break
      default: throw new Error(`unknown command ${msg.cmd}`)
    }
    process.send?.({ id: msg.id, ok: true, result })
  } catch (err) {
    process.send?.({ id: msg.id, ok: false, error: String(err?.message ?? err) })
  }
})

let stopping = false
async function stop () {
  if (stopping) return
  stopping = true
  setTimeout(() => process.exit(0), 3000).unref()
  try { await running.close() } finally { process.exit(0) }
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
// The bench went away (crashed or was killed): do not outlive it.
process.on('disconnect', stop)
process.send?.({ ready: true, url: running.url })
