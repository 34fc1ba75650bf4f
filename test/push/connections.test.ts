/**
 * POSTs on the wire per receiver URL are bounded (`--push-connections`, default 64, the undici
 * connections kept to a receiver): an agent whose turn has not come keeps queueing its events and
 * sends them together when a connection frees, in FIFO order of the agents waiting (issue #12,
 * workload j). A PushSender that holds every POST until the test answers it.
 */
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'
import type { PushReply, PushRequest, PushAsyncSender } from '../../src/domain/push/types.js'
import { admin, until } from '../helper.js'
import { current, pushSignIn, pushStatus } from '../fixtures/receivers.js'

/** Holds each POST until `answer()`: what is on the wire, oldest first. */
class Gate implements PushAsyncSender {
  readonly onWire: Array<{ req: PushRequest, answer: () => void }> = []
  readonly sent: Array<{ workNo: string, events: string[] }> = []
  async send (req: PushRequest): Promise<PushReply> {
    const body = JSON.parse(req.body) as { workNo: string, eventList: Array<{ eventType: string }> }
    this.sent.push({ workNo: body.workNo, events: body.eventList.map(e => e.eventType) })
    return await new Promise<PushReply>(resolve => {
      this.onWire.push({ req, answer: () => { resolve({ status: 200, body: '{"message":"success","retcode":"0"}' }) } })
    })
  }

  /** Answer the oldest POST on the wire. */
  next (): void { this.onWire.shift()!.answer() }
}

const URL_A = 'http://127.0.0.1:9/cb'

/** Agents 1001-1003 signed in to one receiver URL with `connections`; that many POSTs on the wire. */
async function threeAgents (t: { teardown(fn: () => unknown): void }, connections: number): Promise<{ gate: Gate, app: FastifyInstance }> {
  const gate = new Gate()
  const app = await buildApp({ pollWaitMs: 0, pushConnections: connections }, { clock: new ManualClock(), logger: false, pushSender: gate })
  t.teardown(() => app.close())
  for (const id of ['1001', '1002', '1003']) await pushSignIn(app, id, current(URL_A))
  await until(async () => gate.onWire.length === connections)
  return { gate, app }
}

t.test('with 2 connections the third agent waits, then sends everything it queued meanwhile in one POST', async (t) => {
  const { gate, app } = await threeAgents(t, 2)
  await admin(app, 'POST', '/__mock/agents/1003/events', { eventType: 'X', content: null })
  t.strictSame(gate.sent.map(s => s.workNo), ['1001', '1002'], 'two POSTs on the wire, 1003 waits')
  t.match(await pushStatus(app, '1003'), { state: 'sending', posts: 0, pending: 3 })

  gate.next() // 1001's first POST answered: its connection goes to 1003, the first waiting
  await until(async () => gate.sent.length === 3)
  t.strictSame(gate.sent[2], { workNo: '1003', events: ['AgentOther_InService', 'AgentState_Ready', 'X'] }, 'all that 1003 queued, in order, in one POST')

  while (gate.sent.length < 5 || gate.onWire.length > 0) {
    await until(async () => gate.onWire.length > 0)
    gate.next()
    await until(async () => gate.onWire.length > 0 || gate.sent.length >= 5)
  }
  for (const id of ['1001', '1002', '1003']) t.match(await pushStatus(app, id), { pending: 0, state: 'idle' })
  t.strictSame(gate.sent.map(s => `${s.workNo}:${s.events.join('+')}`), [
    '1001:AgentOther_InService', '1002:AgentOther_InService', '1003:AgentOther_InService+AgentState_Ready+X',
    '1001:AgentState_Ready', '1002:AgentState_Ready'
  ], 'each agent in order; agents take turns in the order they waited')
})

t.test('an agent reset while it waits for a connection passes its turn to the next one', async (t) => {
  const { gate, app } = await threeAgents(t, 1)
  t.match(await pushStatus(app, '1002'), { state: 'sending', posts: 0, pending: 2 })
  await admin(app, 'POST', '/__mock/agents/1002/reset')
  t.match(await pushStatus(app, '1002'), { state: 'closed', discarded: 2 })
  gate.next()
  await until(async () => gate.sent.length === 2)
  t.strictSame(gate.sent.map(s => s.workNo), ['1001', '1003'], '1002 is skipped: its turn goes to 1003')
})
