// Workload j's CPU probe: pinned to the mock's CPU, it times a fixed piece of work (arithmetic
// over 32 KB, ~50 µs) every 20 ms and keeps each second's median time. A vCPU the host slows down
// (a busy sibling thread, a lower clock: not counted as steal) makes the work slower whatever the
// mock does; the mock's load delays when the timer fires, not the 50 µs timed (a woken process
// preempts it). The work runs once untimed first, so its data is in the core's cache whether or
// not the mock ran in between. Over the bench's control channel (bench/lib/proc.ts, Control):
// {cmd: 'mark'} starts a window; {cmd: 'read'} answers {seconds: [median µs of each whole second since the mark],
// best: the fastest second's median since the probe started}.
const data = new Float64Array(4096).map((_, i) => i)
function work () {
  let x = 0
  for (let r = 0; r < 20; r++) for (let i = 0; i < data.length; i++) x += data[i] * 1.0001
  return x
}
let sink = 0
let best = Infinity
let seconds = []
let samples = []
let secondStart = performance.now()
const median = (a) => a.sort((x, y) => x - y)[a.length >> 1]
setInterval(() => {
  sink += work()
  const t = performance.now()
  sink += work()
  const us = (performance.now() - t) * 1000
  if (t - secondStart >= 1000) {
    if (samples.length > 0) {
      const m = median(samples)
      seconds.push(m)
      if (m < best) best = m
    }
    samples = []
    secondStart = t
  }
  samples.push(us)
}, 20)
process.on('message', (msg) => {
  let result = {}
  if (msg.cmd === 'mark') {
    seconds = []
    samples = []
    secondStart = performance.now()
  } else if (msg.cmd === 'read') result = { seconds: seconds.slice(), best: best === Infinity ? null : best, sink: sink > 0 }
  process.send({ id: msg.id, ok: true, result })
})
process.on('disconnect', () => process.exit(0))
process.send({ ready: true })
