/**
 * The sequence diagram of a call or an agent (issue #14, dashboard): one lane per party, each
 * event with its time and content, the client's requests and their retcodes between them. Read
 * from what the mock keeps: per-agent event history, the request journal and the calls.
 * Events are keyed by the callid they carry (content.callid or a bare callid); an agent's diagram
 * shows everything of that agent. Polls are left out (their events are the arrows).
 *
 * Order: by time; at the same millisecond a request and its answer come before events (with the
 * virtual clock standing still, advance it between steps to see the true order).
 */
import type { Call } from '../../domain/call-model.js'
import type { GatewayEvent } from '../../domain/events.js'
import type { Journal, JournalEntry } from '../../domain/journal.js'
import type { Simulator } from '../../domain/simulator.js'

export interface Lane { id: string, label: string }

export interface Step {
  time: number
  from: string
  to: string
  kind: 'request' | 'answer' | 'event' | 'far'
  label: string
  /** Event content or request body, as JSON (absent when there is none). */
  detail?: string
  /** Answers: retcode 0. */
  ok?: boolean
}

export interface Sequence { title: string, lanes: Lane[], steps: Step[] }

const GATEWAY: Lane = { id: 'gateway', label: 'gateway (mock)' }
const MAX_STEPS = 500
const RANK: Record<Step['kind'], number> = { request: 0, answer: 1, far: 2, event: 3 }

const agentLane = (id: string): Lane => ({ id: `agent${id}`, label: `agent ${id}` })

/** The callid an event is about: `content.callid`, or the content itself when it is a bare callid. */
export function callidOf (e: GatewayEvent): string | undefined {
  const c = e.content
  if (typeof c === 'string') return c
  if (c !== null && typeof c === 'object' && typeof (c as { callid?: unknown }).callid === 'string') return (c as { callid: string }).callid
  return undefined
}

const json = (v: unknown): string | undefined => v === undefined || v === null ? undefined : JSON.stringify(v)

function eventStep (e: GatewayEvent): Step {
  const detail = json(e.content)
  return { time: e.genTime, from: GATEWAY.id, to: agentLane(e.workNo).id, kind: 'event', label: e.eventType, ...(detail === undefined ? {} : { detail }) }
}

function requestSteps (e: JournalEntry): Step[] {
  const lane = agentLane(e.agent ?? '?').id
  const detail = json(e.body)
  const retcode = e.retcode ?? '-'
  return [
    { time: e.time, from: lane, to: GATEWAY.id, kind: 'request', label: `${e.method} ${e.operation}`, ...(detail === undefined ? {} : { detail }) },
    { time: e.time, from: GATEWAY.id, to: lane, kind: 'answer', label: `${e.status} retcode ${retcode}`, ok: retcode === '0' }
  ]
}

function ordered (steps: Step[]): Step[] {
  // Array.prototype.sort is stable: equal keys keep the order they were gathered in.
  return steps.sort((a, b) => a.time - b.time || RANK[a.kind] - RANK[b.kind]).slice(-MAX_STEPS)
}

const isPoll = (e: JournalEntry): boolean => e.operation === 'getAgentEvent' || e.operation === 'getAllAgentEvent'

export function agentSequence (sim: Simulator, journal: Journal, agentId: string): Sequence {
  const steps = [
    ...sim.historyOf(agentId).map(eventStep),
    ...journal.find({ agent: agentId }).filter(e => !isPoll(e)).flatMap(requestSteps)
  ]
  return { title: `agent ${agentId}`, lanes: [agentLane(agentId), GATEWAY], steps: ordered(steps) }
}

export function callSequence (sim: Simulator, journal: Journal, call: Call): Sequence {
  const agents = [...new Set(call.connections.flatMap(c => c.device.kind === 'agent' ? [c.device.id] : []))]
  const far = call.connections.find(c => c.device.kind !== 'agent')
  const farEnd = far !== undefined
  const farLabel = far?.device.kind === 'customer' ? `customer ${call.callerNumber}` : `far end ${call.called}`
  const lanes = [...agents.map(agentLane), GATEWAY, ...(farEnd ? [{ id: 'far', label: farLabel }] : [])]
  const until = (call.endTime ?? Infinity) + 1000
  const steps: Step[] = []
  for (const a of agents) {
    steps.push(...sim.historyOf(a).filter(e => callidOf(e) === call.callid).map(eventStep))
    steps.push(...journal.find({ agent: a, since: call.beginTime, until })
      .filter(e => e.path.includes('/voicecall/') || e.path.includes('/calldata/')).flatMap(requestSteps))
  }
  if (farEnd) {
    steps.push({ time: call.beginTime, from: GATEWAY.id, to: 'far', kind: 'far', label: `dials ${call.called}` })
    if (call.answerTime !== undefined) steps.push({ time: call.answerTime, from: 'far', to: GATEWAY.id, kind: 'far', label: 'answers' })
    if (call.endTime !== undefined) steps.push({ time: call.endTime, from: GATEWAY.id, to: 'far', kind: 'far', label: 'released' })
  }
  return { title: `call ${call.callid}`, lanes, steps: ordered(steps) }
}

/** Mermaid text can hold neither ';' (a statement end) nor '#' (an entity) nor a line break: both as entity codes. */
function mermaidText (s: string): string {
  return s.replace(/[#;]/g, c => c === '#' ? '#35;' : '#59;').replace(/[\r\n]+/g, ' ')
}

const clockTime = (ms: number): string => new Date(ms).toISOString().slice(11, 23)

/** The same diagram as Mermaid text (sequenceDiagram), for docs, tickets and mermaid.live. */
export function toMermaid (seq: Sequence): string {
  const arrow: Record<Step['kind'], string> = { request: '->>', answer: '-->>', event: '-)', far: '->>' }
  const lines = ['sequenceDiagram', `  title ${mermaidText(seq.title)}`]
  for (const l of seq.lanes) lines.push(`  participant ${l.id} as ${mermaidText(l.label)}`)
  for (const s of seq.steps) {
    const detail = s.detail === undefined ? '' : ` ${s.detail.length > 120 ? `${s.detail.slice(0, 119)}…` : s.detail}`
    const time = s.kind === 'answer' ? '' : `${clockTime(s.time)} `
    lines.push(`  ${s.from}${arrow[s.kind]}${s.to}: ${mermaidText(`${time}${s.label}${detail}`)}`)
  }
  return lines.join('\n') + '\n'
}
