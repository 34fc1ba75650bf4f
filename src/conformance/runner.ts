/**
 * Runs the checks (issue #15): for each one, makes sure the client is signed in and polling
 * (restarting it when asked, or when it did not recover), activates the check's scenario through
 * the control API, performs its steps, then watches the journal and the event history until every
 * expectation is decided or the check's time is up. Everything goes through the control API, so
 * the same engine drives a mock it started or one it attaches to.
 */
import { adminClient, gatewayClient, type AdminClient } from '../client.js'
import type { Check } from './load-checks.js'
import type { EngineStep, Match } from './check-schema.js'
import { ClientProcess } from './client-process.js'
import { describeExpectation, evaluate, judge, type Observation, type Outcome } from './expectations.js'
import { describeMatch, itemLine, matches, mergeTimeline, type Entry, type HistoryEvent, type Item } from './timeline.js'

export interface ExpectationResult { expected: string, outcome: Outcome, detail: string, excerpt: string[] }

export interface CheckResult {
  name: string
  title: string
  description: string
  outcome: Outcome
  /** Why, in one line: the first failed expectation, or what was not exercised. */
  summary: string
  durationMs: number
  expectations: ExpectationResult[]
  /** The check's requests and events, for the HTML report (origin: when the check started). */
  timeline: Item[]
  origin: number
  notes: string[]
}

export interface RunOptions {
  checks: Check[]
  agent: string
  /** The mock's base URL. */
  url: string
  adminToken?: string
  /** Load a check's scenario into the mock (default: through the control API). */
  loadScenario?: (check: Check & { scenario: NonNullable<Check['scenario']> }) => Promise<void>
  /** Start this client (else: --attach, the client runs already). */
  client?: string | undefined
  restartClient: boolean
  onCheckStart?: (check: Check) => void
  onCheckDone?: (result: CheckResult) => void
}

export interface RunResult { results: CheckResult[], clientOutput: string[], clientStarts: number }

const TICK_MS = 50
const SIGN_IN_TIMEOUT_MS = 10000
const SIGN_IN: Match = { operation: ['login', 'forceLogin', 'loginEx'], retcode: '0' }
const GOOD_POLL: Match = { operation: ['getAgentEvent', 'handshake'], retcode: '0' }
/** Polls refused for good: a client that keeps sending them has not recovered. */
const BAD_POLL: Match = { operation: ['getAgentEvent', 'handshake'], retcode: ['000-003', '100-006'] }

const tick = (): Promise<void> => new Promise(resolve => setTimeout(resolve, TICK_MS))

/** A second agent the engine signs in to call the client's agent. */
const colleagueOf = (agent: string): string => agent === '999999' ? '999998' : String(Number(agent) + 1)

/** Journal and history since a moment, fetched incrementally through the control API. */
class Watcher {
  private readonly entries = new Map<number, Entry>()
  private since: number
  private offset = 0
  events: HistoryEvent[] = []

  private constructor (private readonly admin: AdminClient, private readonly agent: string, public start: number, private readonly from: number) { this.since = from }

  /** The check's window opens now (requests since `open` are still read). */
  markStart (): void { this.start = this.now() }

  /** From now on; with `wholeJournal`, what happened before counts too (a client already running). */
  static async open (admin: AdminClient, agent: string, wholeJournal = false): Promise<Watcher> {
    const before = Date.now()
    const clock = await admin.clock.get()
    const w = new Watcher(admin, agent, clock.now, wholeJournal ? 0 : clock.now)
    w.offset = clock.now - before
    return w
  }

  /** Now, in the mock's clock. */
  now (): number { return Date.now() + this.offset }

  async refresh (): Promise<Item[]> {
    const fresh = await this.admin.journal.find({ since: this.since, limit: 100000 }) as unknown as Entry[]
    for (const e of fresh) {
      this.entries.set(e.seq, e)
      if (e.time > this.since) this.since = e.time
    }
    try {
      this.events = (await this.admin.events.history(this.agent) as unknown as HistoryEvent[]).filter(e => e.genTime >= this.from)
    } catch { this.events = [] }
    return mergeTimeline([...this.entries.values()], this.events)
  }

  /** Wait until an item matches (true), or the deadline passes, or `giveUp` matched 3 times (false). */
  async waitFor (m: Match, deadline: number, giveUp?: Match): Promise<boolean> {
    for (;;) {
      const items = await this.refresh()
      if (items.some(i => matches(m, i, this.agent))) return true
      if (this.now() > deadline) return false
      if (giveUp !== undefined && items.filter(i => matches(giveUp, i, this.agent)).length >= 3) return false
      await tick()
    }
  }

  requests (): Entry[] { return [...this.entries.values()].sort((a, b) => a.seq - b.seq) }
}

export async function runChecks (opts: RunOptions): Promise<RunResult> {
  const admin = adminClient(opts.url, opts.adminToken ?? '')
  const gateway = gatewayClient(opts.url)
  const agent = opts.agent
  const colleague = colleagueOf(agent)
  const u = new URL(opts.url)
  const client = opts.client === undefined
    ? undefined
    : new ClientProcess(opts.client, { CCGW_URL: opts.url, CCGW_HOST: u.hostname, CCGW_PORT: u.port, CCGW_AGENT: agent })
  const runEntries: Entry[] = []
  const results: CheckResult[] = []

  /** Start (or restart) the client from signed out, and wait for it to sign in and poll. */
  const freshClient = async (): Promise<boolean> => {
    if (client === undefined) return false
    await client.stop()
    await admin.agents.reset(agent)
    const w = await Watcher.open(admin, agent)
    client.start()
    const ok = await w.waitFor(SIGN_IN, w.start + SIGN_IN_TIMEOUT_MS) && await w.waitFor(GOOD_POLL, w.start + SIGN_IN_TIMEOUT_MS)
    runEntries.push(...w.requests().filter(e => e.agent !== colleague))
    return ok
  }

  /** Is the client signed in and polling? A poll held right now, or one answered 0 within 3 s. */
  const healthy = async (): Promise<boolean> => {
    if (client !== undefined && !client.alive) return false
    const view = await admin.agents.get(agent).catch(() => undefined) as { holdingPoll?: boolean } | undefined
    if (view?.holdingPoll === true) return true
    const w = await Watcher.open(admin, agent)
    const ok = await w.waitFor(GOOD_POLL, w.start + 3000, BAD_POLL)
    runEntries.push(...w.requests().filter(e => e.agent !== colleague))
    return ok
  }

  const perform = async (step: EngineStep, w: Watcher, deadline: number): Promise<string | undefined> => {
    const fill = <T>(v: T): T => JSON.parse(JSON.stringify(v).replaceAll('{agent}', agent)) as T
    if ('waitFor' in step) {
      return await w.waitFor(step.waitFor, deadline) ? undefined : `the client never reached that path: no ${describeMatch(step.waitFor)}`
    }
    if ('inject' in step) await admin.events.inject(agent, step.inject.eventType, fill(step.inject.content ?? null))
    else if ('duplicate' in step) {
      const last = (await admin.events.history(agent)).filter(e => e.eventType === step.duplicate.event).pop()
      if (last === undefined) return `no ${step.duplicate.event} to deliver twice`
      await admin.events.inject(agent, last.eventType, last.content)
    } else if ('call' in step) {
      await gateway.signIn(colleague, { autoanswer: false }, true)
      await gateway.callInner(colleague, agent)
    } else if ('customer' in step) {
      const res = await fetch(`${opts.url}/__mock/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.adminToken === undefined || opts.adminToken === '' ? {} : { authorization: `Bearer ${opts.adminToken}` }) },
        body: JSON.stringify(fill(step.customer))
      })
      if (res.status >= 300) return `POST /__mock/customers answered ${res.status}: ${await res.text()}`
    } else await admin.faults.arm(fill(step.arm) as Record<string, unknown>)
    return undefined
  }

  const runOne = async (check: Check, first: boolean): Promise<CheckResult> => {
    const notes: string[] = []
    const began = Date.now()
    /** Set when the client cannot be watched at all: the check is then not exercised. */
    let notReached: string | undefined
    const restart = async (why?: string): Promise<void> => {
      if (why !== undefined) notes.push(why)
      if (!await freshClient()) notReached = 'the restarted client did not sign in and poll within 10 s'
    }
    // 1. A client that is signed in and polling (the first check watches it start).
    if (!first) {
      if (client !== undefined && opts.restartClient) await restart()
      else if (!await healthy()) {
        if (client === undefined) notReached = 'the client is not polling (it did not recover from the previous check)'
        else await restart(`the client was restarted: ${client.alive ? 'it was not polling' : `it had exited (${client.exit ?? '?'})`} after the previous check`)
      }
    } else if (client !== undefined) await admin.agents.reset(agent)
    // 2. The journal is read from now, the check's scenario is activated (its faults fire from
    // now on), and then its window opens.
    // Attached to a running client, the first check also sees how it started.
    const w = await Watcher.open(admin, agent, first && client === undefined)
    if (check.scenario !== undefined) await admin.scenarios.activate(check.scenario.name)
    w.markStart()
    const timeout = check.timeoutMs ?? 5000
    let deadline = w.start + timeout
    if (first && client !== undefined) client.start()
    // 3. Steps, then watch until decided.
    const usesColleague = (check.steps ?? []).some(s => 'call' in s)
    try {
      for (const step of notReached === undefined ? check.steps ?? [] : []) {
        notReached = await perform(step, w, deadline)
        if (notReached !== undefined) break
      }
      // The client is watched for the whole timeout once the steps are done.
      if ((check.steps ?? []).length > 0) deadline = w.now() + timeout
      let items = await w.refresh()
      const observe = (final: boolean): Observation => ({
        agent,
        items,
        start: w.start,
        now: w.now(),
        final,
        clientAlive: client === undefined ? undefined : client.alive,
        clientExit: client?.exit,
        runEntries
      })
      while (w.now() < deadline) {
        if (notReached !== undefined) break
        // Done when nothing waits any more; only watched expectations (rates, overlaps): the whole window.
        const verdicts = check.expect.map(e => evaluate(e, observe(false)))
        if (!verdicts.some(v => v.state === 'pending') && verdicts.some(v => v.state !== 'watch')) break
        await tick()
        items = await w.refresh()
      }
      items = await w.refresh()
      runEntries.push(...w.requests().filter(e => e.agent !== colleague))
      const final = observe(true)
      const expectations: ExpectationResult[] = check.expect.map(e => {
        const v = judge(e, final)
        const outcome: Outcome = notReached !== undefined && v.state !== 'failed' ? 'notExercised' : v.state
        return { expected: describeExpectation(e), outcome, detail: v.detail, excerpt: v.excerpt.map(i => itemLine(i, w.start)) }
      })
      const failed = expectations.find(x => x.outcome === 'failed')
      const skipped = expectations.find(x => x.outcome === 'notExercised')
      const outcome: Outcome = failed !== undefined ? 'failed' : skipped !== undefined || notReached !== undefined ? 'notExercised' : 'passed'
      const summary = failed !== undefined
        ? `${failed.detail} (expected: ${failed.expected})`
        : notReached ?? skipped?.detail ?? expectations.map(x => x.detail).join('; ')
      return { name: check.name, title: check.title ?? check.name, description: check.description ?? '', outcome, summary, durationMs: Date.now() - began, expectations, timeline: items, origin: w.start, notes }
    } finally {
      // 4. Leave the mock as the next check expects it.
      if (check.scenario !== undefined) await admin.scenarios.deactivate()
      if ((check.steps ?? []).some(s => 'arm' in s)) await admin.faults.clear()
      if (usesColleague) await admin.agents.reset(colleague)
    }
  }

  /** A run-wide check: judged over every client request of the run. */
  const runWide = (check: Check): CheckResult => {
    const began = Date.now()
    const now = Date.now()
    const obs: Observation = { agent, items: [], start: now, now, final: true, clientAlive: client?.alive, clientExit: client?.exit, runEntries }
    const expectations: ExpectationResult[] = check.expect.map(e => {
      const v = judge(e, obs)
      const origin = runEntries[0]?.time ?? now
      return { expected: describeExpectation(e), outcome: v.state, detail: v.detail, excerpt: v.excerpt.map(i => itemLine(i, origin)) }
    })
    const failed = expectations.find(x => x.outcome === 'failed')
    const outcome: Outcome = failed !== undefined ? 'failed' : expectations.some(x => x.outcome === 'notExercised') ? 'notExercised' : 'passed'
    return {
      name: check.name,
      title: check.title ?? check.name,
      description: check.description ?? '',
      outcome,
      summary: failed !== undefined ? `${failed.detail} (expected: ${failed.expected})` : expectations.map(x => x.detail).join('; '),
      durationMs: Date.now() - began,
      expectations,
      timeline: mergeTimeline(runEntries, []).slice(-500),
      origin: runEntries[0]?.time ?? now,
      notes: []
    }
  }

  try {
    // Loaded once up front (validated by the mock; activating one later is quick).
    const load = opts.loadScenario ?? (async c => { await admin.scenarios.load(c.scenario.data, false) })
    for (const check of opts.checks) if (check.scenario !== undefined) await load({ ...check, scenario: check.scenario })
    const ordered = [...opts.checks.filter(c => c.scope !== 'run'), ...opts.checks.filter(c => c.scope === 'run')]
    let first = true
    for (const check of ordered) {
      opts.onCheckStart?.(check)
      const result = check.scope === 'run' ? runWide(check) : await runOne(check, first)
      if (check.scope !== 'run') first = false
      results.push(result)
      opts.onCheckDone?.(result)
    }
  } finally {
    await client?.stop()
  }
  return { results, clientOutput: client?.output ?? [], clientStarts: client?.starts ?? 0 }
}

export function hasFailure (results: CheckResult[]): boolean { return results.some(r => r.outcome === 'failed') }
