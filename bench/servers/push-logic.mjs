// Workload j's second reference: the mock's own push path without the network. The mock as
// `dist/app.js` builds it with j's flags, except that its push sender is a stub that answers every
// POST 200 `{"retcode":"0"}` on the next turn of the loop: no undici, no socket, no receiver. The
// same 10,000 push agents (current variant) and injected events (Control.inject, content {s, t})
// as j, produced round robin 20 to a turn (so each agent's POST carries one event, as in j's
// steady phase). Measures the CPU per event of what the mock itself does — inject, history, queue,
// channel, body, journal, reply — which j's CPU per event less this is the transport's share of.
// argv: agents events rounds. Over the bench's control channel (bench/lib/proc.ts, Control): {cmd: 'run'}
// answers {usPerEvent: [one per round], postsPerEvent, failures} (POSTs the channels counted failed: must be 0).
import { buildApp } from '../../dist/app.js'

const [agents, events, rounds] = process.argv.slice(2).map(Number)
const TURN = 20
const ANSWER = { status: 200, body: '{"message":"success","retcode":"0"}' }
let answers = []
let posts = 0
const answerAll = () => { const a = answers; answers = []; for (const done of a) done(undefined, ANSWER) }
const sender = {
  post (_req, done) {
    posts++
    if (answers.push(done) === 1) setImmediate(answerAll)
    return { abort () {} }
  }
}
const app = await buildApp({ inactivityTimeoutMs: 0, pushRetryIntervalMs: 500, pushFailTotalMs: 0, logLevel: 'error' }, { pushSender: sender })
await app.ready()
const sim = app.simulator
for (let i = 0; i < agents; i++) {
  const id = String(10000 + i)
  sim.login(id, { password: '', phonenum: `7${id}`, callBackUri: 'http://127.0.0.1:9/cb', serviceToken: 'bench' }, 'login')
}
const ids = [...sim.agents.keys()]
const seq = new Map()
let next = 0
const turn = () => new Promise(resolve => setImmediate(resolve))

/** `n` events, TURN per turn of the loop, then every POST answered; CPU µs per event and POSTs. */
async function produce (n) {
  const cpu0 = process.cpuUsage()
  const posts0 = posts
  for (let done = 0; done < n;) {
    for (let k = 0; k < TURN && done < n; k++, done++) {
      const id = ids[next++ % ids.length]
      const s = seq.get(id) ?? 0
      seq.set(id, s + 1)
      app.control.inject(id, 'Bench_Event', { s, t: performance.timeOrigin + performance.now() })
    }
    await turn()
  }
  while (answers.length > 0) await turn()
  const cpu = process.cpuUsage(cpu0)
  return { us: (cpu.user + cpu.system) / n, posts: posts - posts0 }
}

async function run () {
  await produce(events) // warm-up: the sign-ins' events and the code's compilation
  const usPerEvent = []
  let postsTotal = 0
  for (let r = 0; r < rounds; r++) {
    const { us, posts: p } = await produce(events)
    usPerEvent.push(us)
    postsTotal += p
  }
  let failures = 0
  for (const a of sim.agents.values()) failures += a.push?.stats.failures ?? 0
  return { usPerEvent, postsPerEvent: postsTotal / (events * rounds), failures }
}

process.on('message', (msg) => {
  if (msg.cmd !== 'run') return
  run().then(
    (result) => { process.send({ id: msg.id, ok: true, result }) },
    (err) => { process.send({ id: msg.id, ok: false, error: String(err?.stack ?? err) }) }
  )
})
process.on('disconnect', () => { app.close().finally(() => process.exit(0)) })
process.send({ ready: true })
