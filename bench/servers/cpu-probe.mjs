// Workload j's CPU probe: pinned to the mock's CPU, it times a fixed piece of work (arithmetic
// over 32 KB, ~50 µs) every 20 ms, and keeps each second's fastest time. A vCPU the host slows
// down (a busy sibling thread, a lower clock: not counted as steal) makes it slower by the same
// factor whatever the mock does; the mock's own load only delays it, which the minimum ignores.
// IPC: {cmd: 'mark'} starts a window; {cmd: 'read'} answers {seconds: [fastest µs of each whole second since the mark]}.
const data = new Float64Array(4096).map((_, i) => i)
function work () {
  let x = 0
  for (let r = 0; r < 20; r++) for (let i = 0; i < data.length; i++) x += data[i] * 1.0001
  return x
}
let sink = 0
let second = []
let fastest = Infinity
let secondStart = performance.now()
setInterval(() => {
  const t = performance.now()
  sink += work()
  const us = (performance.now() - t) * 1000
  if (t - secondStart >= 1000) {
    if (fastest < Infinity) second.push(fastest)
    fastest = Infinity
    secondStart = t
  }
  if (us < fastest) fastest = us
}, 20)
process.on('message', (msg) => {
  if (msg.cmd === 'mark') {
    second = []
    fastest = Infinity
    secondStart = performance.now()
    process.send({ ok: true })
  } else if (msg.cmd === 'read') process.send({ seconds: second.slice(), sink: sink > 0 })
})
process.on('disconnect', () => process.exit(0))
process.send({ ready: true })
