/**
 * The agent machine tested by enumerating its table (style §7): every (state, command) pair either
 * leads to a known state with documented events or answers a catalogue key. Then the transitions
 * the spec pins down (§3.1, Part C §2 and §4), one by one.
 */
import t from 'tap'
import {
  agentMachine, agentStateCode, transition,
  type AgentCommand, type AgentFacts, type AgentStatus, type CommandInput, type TransitionResult
} from '../../src/domain/agent-machine.js'
import { errorCatalogue, type ErrorKey } from '../../src/domain/error-catalogue.js'

const statuses: AgentStatus[] = ['signedOut', 'idle', 'notReady', 'work', 'rest', 'occupied']
const commands: AgentCommand[] = [
  'signInIdle', 'signInBusy', 'signInWork',
  'sayBusy', 'cancelBusy', 'sayFree', 'rest', 'cancelRest', 'work', 'cancelWork',
  'signOut', 'forceSignOut', 'occupy', 'vacate', 'restTimeout'
]

/** Event names of spec §5 (and Part C §4). */
const documentedEvents = new Set([
  'AgentOther_InService', 'AgentOther_ShutdownService', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook',
  'AgentOther_PhoneRelease', 'AgentOther_PhoneUnknow', 'AgentOther_All_Agent_Busy',
  'AgentState_Ready', 'AgentState_Busy', 'AgentState_Work', 'AgentState_SetNotReady_Success',
  'AgentState_CancelNotReady_Success', 'AgentState_Force_SetNotReady', 'AgentState_Force_Ready',
  'AgentState_SetRest_Success', 'AgentState_CancelRest_Success', 'AgentState_Rest_Timeout',
  'AgentState_SetWork_Success', 'AgentState_CancelWork_Success',
  'AgentEvent_Customer_Alerting', 'AgentEvent_Ringing', 'AgentEvent_Auto_Answer', 'AgentEvent_Talking',
  'AgentEvent_Hold', 'AgentEvent_Conference', 'AgentEvent_Call_Out_Fail', 'AgentEvent_Inside_Call_Fail',
  'AgentEvent_Call_Release', 'AgentEvent_Customer_Release', 'AgentEvent_No_Answer', 'AgentEvent_Connect_Fail',
  'AgentEvent_Consult_Fail', 'AgentEvent_SuccTransResult'
])

const facts = (status: AgentStatus, more: Partial<AgentFacts> = {}): AgentFacts =>
  ({ status, pendingBusy: false, pendingRest: false, pendingWork: false, lastCallConnected: false, autoEnterIdle: true, ...more }) as AgentFacts

/** The state an ok result leads to. */
const target = (from: AgentStatus, r: TransitionResult): AgentStatus | undefined =>
  r.ok ? r.change.status ?? from : undefined

const types = (r: TransitionResult): string[] => r.ok ? r.emit.map(e => e.eventType) : []

type Ok = Extract<TransitionResult, { ok: true }>

/** The ok result, or an error that fails the test. */
function ok (r: TransitionResult): Ok {
  if (!r.ok) throw new Error(`expected ok, got ${r.error}`)
  return r
}

// ---- the whole table ---------------------------------------------------------------------------

t.test('the enumeration covers the whole table', async (t) => {
  t.same(Object.keys(agentMachine).sort(), [...statuses].sort(), 'every state of the table is enumerated')
  const used = new Set(Object.values(agentMachine).flatMap(rules => Object.keys(rules)))
  for (const c of used) t.ok(commands.includes(c as AgentCommand), `command ${c} is enumerated`)
})

t.test('every (state, command) pair, under every fact combination, yields a known state or a catalogue key', async (t) => {
  const bools = [false, true]
  const factCombinations = bools.flatMap(pendingBusy => bools.flatMap(pendingRest => bools.flatMap(lastCallConnected =>
    bools.map(autoEnterIdle => ({ pendingBusy, pendingRest, lastCallConnected, autoEnterIdle })))))
  t.equal(factCombinations.length, 16)
  const inputs: CommandInput[] = [{}, { prolong: true, busyReason: '201', restReason: '3', loginTime: '1' }, { prolong: false }]
  for (const status of statuses) {
    const problems: string[] = []
    let pairs = 0
    for (const command of commands) {
      for (const flags of factCombinations) {
        for (const input of inputs) {
          const f = facts(status, flags)
          const label = `${status} + ${command} ${JSON.stringify(f)} ${JSON.stringify(input)}`
          let r: TransitionResult
          try {
            r = transition(f, command, input)
          } catch (err) {
            problems.push(`${label}: threw ${(err as Error).message}`)
            continue
          }
          pairs++
          if (r.ok) {
            const to = target(status, r)
            if (to === undefined || !statuses.includes(to)) problems.push(`${label}: unknown target ${String(to)}`)
            for (const e of r.emit) if (!documentedEvents.has(e.eventType)) problems.push(`${label}: unknown event ${e.eventType}`)
            for (const k of Object.keys(r.change)) if (k !== 'status' && !k.startsWith('pending')) problems.push(`${label}: changes ${k}`)
          } else if (!(r.error in errorCatalogue)) {
            problems.push(`${label}: unknown error key ${String(r.error)}`)
          }
        }
      }
    }
    t.same(problems, [], `${status}: ${pairs} transitions, none throws or names an unknown state, event or key`)
  }
})

/**
 * Default facts, no input: each pair's outcome (a target state, or the error key). Pairs not
 * listed for a state answer that state's `otherwise` key.
 */
const table: Record<AgentStatus, { otherwise: ErrorKey, listed: Partial<Record<AgentCommand, AgentStatus | ErrorKey>> }> = {
  signedOut: {
    otherwise: 'NOT_SIGNED_IN',
    listed: {
      signInIdle: 'idle',
      signInBusy: 'notReady',
      signInWork: 'work',
      signOut: 'ALREADY_SIGNED_OUT'
    }
  },
  idle: {
    otherwise: 'STATE_NOT_ALLOWED',
    listed: {
      sayBusy: 'notReady',
      rest: 'rest',
      work: 'work',
      signOut: 'signedOut',
      forceSignOut: 'signedOut',
      occupy: 'occupied'
    }
  },
  notReady: {
    otherwise: 'STATE_NOT_ALLOWED',
    listed: {
      cancelBusy: 'idle',
      sayFree: 'idle',
      rest: 'rest',
      work: 'work',
      signOut: 'signedOut',
      forceSignOut: 'signedOut',
      occupy: 'occupied'
    }
  },
  work: {
    otherwise: 'STATE_NOT_ALLOWED',
    listed: {
      sayBusy: 'notReady',
      cancelWork: 'idle',
      sayFree: 'idle',
      rest: 'rest',
      signOut: 'signedOut',
      forceSignOut: 'signedOut',
      occupy: 'occupied'
    }
  },
  rest: {
    otherwise: 'STATE_NOT_ALLOWED',
    listed: {
      cancelRest: 'idle',
      sayFree: 'idle',
      restTimeout: 'rest',
      signOut: 'signedOut',
      forceSignOut: 'signedOut',
      occupy: 'occupied'
    }
  },
  occupied: {
    otherwise: 'STATE_NOT_ALLOWED',
    listed: {
      sayBusy: 'occupied',
      rest: 'occupied',
      signOut: 'LOGOUT_WRONG_STATE',
      forceSignOut: 'signedOut',
      vacate: 'idle'
    }
  }
}

t.test('each (state, command) pair has its documented outcome', async (t) => {
  for (const status of statuses) {
    for (const command of commands) {
      const r = transition(facts(status), command)
      const got = r.ok ? target(status, r) : r.error
      const row = table[status]
      t.equal(got, row.listed[command] ?? row.otherwise, `${status} + ${command}`)
    }
  }
})

// ---- sign-in and sign-out ----------------------------------------------------------------------

t.test('sign-in with status 4 emits InService then Ready and leaves the agent idle', async (t) => {
  const r = ok(transition(facts('signedOut'), 'signInIdle'))
  t.same(r.emit, [{ eventType: 'AgentOther_InService', content: null }, { eventType: 'AgentState_Ready', content: null }])
  t.match(r.change, { status: 'idle', pendingBusy: false, pendingRest: false })
})

t.test('sign-in with status 3 emits InService, Ready, SetNotReady_Success and leaves the agent busy', async (t) => {
  const r = ok(transition(facts('signedOut'), 'signInBusy', { busyReason: '201' }))
  t.same(r.emit, [
    { eventType: 'AgentOther_InService', content: null },
    { eventType: 'AgentState_Ready', content: null },
    { eventType: 'AgentState_SetNotReady_Success', content: { reason: '201' } }
  ])
  t.equal(r.change.status, 'notReady')
  const noReason = ok(transition(facts('signedOut'), 'signInBusy'))
  t.same(noReason.emit[2], { eventType: 'AgentState_SetNotReady_Success', content: { reason: '0' } }, 'no reason reads "0"')
})

t.test('sign-in with status 5 emits InService, Ready, AgentState_Work and leaves the agent in wrap-up', async (t) => {
  const r = ok(transition(facts('signedOut'), 'signInWork'))
  t.same(types(r), ['AgentOther_InService', 'AgentState_Ready', 'AgentState_Work'])
  t.equal(r.change.status, 'work')
})

t.test('sign-out from any signed-in state except occupied emits ShutdownService with the login time', async (t) => {
  for (const status of ['idle', 'notReady', 'work', 'rest'] as const) {
    for (const command of ['signOut', 'forceSignOut'] as const) {
      const r = ok(transition(facts(status), command, { loginTime: '1700000000000' }))
      t.same(r.emit, [{ eventType: 'AgentOther_ShutdownService', content: { loginTime: '1700000000000' } }], `${status} + ${command}`)
      t.match(r.change, { status: 'signedOut', pendingBusy: false, pendingRest: false })
    }
  }
})

t.test('a signed-out agent signing out again gets 100-008, any other command 100-006', async (t) => {
  t.same(transition(facts('signedOut'), 'signOut'), { ok: false, error: 'ALREADY_SIGNED_OUT' })
  t.same(transition(facts('signedOut'), 'sayBusy'), { ok: false, error: 'NOT_SIGNED_IN' })
})

// ---- busy, free, rest, work --------------------------------------------------------------------

t.test('sayBusy from idle emits SetNotReady_Success carrying the reason', async (t) => {
  const r = ok(transition(facts('idle'), 'sayBusy', { busyReason: '200' }))
  t.same(r.emit, [{ eventType: 'AgentState_SetNotReady_Success', content: { reason: '200' } }])
  t.equal(r.change.status, 'notReady')
})

t.test('sayBusy from work moves to busy', async (t) => {
  const r = transition(facts('work'), 'sayBusy')
  t.equal(target('work', r), 'notReady')
  t.same(types(r), ['AgentState_SetNotReady_Success'])
})

t.test('a busy agent saying busy again needs prolong=true (spec §3.1)', async (t) => {
  t.same(transition(facts('notReady'), 'sayBusy'), { ok: false, error: 'STATE_NOT_ALLOWED' })
  t.same(transition(facts('notReady'), 'sayBusy', { prolong: false }), { ok: false, error: 'STATE_NOT_ALLOWED' })
  const r = ok(transition(facts('notReady'), 'sayBusy', { prolong: true, busyReason: '205' }))
  t.same(r.emit, [{ eventType: 'AgentState_SetNotReady_Success', content: { reason: '205' } }])
  t.equal(r.change.status, 'notReady')
})

t.test('cancelBusy from busy emits CancelNotReady_Success and the agent is idle', async (t) => {
  const r = transition(facts('notReady'), 'cancelBusy')
  t.equal(target('notReady', r), 'idle')
  t.same(types(r), ['AgentState_CancelNotReady_Success'])
})

t.test('sayFree ends busy, wrap-up and rest, each with its own event (Part C §4)', async (t) => {
  const cases: Array<[AgentStatus, string]> = [
    ['notReady', 'AgentState_CancelNotReady_Success'],
    ['work', 'AgentState_CancelWork_Success'],
    ['rest', 'AgentState_CancelRest_Success']
  ]
  for (const [from, event] of cases) {
    const r = transition(facts(from), 'sayFree')
    t.equal(target(from, r), 'idle', `${from} → idle`)
    t.same(types(r), [event], `${from} emits ${event}`)
  }
})

t.test('rest is allowed from idle, busy and wrap-up and emits SetRest_Success with the cause', async (t) => {
  for (const from of ['idle', 'notReady', 'work'] as const) {
    const r = ok(transition(facts(from), 'rest', { restReason: '7' }))
    t.same(r.emit, [{ eventType: 'AgentState_SetRest_Success', content: { reason: '7' } }], from)
    t.equal(r.change.status, 'rest', from)
  }
})

t.test('rest while resting needs prolong=true', async (t) => {
  t.same(transition(facts('rest'), 'rest'), { ok: false, error: 'STATE_NOT_ALLOWED' })
  t.equal(target('rest', transition(facts('rest'), 'rest', { prolong: true })), 'rest')
})

t.test('the rest timeout is a reminder only: the agent stays in rest', async (t) => {
  const r = ok(transition(facts('rest'), 'restTimeout'))
  t.same(r.change, {}, 'nothing changes')
  t.same(r.emit, [{ eventType: 'AgentState_Rest_Timeout', content: null }])
})

t.test('cancelRest and cancelWork return to idle with their events', async (t) => {
  t.same(types(transition(facts('rest'), 'cancelRest')), ['AgentState_CancelRest_Success'])
  t.same(types(transition(facts('work'), 'cancelWork')), ['AgentState_CancelWork_Success'])
  t.same(types(transition(facts('idle'), 'work')), ['AgentState_SetWork_Success'])
})

// ---- during a call -----------------------------------------------------------------------------

t.test('an occupied agent cannot sign out (100-010) but can be forced out', async (t) => {
  t.same(transition(facts('occupied'), 'signOut'), { ok: false, error: 'LOGOUT_WRONG_STATE' })
  t.equal(errorCatalogue.LOGOUT_WRONG_STATE.retcode, '100-010')
  t.equal(target('occupied', transition(facts('occupied'), 'forceSignOut')), 'signedOut')
})

t.test('busy and rest asked for during a call become pending, silently', async (t) => {
  const busy = ok(transition(facts('occupied'), 'sayBusy'))
  t.match(busy.change, { pendingBusy: true, pendingRest: false })
  t.same(busy.emit, [])
  const rest = ok(transition(facts('occupied', { pendingBusy: true }), 'rest'))
  t.match(rest.change, { pendingRest: true, pendingBusy: false })
  t.same(rest.emit, [])
})

t.test('a pending busy or rest can be cancelled during the call, and only if pending', async (t) => {
  const cb = ok(transition(facts('occupied', { pendingBusy: true }), 'cancelBusy'))
  t.match(cb.change, { pendingBusy: false })
  t.same(types(cb), ['AgentState_CancelNotReady_Success'])
  const cr = ok(transition(facts('occupied', { pendingRest: true }), 'cancelRest'))
  t.match(cr.change, { pendingRest: false })
  t.same(types(cr), ['AgentState_CancelRest_Success'])
  t.same(transition(facts('occupied'), 'cancelBusy'), { ok: false, error: 'STATE_NOT_ALLOWED' })
  t.same(transition(facts('occupied'), 'cancelRest'), { ok: false, error: 'STATE_NOT_ALLOWED' })
})

t.test('when the call ends, pending rest wins over pending busy, which wins over wrap-up', async (t) => {
  const both = ok(transition(facts('occupied', { pendingRest: true, pendingBusy: true, lastCallConnected: true, autoEnterIdle: false }), 'vacate', { restReason: '4', busyReason: '201' }))
  t.match(both.change, { status: 'rest', pendingBusy: false, pendingRest: false })
  t.same(both.emit, [{ eventType: 'AgentState_SetRest_Success', content: { reason: '4' } }])

  const busy = ok(transition(facts('occupied', { pendingBusy: true, lastCallConnected: true, autoEnterIdle: false }), 'vacate', { busyReason: '201' }))
  t.match(busy.change, { status: 'notReady', pendingBusy: false, pendingRest: false })
  t.same(busy.emit, [{ eventType: 'AgentState_SetNotReady_Success', content: { reason: '201' } }])

  const wrapUp = ok(transition(facts('occupied', { lastCallConnected: true, autoEnterIdle: false }), 'vacate'))
  t.match(wrapUp.change, { status: 'work', pendingBusy: false, pendingRest: false })
  t.same(wrapUp.emit, [{ eventType: 'AgentState_Work', content: null }])
})

t.test('when the call ends with nothing pending and no wrap-up due, the agent is Ready', async (t) => {
  const cases: Array<Partial<AgentFacts>> = [
    { lastCallConnected: true, autoEnterIdle: true },
    { lastCallConnected: false, autoEnterIdle: false },
    { lastCallConnected: false, autoEnterIdle: true }
  ]
  for (const more of cases) {
    const r = ok(transition(facts('occupied', more), 'vacate'))
    t.equal(r.change.status, 'idle', JSON.stringify(more))
    t.same(r.emit, [{ eventType: 'AgentState_Ready', content: null }], JSON.stringify(more))
  }
})

/** Apply a command the way the Simulator does: merge the change into the facts. */
const apply = (f: AgentFacts, c: AgentCommand, input: CommandInput = {}): AgentFacts => ({ ...f, ...ok(transition(f, c, input)).change })

t.test('occupy remembers a busy or resting agent so the call ends back in that state', async (t) => {
  for (const from of ['idle', 'notReady', 'rest'] as const) {
    const during = apply(facts(from), 'occupy')
    t.equal(during.status, 'occupied', `${from} → occupied`)
    t.equal(transition(during, 'occupy').ok, false, 'occupying an occupied agent is refused')
    t.equal(apply(during, 'vacate').status, from, `${from} → occupied → ${from}`)
  }
})

t.test('a wrap-up agent who places a call that never connects comes back to wrap-up (doc comment on occupy)', async (t) => {
  // agent-machine.ts: "Busy, rest and wrap-up agents may place calls; they come back to that state afterwards."
  const during = apply(facts('work', { autoEnterIdle: false }), 'occupy')
  t.equal(during.status, 'occupied')
  t.equal(apply({ ...during, lastCallConnected: false }, 'vacate').status, 'work')
})

// ---- agentState codes ---------------------------------------------------------------------------

t.test('agentStateCode follows Part C §2 for every status', async (t) => {
  const expected: Array<[AgentStatus, boolean, number]> = [
    ['signedOut', false, 2], ['notReady', false, 3], ['idle', false, 4], ['work', false, 5],
    ['rest', false, 8], ['occupied', false, 7], ['occupied', true, 9]
  ]
  for (const [status, pendingRest, code] of expected) {
    t.equal(agentStateCode({ status, pendingRest }), code, `${status}${pendingRest ? ' + pending rest' : ''} → ${code}`)
  }
  t.equal(agentStateCode(facts('occupied', { pendingBusy: true })), 7, 'a pending busy is still talking (7)')
  const all = new Set(statuses.flatMap(s => [false, true].map(p => agentStateCode({ status: s, pendingRest: p }))))
  t.notOk(all.has(1), '1 (signed in) is never sent')
  t.notOk(all.has(6), '6 (same as idle) is never sent')
})

// ---- purity ------------------------------------------------------------------------------------

function deepFreeze<T> (o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v)
    Object.freeze(o)
  }
  return o
}

t.test('transition is pure: it never mutates its inputs and answers the same twice', async (t) => {
  const problems: string[] = []
  for (const status of statuses) {
    for (const command of commands) {
      for (const more of [{}, { pendingBusy: true }, { pendingRest: true, lastCallConnected: true, autoEnterIdle: false }]) {
        const f = facts(status, more)
        const input: CommandInput = { prolong: true, busyReason: '201', restReason: '2', loginTime: '5' }
        const before = JSON.stringify([f, input])
        const frozen = deepFreeze({ f: { ...f }, input: { ...input } })
        try {
          const a = transition(frozen.f, command, frozen.input)
          const b = transition(f, command, input)
          if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${status} + ${command}: answers differ`)
          if (a.ok && b.ok && a.emit === b.emit) problems.push(`${status} + ${command}: shares its emit array`)
        } catch (err) {
          problems.push(`${status} + ${command}: ${(err as Error).message}`)
        }
        if (JSON.stringify([f, input]) !== before) problems.push(`${status} + ${command}: mutated its input`)
      }
    }
  }
  t.same(problems, [])
})
