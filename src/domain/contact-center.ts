/**
 * The contact centre around the agents (issue #11, Part D §D1): customers call hotlines (access
 * codes), wait in skill queues, and the ACD offers each to an idle agent with the skill — a
 * signed-in agent or a simulated colleague. Background traffic, customer patience and talk times
 * are drawn from the seed. Calls are placed on the call model through the call engine, which tells
 * the centre (as its CallListener) when a call connects, ends, or must wait again.
 *
 * Distribution rule (docs/decisions.md): agents in order of how long they have been idle (with
 * `distribution: realFirst`, the default, signed-in agents before simulated colleagues); each takes
 * the best customer among its skills' queues: highest priority first, then the one waiting longest
 * (a customer whose offer rang out goes back to the head). One offer per agent at a time; never to
 * an agent that is not idle.
 */
import type { Agent } from './agent.js'
import type { CallEngine, CallListener } from './call-engine.js'
import type { Call } from './call-model.js'
import type { Clock, TimerHandle } from './clock.js'
import { DEFAULT_ROLES, type DirectoryEntry } from './directory.js'
import { ControlRefusal } from './errors.js'
import type { CustomerCallInput } from './scenario-schema.js'
import type { ColleagueSpec, Draw, Skill, TrafficSpec, WorldIndex } from './world.js'

export interface CenterHost {
  readonly clock: Clock
  readonly world: WorldIndex
  readonly agents: ReadonlyMap<string, Agent>
  readonly calls: CallEngine
}

/** A customer's call as the control API, a timeline step or traffic asks for it (its schema: scenario-schema.ts). */
export type { CustomerCallInput }

interface Waiting {
  call: Call
  skill: number
  priority: number
  /** Order within a priority: arrival order; a customer put back goes before everyone. */
  rank: number
  /** When the customer joined this queue (wait figures). */
  since: number
  patience: TimerHandle | undefined
  requeues: number
  lastReleaseAgent: string | undefined
}

export interface ColleagueState {
  id: string
  name: string
  skills: number[]
  spec: ColleagueSpec
  status: 'idle' | 'ringing' | 'talking' | 'wrapUp'
  since: number
  callid: string | undefined
}

export interface SkillFigures {
  /** Customers who joined the queue. */
  offered: number
  answered: number
  /** Hung up before an agent answered. */
  abandoned: number
  /** Turned away or sent on by a full queue. */
  overflowed: number
  /** Sum of waits (queue entry to answer) of the answered, ms. */
  totalWaitMs: number
  longestWaitMs: number
  /** Answered within SERVICE_LEVEL_MS of joining the queue. */
  withinServiceLevel: number
}

/** Waits answered within this time count toward the service level (the common 80/20 rule's 20 s). */
export const SERVICE_LEVEL_MS = 20000

const blankFigures = (): SkillFigures => ({ offered: 0, answered: 0, abandoned: 0, overflowed: 0, totalWaitMs: 0, longestWaitMs: 0, withinServiceLevel: 0 })

export class ContactCenter implements CallListener {
  private readonly queues = new Map<number, Waiting[]>()
  private readonly waiting = new Map<string, Waiting>()
  /** Customers between arrival and answer (queued, in the IVR, or ringing): their patience and wait data. */
  private readonly pending = new Map<string, Waiting>()
  /** Idle signed-in agents, in the order they became idle (first = idle longest). */
  private readonly idleAgents = new Map<string, number>()
  /** Idle simulated colleagues, likewise. */
  private readonly idleColleagues = new Map<string, number>()
  readonly colleagues = new Map<string, ColleagueState>()
  private readonly colleagueOf = new Map<string, string>()
  readonly figures = new Map<number, SkillFigures>()
  private trafficTimers: TimerHandle[] = []
  private seq = 0
  private callerSeq = 0
  private distributing = false
  private again = false
  /** When the world's colleagues were created (their sign-in time in the directory). */
  private loadedAt = 0

  constructor (private readonly host: CenterHost, private readonly random: () => number) {}

  // ---- world ---------------------------------------------------------------------------------

  /** A new world: colleagues rebuilt (all idle), traffic restarted; waiting customers are kept. */
  useWorld (): void {
    for (const c of this.colleagues.values()) if (c.callid !== undefined) this.colleagueOf.delete(c.callid)
    this.colleagues.clear()
    this.idleColleagues.clear()
    const now = this.host.clock.now()
    this.loadedAt = now
    for (const spec of this.host.world.world.colleagues) {
      for (const id of colleagueIds(spec)) {
        if (this.colleagues.has(id)) continue
        this.colleagues.set(id, { id, name: spec.name ?? `Colleague ${id}`, skills: spec.skills, spec, status: 'idle', since: now, callid: undefined })
        this.idleColleagues.set(id, now)
      }
    }
    this.startTraffic()
    this.kick()
  }

  /** Forget every customer and figure (reset); colleagues idle again. */
  reset (): void {
    for (const w of this.pending.values()) w.patience?.cancel()
    this.queues.clear()
    this.waiting.clear()
    this.pending.clear()
    this.colleagueOf.clear()
    this.figures.clear()
    this.seq = 0
    this.callerSeq = 0
    this.useWorld()
  }

  // ---- customers calling in ------------------------------------------------------------------

  /** A customer calls: to an access code, a skill queue, or one agent. Returns the call. */
  customerCall (input: CustomerCallInput): Call {
    const world = this.host.world
    const targets = [input.to, input.skillid, input.agent].filter(v => v !== undefined).length
    if (targets !== 1) throw new ControlRefusal('invalid', 'give exactly one of to (an access code), skillid or agent')
    let skill: number | undefined
    let ivrDelayMs = 0
    if (input.to !== undefined) {
      const code = world.accessCodes.get(input.to)
      if (code === undefined) throw new ControlRefusal('notFound', `no access code ${input.to}`)
      skill = code.skill
      ivrDelayMs = code.ivrDelayMs ?? 0
    } else if (input.skillid !== undefined) {
      if (!world.skills.has(input.skillid)) throw new ControlRefusal('notFound', `no skill ${input.skillid}`)
      skill = input.skillid
    }
    let agent: Agent | undefined
    if (input.agent !== undefined) {
      agent = this.host.agents.get(input.agent)
      if (agent === undefined) throw new ControlRefusal('conflict', `agent ${input.agent} is not signed in`)
      if (agent.status !== 'idle' || agent.calls.length > 0) throw new ControlRefusal('conflict', `agent ${input.agent} is ${agent.calls.length > 0 ? 'in a call' : agent.status}, not idle`)
    }
    const called = input.to ?? (skill !== undefined ? this.accessCodeOf(skill) : input.agent!)
    const call = this.host.calls.inbound({ from: input.from, to: called, skillid: skill, callappdata: input.callappdata ?? '', talkMs: input.talkMs })
    const entry: Waiting = {
      call,
      skill: skill ?? -1,
      priority: input.priority ?? 0,
      rank: 0,
      since: this.host.clock.now(),
      patience: undefined,
      requeues: 0,
      lastReleaseAgent: undefined
    }
    this.pending.set(call.callid, entry)
    if (input.patienceMs !== undefined) entry.patience = this.host.clock.setTimer(input.patienceMs, () => this.host.calls.farHangUp(call.callid))
    if (agent !== undefined) this.host.calls.offerInbound(call, agent)
    else if (ivrDelayMs > 0) call.timers.push(this.host.clock.setTimer(ivrDelayMs, () => this.enqueue(entry, skill!, 0)))
    else this.enqueue(entry, skill!, 0)
    return call
  }

  /** A call in progress transferred to a skill (issue #13): it waits in the queue like a new customer. */
  transferToSkill (call: Call, skill: number): void {
    const entry: Waiting = { call, skill, priority: 0, rank: 0, since: this.host.clock.now(), patience: undefined, requeues: 0, lastReleaseAgent: undefined }
    this.pending.set(call.callid, entry)
    this.enqueue(entry, skill, 0)
  }

  /** A transfer to a skill taken back (canceltransfer): the call leaves the queue, the ACD forgets it. */
  withdraw (call: Call): void {
    const entry = this.pending.get(call.callid)
    if (entry === undefined) return
    this.pending.delete(call.callid)
    if (this.waiting.has(call.callid)) this.unqueue(entry)
  }

  /** The number shown as `called` for a customer sent to a skill: its first access code, or the skill id. */
  private accessCodeOf (skill: number): string {
    for (const c of this.host.world.world.accessCodes) if (c.skill === skill) return c.inno
    return String(skill)
  }

  private enqueue (entry: Waiting, skill: number, depth: number): void {
    const call = entry.call
    if (call.ended) return
    const spec = this.host.world.skills.get(skill)
    const queue = this.queueOf(skill)
    entry.skill = skill
    entry.since = this.host.clock.now()
    const figures = this.figuresOf(skill)
    if (queue.length >= (spec?.capacity ?? 100)) {
      figures.overflowed++
      const overflow = spec?.overflow ?? 'busy'
      if (overflow !== 'busy' && depth < 8 && overflow !== skill) { this.enqueue(entry, overflow, depth + 1); return }
      this.host.calls.farHangUp(call.callid) // busy signal: the customer is turned away
      return
    }
    figures.offered++
    entry.rank = ++this.seq
    this.host.calls.enqueue(call, skill)
    this.insert(queue, entry)
    this.waiting.set(call.callid, entry)
    this.kick()
  }

  private insert (queue: Waiting[], entry: Waiting): void {
    // Sorted by priority (high first), then rank (low first); binary search for the spot.
    let lo = 0
    let hi = queue.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const m = queue[mid]!
      if (m.priority > entry.priority || (m.priority === entry.priority && m.rank < entry.rank)) lo = mid + 1
      else hi = mid
    }
    queue.splice(lo, 0, entry)
  }

  private queueOf (skill: number): Waiting[] {
    let q = this.queues.get(skill)
    if (q === undefined) { q = []; this.queues.set(skill, q) }
    return q
  }

  private figuresOf (skill: number): SkillFigures {
    let f = this.figures.get(skill)
    if (f === undefined) { f = blankFigures(); this.figures.set(skill, f) }
    return f
  }

  // ---- distribution --------------------------------------------------------------------------

  /** A signed-in agent's state or calls changed: it joins or leaves the idle list. */
  agentChanged (agent: Agent): void {
    const eligible = this.host.agents.get(agent.id) === agent && agent.status === 'idle' && agent.calls.length === 0 && agent.noTalkRight !== true
    if (!eligible) { this.idleAgents.delete(agent.id); return }
    if (this.idleAgents.has(agent.id)) return
    this.idleAgents.set(agent.id, this.host.clock.now())
    this.kick()
  }

  /** Offer waiting customers to idle agents until one side runs out. Re-entrant calls loop once more. */
  kick (): void {
    if (this.distributing) { this.again = true; return }
    this.distributing = true
    try {
      do {
        this.again = false
        if (this.waiting.size === 0) break
        this.distributeOnce()
      } while (this.again)
    } finally { this.distributing = false }
  }

  private distributeOnce (): void {
    if (this.host.world.world.distribution === 'realFirst') {
      // The idle lists are walked as they are (a Map may lose its current entry while walked).
      for (const id of this.idleAgents.keys()) { if (this.waiting.size === 0) return; this.tryAgent(id) }
      for (const id of this.idleColleagues.keys()) { if (this.waiting.size === 0) return; this.tryColleague(id) }
      return
    }
    const agents = [...this.idleAgents].map(([id, since]): Candidate => ['agent', id, since])
    const colleagues = [...this.idleColleagues].map(([id, since]): Candidate => ['colleague', id, since])
    for (const [kind, id] of mergeBySince(agents, colleagues)) {
      if (this.waiting.size === 0) return
      if (kind === 'agent') this.tryAgent(id)
      else this.tryColleague(id)
    }
  }

  private tryAgent (id: string): void {
    const agent = this.host.agents.get(id)
    if (agent === undefined) { this.idleAgents.delete(id); return }
    let best: Waiting | undefined
    for (const s of agent.skills) best = this.better(best, s.id)
    if (best !== undefined) this.offerToAgent(best, agent)
  }

  private tryColleague (id: string): void {
    const colleague = this.colleagues.get(id)
    if (colleague === undefined) { this.idleColleagues.delete(id); return }
    let best: Waiting | undefined
    for (const s of colleague.skills) best = this.better(best, s)
    if (best !== undefined) this.offerToColleague(best, colleague)
  }

  /** The better of `best` and the head of a skill's queue: higher priority, then lower rank. */
  private better (best: Waiting | undefined, skill: number): Waiting | undefined {
    const head = this.queues.get(skill)?.[0]
    if (head === undefined) return best
    if (best === undefined || head.priority > best.priority || (head.priority === best.priority && head.rank < best.rank)) return head
    return best
  }

  private unqueue (entry: Waiting): void {
    const queue = this.queues.get(entry.skill)
    const i = queue?.indexOf(entry) ?? -1
    if (i >= 0) queue!.splice(i, 1)
    this.waiting.delete(entry.call.callid)
  }

  private offerToAgent (entry: Waiting, agent: Agent): void {
    this.unqueue(entry)
    this.idleAgents.delete(agent.id)
    this.host.calls.offerInbound(entry.call, agent)
  }

  private offerToColleague (entry: Waiting, c: ColleagueState): void {
    this.unqueue(entry)
    this.idleColleagues.delete(c.id)
    c.status = 'ringing'
    c.since = this.host.clock.now()
    c.callid = entry.call.callid
    this.colleagueOf.set(entry.call.callid, c.id)
    this.host.calls.offerToColleague(entry.call, c.id, {
      behaviour: 'answer',
      afterMs: this.draw(c.spec.answerAfterMs, 0),
      hangUpAfterMs: c.spec.handleTimeMs === undefined ? undefined : this.draw(c.spec.handleTimeMs, 0)
    })
  }

  // ---- CallListener --------------------------------------------------------------------------

  connected (call: Call): void {
    const entry = this.pending.get(call.callid)
    if (entry === undefined) return
    this.pending.delete(call.callid)
    entry.patience?.cancel()
    if (entry.skill >= 0) {
      const f = this.figuresOf(entry.skill)
      const wait = this.host.clock.now() - entry.since
      f.answered++
      f.totalWaitMs += wait
      if (wait > f.longestWaitMs) f.longestWaitMs = wait
      if (wait <= SERVICE_LEVEL_MS) f.withinServiceLevel++
    }
    const colleague = this.colleagues.get(this.colleagueOf.get(call.callid) ?? '')
    if (colleague !== undefined) { colleague.status = 'talking'; colleague.since = this.host.clock.now() }
  }

  ended (call: Call): void {
    const entry = this.pending.get(call.callid)
    if (entry !== undefined) {
      // Ended before anyone answered: the customer hung up (or was turned away).
      this.pending.delete(call.callid)
      entry.patience?.cancel()
      if (this.waiting.has(call.callid)) this.unqueue(entry)
      if (entry.skill >= 0 && call.answerTime === undefined && entry.rank > 0) this.figuresOf(entry.skill).abandoned++
    }
    const id = this.colleagueOf.get(call.callid)
    if (id !== undefined) {
      this.colleagueOf.delete(call.callid)
      const c = this.colleagues.get(id)
      if (c !== undefined && c.callid === call.callid) this.colleagueDone(c)
    }
  }

  requeue (call: Call, agentId: string): void {
    const entry = this.pending.get(call.callid)
    if (entry === undefined || call.ended) return
    // A call straight to one agent has no queue to go back to: the customer gives up.
    if (entry.skill < 0) { this.host.calls.farHangUp(call.callid); return }
    entry.requeues++
    entry.lastReleaseAgent = agentId
    const queue = this.queueOf(entry.skill)
    // Back to the head: before everyone of its priority.
    const head = queue.find(w => w.priority === entry.priority)
    entry.rank = head === undefined ? entry.rank : head.rank - 1
    this.host.calls.enqueue(call, entry.skill)
    this.insert(queue, entry)
    this.waiting.set(call.callid, entry)
    this.kick()
  }

  private colleagueDone (c: ColleagueState): void {
    c.callid = undefined
    const wrap = this.draw(c.spec.wrapUpMs, 0)
    const idle = (): void => {
      if (this.colleagues.get(c.id) !== c) return
      c.status = 'idle'
      c.since = this.host.clock.now()
      this.idleColleagues.set(c.id, c.since)
      this.kick()
    }
    if (wrap <= 0) { idle(); return }
    c.status = 'wrapUp'
    c.since = this.host.clock.now()
    this.host.clock.setTimer(wrap, idle)
  }

  // ---- background traffic --------------------------------------------------------------------

  private startTraffic (): void {
    for (const t of this.trafficTimers) t.cancel()
    this.trafficTimers = []
    this.host.world.world.traffic.forEach((spec, i) => this.scheduleArrival(spec, i))
  }

  private scheduleArrival (spec: TrafficSpec, slot: number): void {
    const now = this.host.clock.now()
    const { perHour, until } = rateAt(spec, now)
    let delay: number
    let arrive = true
    if (perHour <= 0 && until === Infinity) return
    if (perHour <= 0) { delay = until - now; arrive = false } else delay = Math.max(1, Math.round(exponential(this.random, 3600000 / perHour)))
    // A rate that changes before the next arrival: look again at the change (thinning).
    if (arrive && now + delay > until) { delay = until - now; arrive = false }
    this.trafficTimers[slot] = this.host.clock.setTimer(delay, () => {
      if (arrive) this.arrival(spec)
      this.scheduleArrival(spec, slot)
    })
  }

  private arrival (spec: TrafficSpec): void {
    const from = `${spec.callerPrefix ?? '1390000'}${String(++this.callerSeq).padStart(4, '0')}`
    // The world was checked when loaded: an access code or skill of the traffic always exists.
    this.customerCall({
      from,
      to: spec.to,
      skillid: spec.to === undefined ? spec.skill : undefined,
      patienceMs: spec.patienceMs === undefined ? undefined : this.draw(spec.patienceMs, 0),
      talkMs: spec.talkMs === undefined ? undefined : this.draw(spec.talkMs, 0),
      priority: spec.priority,
      callappdata: spec.callappdata
    })
  }

  private draw (d: Draw | undefined, fallback: number): number {
    if (d === undefined) return fallback
    if (typeof d === 'number') return d
    if ('mean' in d) return Math.round(exponential(this.random, d.mean))
    return Math.round(d.min + this.random() * (d.max - d.min))
  }

  // ---- figures for queries and the control API -----------------------------------------------

  /** Customers waiting in a skill's queue (not yet offered). */
  waitingIn (skill: number): number { return this.queues.get(skill)?.length ?? 0 }

  /** Customers waiting in any of these skills. */
  waitingInAny (skills: Skill[]): number {
    let n = 0
    for (const s of skills) n += this.waitingIn(s.id)
    return n
  }

  /** The waiting customers of a skill, best first. */
  queueEntries (skill: number): Array<{ call: Call, since: number, priority: number, requeues: number, lastReleaseAgent: string | undefined }> {
    return (this.queues.get(skill) ?? []).map(w => ({ call: w.call, since: w.since, priority: w.priority, requeues: w.requeues, lastReleaseAgent: w.lastReleaseAgent }))
  }

  /** What the ACD knows of a call that came in (for Incoming_CallInfo and callinfobeforeanswer). */
  customerOf (callid: string): { requeues: number, lastReleaseAgent: string | undefined } | undefined {
    const w = this.pending.get(callid)
    return w === undefined ? undefined : { requeues: w.requeues, lastReleaseAgent: w.lastReleaseAgent }
  }

  /**
   * The simulated colleagues as the agent directory lists them (a directory source): signed in to
   * their skills, idle, ringing or talking (agentState 7), or in wrap-up (5).
   */
  * directoryEntries (): Iterable<DirectoryEntry> {
    const world = this.host.world
    for (const c of this.colleagues.values()) {
      const skills = c.skills.map(id => world.skills.get(id)).filter((k): k is Skill => k !== undefined)
      const state = c.status === 'idle' ? { agentState: 4, ctiStatus: 1 } : c.status === 'wrapUp' ? { agentState: 5, ctiStatus: 6 } : { agentState: 7, ctiStatus: c.status === 'ringing' ? 2 : 5 }
      yield {
        workno: c.id,
        name: c.name,
        signedIn: true,
        ...state,
        group: world.groupOf(c.id),
        phone: '',
        configuredSkills: skills,
        skills,
        loginTime: this.loadedAt,
        stateSince: c.since,
        callids: c.callid === undefined ? [] : [c.callid],
        roles: DEFAULT_ROLES,
        rest: undefined
      }
    }
  }

  /** Agents (signed-in and simulated) able to take a skill's calls: signed in to it, and idle. */
  agentsOn (skill: number): { loggedOn: number, idle: number } {
    let loggedOn = 0
    let idle = 0
    for (const a of this.host.agents.values()) {
      if (!a.skills.some(s => s.id === skill)) continue
      loggedOn++
      if (this.idleAgents.has(a.id)) idle++
    }
    for (const c of this.colleagues.values()) {
      if (!c.skills.includes(skill)) continue
      loggedOn++
      if (c.status === 'idle') idle++
    }
    return { loggedOn, idle }
  }
}

function colleagueIds (spec: ColleagueSpec): string[] {
  if (spec.id !== undefined) return [spec.id]
  const from = BigInt(spec.idFrom ?? '0')
  const width = (spec.idFrom ?? '').length
  return Array.from({ length: spec.count ?? 0 }, (_, i) => String(from + BigInt(i)).padStart(width, '0'))
}

type Candidate = readonly [kind: 'agent' | 'colleague', id: string, since: number]

function mergeBySince (a: Candidate[], b: Candidate[]): Candidate[] {
  const out: Candidate[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]![2] <= b[j]![2])) out.push(a[i++]!)
    else out.push(b[j++]!)
  }
  return out
}

/** An exponential draw with this mean (inverse transform; never exactly 0 from 1 - random). */
function exponential (random: () => number, mean: number): number {
  return -Math.log(1 - random()) * mean
}

const DAY = 86400000

/** The arrival rate in force at `now` (UTC time of day) and when it next changes. */
export function rateAt (spec: TrafficSpec, now: number): { perHour: number, until: number } {
  if (spec.schedule === undefined) return { perHour: spec.perHour ?? 0, until: Infinity }
  const dayStart = Math.floor(now / DAY) * DAY
  const t = now - dayStart
  let perHour = 0
  let until = DAY
  for (const w of spec.schedule) {
    const from = minutes(w.from) * 60000
    const to = minutes(w.to) * 60000
    if (t >= from && t < to) { perHour = w.perHour; until = Math.min(until, to) } else if (from > t) until = Math.min(until, from)
  }
  return { perHour, until: dayStart + until }
}

function minutes (hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return h! * 60 + m!
}
