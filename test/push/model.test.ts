/**
 * Push agents under random operation sequences (issue #12 reliability): sign-ins in both agent
 * variants, injected events (object and bare-string contents), a receiver whose behaviour changes
 * (accepts, HTTP 500, retcode "1", refuses, hangs), clock advances, handshakes and sign-outs,
 * against an in-process receiver (the PushSender seam, no sockets). After every step:
 *   - at most one POST per agent on the wire;
 *   - the events a receiver accepted for an agent are in generation order, none twice;
 *   - per session: delivered + dropped + discarded + pending = events generated (nothing lost silently);
 *   - waiting events never exceed the queue cap (plus the POST on the wire);
 *   - the receiver's count of accepted events equals the delivered counters;
 * and at the end, with the receiver accepting again, every signed-in agent's queue drains.
 * A third run adds the server-wide copy (`--push-url`): per agent in order, never retried, every
 * event accounted for, one copy per session (none left open after a sign-out).
 * Then a fuzz of the push sign-in fields: always the envelope, and only http(s) URLs are called.
 */
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'
import type { PushReply, PushRequest, PushAsyncSender } from '../../src/domain/push/types.js'
import { GW } from '../helper.js'

type Mode = 'ok' | '500' | 'retcode' | 'refuse' | 'hang'

/** A receiver behind the PushSender seam: answers on a later microtask, per the current mode. */
class FakeReceiver implements PushAsyncSender {
  mode: Mode = 'ok'
  inFlight = new Map<string, number>()
  maxInFlight = 0
  /** Accepted events per agent: the injected sequence numbers (-1 for the gateway's own events). */
  accepted = new Map<string, number[]>()
  /** The server-wide copies that reached the receiver (any answer: fire and forget), likewise. */
  arrivedWide = new Map<string, number[]>()
  urls: string[] = []

  async send (req: PushRequest): Promise<PushReply> {
    this.urls.push(req.url)
    const agent = agentOf(req.body)
    const wide = req.body.startsWith('{"eventContent"')
    // An agent's own channel and its server-wide copy are two channels: each one POST at a time.
    const key = wide ? `wide:${agent}` : agent
    const n = (this.inFlight.get(key) ?? 0) + 1
    this.inFlight.set(key, n)
    this.maxInFlight = Math.max(this.maxInFlight, n)
    const mode = this.mode
    try {
      if (wide) {
        // Recorded as it arrives (a hanging POST too): the copies' order is the order they reach the receiver.
        const list = this.arrivedWide.get(agent) ?? []
        list.push(...eventsIn(req.body).map(seqOf))
        this.arrivedWide.set(agent, list)
      }
      if (mode === 'hang') {
        await new Promise((_resolve, reject) => req.signal.addEventListener('abort', () => reject(new Error('aborted'))))
      }
      await Promise.resolve()
      if (mode === 'refuse') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
      if (mode === '500') return { status: 500, body: '' }
      // A retcode answer fails the current variant only: for a legacy receiver any 2xx delivers.
      const legacy = !req.body.startsWith('{"workNo"')
      if (mode === 'retcode' && !legacy) return { status: 200, body: '{"message":"failure","retcode":"1"}' }
      if (wide) return { status: 404, body: 'Not Found' }
      const list = this.accepted.get(agent) ?? []
      list.push(...eventsIn(req.body).map(seqOf))
      this.accepted.set(agent, list)
      return { status: 200, body: '{"message":"success","retcode":"0"}' }
    } finally {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1)
    }
  }
}

interface Ev { eventType: string, workNo: string, content: unknown }
function eventsIn (body: string): Ev[] {
  const b = JSON.parse(body) as { eventList?: Ev[], event?: Ev, eventContent?: string }
  if (b.eventContent !== undefined) return [JSON.parse(b.eventContent) as Ev]
  return b.eventList ?? [b.event!]
}
/** An injected event's sequence number (object or string content); -1 for the gateway's own events. */
function seqOf (e: Ev): number { return typeof e.content === 'object' && e.content !== null ? (e.content as { n: number }).n : typeof e.content === 'string' ? Number(e.content) : -1 }
function agentOf (body: string): string { return eventsIn(body)[0]!.workNo }

interface World {
  app: FastifyInstance
  clock: ManualClock
  fake: FakeReceiver
  guids: Map<string, string>
  seq: number
  /** Events generated per agent in its current session, and the counters of its finished sessions. */
  generated: Map<string, number>
  deliveredBefore: Map<string, number>
  cap: number
  /** With a server-wide copy of every event (`--push-url`). */
  wide: boolean
}

const AGENTS = ['1001', '1002', '1003']
const settle = async (): Promise<void> => { for (let i = 0; i < 6; i++) await new Promise(resolve => setImmediate(resolve)) }

async function world (t: { teardown(fn: () => unknown): void }, cap: number, wide: boolean): Promise<World> {
  const clock = new ManualClock()
  const fake = new FakeReceiver()
  const app = await buildApp({ pollWaitMs: 0, queueCap: cap, pushRetryIntervalMs: 1000, pushFailTotalMs: 5000, pushTimeoutMs: 2000, pushUrl: wide ? 'http://127.0.0.1:9/wide' : '' }, { clock, logger: false, pushSender: fake })
  t.teardown(() => app.close())
  const w: World = { app, clock, fake, guids: new Map(), seq: 0, generated: new Map(), deliveredBefore: new Map(), cap, wide }
  const sim = app.simulator
  const previous = sim.observer
  sim.observer = (agentId, eventType) => {
    previous?.(agentId, eventType)
    if (sim.agents.get(agentId)?.push !== undefined || eventType === 'AgentOther_ShutdownService') w.generated.set(agentId, (w.generated.get(agentId) ?? 0) + 1)
  }
  return w
}

type Cmd = fc.AsyncCommand<object, World>
const sim = (w: World): FastifyInstance['simulator'] => w.app.simulator

class SignIn implements Cmd {
  constructor (readonly agent: string, readonly legacy: boolean) {}
  check (): boolean { return true }
  async run (_m: object, w: World): Promise<void> {
    if (sim(w).agents.has(this.agent)) return
    // The finished session's counters are final: carry them.
    const last = sim(w).push.status(this.agent).push
    if (last !== null) w.deliveredBefore.set(this.agent, (w.deliveredBefore.get(this.agent) ?? 0) + last.delivered)
    w.generated.set(this.agent, 0)
    const fields = this.legacy ? { pushUrl: `http://127.0.0.1:9/legacy/${this.agent}` } : { callBackUri: `http://127.0.0.1:9/cb/${this.agent}`, serviceToken: 'tok' }
    const res = await w.app.inject({ method: 'PUT', url: `${GW}/onlineagent/${this.agent}`, payload: { password: '', phonenum: `7${this.agent}`, ...fields } })
    w.guids.set(this.agent, String(res.headers['set-guid']).replace('JSESSIONID=', ''))
  }

  toString (): string { return `SignIn(${this.agent}, ${this.legacy ? 'legacy' : 'current'})` }
}

class Inject implements Cmd {
  constructor (readonly agent: string, readonly asString: boolean) {}
  check (): boolean { return true }
  async run (_m: object, w: World): Promise<void> {
    if (!sim(w).agents.has(this.agent)) return
    const n = w.seq++
    await w.app.inject({ method: 'POST', url: `/__mock/agents/${this.agent}/events`, payload: { eventType: 'Model_Event', content: this.asString ? String(n) : { n } } })
  }

  toString (): string { return `Inject(${this.agent}, ${this.asString ? 'string' : 'object'})` }
}

class Receiver implements Cmd {
  constructor (readonly mode: Mode) {}
  check (): boolean { return true }
  async run (_m: object, w: World): Promise<void> { w.fake.mode = this.mode }
  toString (): string { return `Receiver(${this.mode})` }
}

class Advance implements Cmd {
  constructor (readonly ms: number) {}
  check (): boolean { return true }
  async run (_m: object, w: World): Promise<void> { w.clock.advance(this.ms) }
  toString (): string { return `Advance(${this.ms})` }
}

class KeepAlive implements Cmd {
  constructor (readonly agent: string) {}
  check (): boolean { return true }
  async run (_m: object, w: World): Promise<void> {
    const guid = w.guids.get(this.agent)
    if (guid === undefined || !sim(w).agents.has(this.agent)) return
    const legacy = sim(w).agents.get(this.agent)!.push?.target.variant === 'legacy'
    await w.app.inject({ method: legacy ? 'PUT' : 'POST', url: `${GW}/onlineagent/${this.agent}/${legacy ? 'heartbeat' : 'handshake'}`, headers: { guid } })
  }

  toString (): string { return `KeepAlive(${this.agent})` }
}

class SignOut implements Cmd {
  constructor (readonly agent: string) {}
  check (): boolean { return true }
  async run (_m: object, w: World): Promise<void> {
    const guid = w.guids.get(this.agent)
    if (guid !== undefined) await w.app.inject({ method: 'DELETE', url: `${GW}/onlineagent/${this.agent}/forcelogout`, headers: { guid } })
  }

  toString (): string { return `SignOut(${this.agent})` }
}

/** The invariants, after every command. */
function checkAll (w: World): string | undefined {
  if (w.fake.maxInFlight > 1) return `${w.fake.maxInFlight} POSTs of one agent on the wire at once`
  for (const id of AGENTS) {
    const seqs = (w.fake.accepted.get(id) ?? []).filter(n => n >= 0)
    for (let i = 1; i < seqs.length; i++) if (seqs[i]! <= seqs[i - 1]!) return `agent ${id}: accepted ${seqs[i - 1]} then ${seqs[i]}`
    const s = sim(w).push.status(id).push
    if (s === null) continue
    const generated = w.generated.get(id) ?? 0
    const accounted = s.delivered + s.dropped + s.discarded + s.pending
    if (accounted !== generated) return `agent ${id}: ${generated} generated, ${accounted} accounted (${JSON.stringify(s)})`
    if (s.pending > w.cap + 100) return `agent ${id}: ${s.pending} waiting, cap ${w.cap}`
    const received = (w.fake.accepted.get(id) ?? []).length
    const delivered = (w.deliveredBefore.get(id) ?? 0) + s.delivered
    if (received !== delivered) return `agent ${id}: receiver accepted ${received}, delivered counters say ${delivered}`
    if (w.wide) {
      // The server-wide copy: a new one per session, in order, every event accounted for.
      const arrived = (w.fake.arrivedWide.get(id) ?? []).filter(n => n >= 0)
      for (let i = 1; i < arrived.length; i++) if (arrived[i]! <= arrived[i - 1]!) return `agent ${id}, server-wide: ${arrived[i - 1]} then ${arrived[i]}`
      const m = sim(w).push.status(id).serverWide
      if (m === null) return `agent ${id}: no server-wide copy`
      const copied = m.delivered + m.dropped + m.discarded + m.pending
      if (copied !== generated) return `agent ${id}, server-wide: ${generated} generated, ${copied} accounted (${JSON.stringify(m)})`
      if (m.retries !== 0) return `agent ${id}, server-wide: retried`
    }
  }
  if (w.wide) {
    const open = sim(w).push['mirrors'].size
    const signedIn = AGENTS.filter(id => sim(w).agents.has(id)).length
    if (open > signedIn) return `${open} server-wide copies open for ${signedIn} agents signed in`
  }
  return undefined
}

const agentArb = fc.constantFrom(...AGENTS)
const inject = fc.tuple(agentArb, fc.boolean()).map(([a, s]) => new Inject(a, s))
const commands = fc.commands([
  fc.tuple(agentArb, fc.boolean()).map(([a, l]) => new SignIn(a, l)),
  inject, inject, inject, inject,
  fc.constantFrom<Mode>('ok', 'ok', '500', 'retcode', 'refuse', 'hang').map(m => new Receiver(m)),
  fc.constantFrom(200, 1000, 2000, 30000, 130000).map(ms => new Advance(ms)),
  agentArb.map(a => new KeepAlive(a)),
  agentArb.map(a => new SignOut(a))
], { maxCommands: 60 })

for (const [cap, wide] of [[1000, false], [3, false], [1000, true]] as const) {
  t.test(`random push sequences keep every invariant (queue cap ${cap}${wide ? ', with a server-wide copy' : ''})`, async (t) => {
    let runs = 0
    const totals = { delivered: 0, failures: 0, retries: 0, dropped: 0, discarded: 0, pushSignOuts: 0, wideDelivered: 0, wideDiscarded: 0 }
    await fc.assert(fc.asyncProperty(commands, async (cmds) => {
      runs++
      const w = await world({ teardown: () => {} }, cap, wide)
      try {
        for (const [i, id] of AGENTS.entries()) await new SignIn(id, i === 1).run({}, w)
        for (const c of cmds) {
          await c.run({}, w)
          await settle()
          const problem = checkAll(w)
          if (problem !== undefined) throw new Error(`${problem} after ${c.toString()}`)
        }
        // The receiver accepts again: every signed-in agent's events drain within a retry or two.
        w.fake.mode = 'ok'
        for (let i = 0; i < 3; i++) { w.clock.advance(2000); await settle() }
        for (const id of AGENTS) {
          const { push: s, serverWide: m } = sim(w).push.status(id)
          if (m !== null && m.pending !== 0) throw new Error(`agent ${id}: ${m.pending} server-wide copies still waiting with the receiver back`)
          if (!sim(w).agents.has(id)) continue
          if (s!.pending !== 0) throw new Error(`agent ${id}: ${s!.pending} events still waiting with the receiver back`)
        }
        const problem = checkAll(w)
        if (problem !== undefined) throw new Error(`${problem} at the end`)
        for (const id of AGENTS) {
          const s = sim(w).push.status(id).push
          if (s === null) continue
          totals.delivered += s.delivered
          totals.failures += s.failures
          totals.retries += s.retries
          totals.dropped += s.dropped
          totals.discarded += s.discarded
          if (s.signedOutBy !== null) totals.pushSignOuts++
          const m = sim(w).push.status(id).serverWide
          totals.wideDelivered += m?.delivered ?? 0
          totals.wideDiscarded += m?.discarded ?? 0
        }
      } finally {
        await w.app.close()
      }
    }), { seed: 1212, numRuns: 60 })
    t.comment(`${runs} runs: ${JSON.stringify(totals)}`)
    t.ok(totals.delivered > 300 && totals.failures > 30 && totals.retries > 15 && totals.discarded > 0 && totals.pushSignOuts > 0, 'the runs reached deliveries, failures, retries, discards and forced sign-outs')
    if (cap < 10) t.ok(totals.dropped > 0, 'and drops over the cap')
    if (wide) t.ok(totals.wideDelivered > 300 && totals.wideDiscarded > 0, 'the server-wide copies were delivered, and lost (counted) while the receiver failed')
  })
}

t.test('fuzz: any push sign-in fields answer the envelope; only http(s) URLs are ever called', async (t) => {
  const fake = new FakeReceiver()
  const app = await buildApp({ pollWaitMs: 0, pushWhitelist: [] }, { clock: new ManualClock(), logger: false, pushSender: fake })
  t.teardown(() => app.close())
  const str = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('http://127.0.0.1:9/x', 'https://127.0.0.1:9/y?token=1', 'ftp://a', 'javascript:alert(1)', 'http://', '', ' ', 'http://127.0.0.1:9/' + 'x'.repeat(600)), fc.integer(), fc.constant(null), fc.boolean())
  const codes = new Map<string, number>()
  await fc.assert(fc.asyncProperty(fc.record({ callBackUri: str, serviceToken: str, pushUrl: str }, { requiredKeys: [] }), async (fields) => {
    const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/1001/forcelogin`, payload: { password: '', phonenum: '71001', ...fields } })
    const body = res.json() as { message: unknown, retcode: unknown }
    codes.set(String(body.retcode), (codes.get(String(body.retcode)) ?? 0) + 1)
    return res.statusCode === 200 && typeof body.message === 'string' && ['0', '100-001', '100-011'].includes(String(body.retcode))
  }), { seed: 77, numRuns: 300 })
  await settle()
  t.ok(fake.urls.every(u => /^https?:\/\//.test(u)), 'only http(s) URLs called')
  t.comment([...codes].map(([k, v]) => `${k}: ${v}`).join(', '))
  t.ok((codes.get('0') ?? 0) > 0 && (codes.get('100-001') ?? 0) > 0, 'both accepted and refused sign-ins')
})
