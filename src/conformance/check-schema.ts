/**
 * The shape of a conformance check file (`<checks>/checks/<name>.yaml`, issue #15): which scenario
 * to activate, what the engine does while it runs (steps), and what the journal and the event
 * history must show (expectations). One TypeBox schema gives validation and types.
 */
import Type, { type Static, type TSchema } from 'typebox'
import { FaultRuleSchema } from '../world/world-schema.js'

const OneOrMore = Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })])
const Ms = Type.Integer({ minimum: 0, maximum: 600000 })

/**
 * What a journal entry or an event must look like. `event` makes it an event match (the agent's
 * event history); anything else matches gateway requests of the client's agent.
 */
export const MatchSchema = Type.Object({
  event: Type.Optional(OneOrMore),
  operation: Type.Optional(OneOrMore),
  retcode: Type.Optional(OneOrMore),
  method: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
  status: Type.Optional(Type.Integer()),
  /** The name of the fault rule that fired on the request (`true`: any rule). */
  rule: Type.Optional(Type.Union([Type.String(), Type.Boolean()])),
  /** For sequence steps: at most this long after the previous step. */
  withinMs: Type.Optional(Ms)
}, { additionalProperties: false })

export type Match = Static<typeof MatchSchema>

const Described = { description: Type.Optional(Type.String()) }

const expectationKinds = {
  /** These happen in this order; the first is the trigger (never seen: not exercised). */
  sequence: Type.Object({ sequence: Type.Array(MatchSchema, { minItems: 1 }), ...Described }, { additionalProperties: false }),
  /** After `after` (or from the start), nothing matches `match` for `forMs` (or until the check ends). */
  never: Type.Object({
    never: Type.Object({ after: Type.Optional(MatchSchema), match: MatchSchema, forMs: Type.Optional(Ms) }, { additionalProperties: false }),
    ...Described
  }, { additionalProperties: false }),
  /** How many requests match while the check runs. */
  count: Type.Object({
    count: Type.Object({ match: MatchSchema, atLeast: Type.Optional(Type.Integer({ minimum: 0 })), atMost: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }),
    ...Described
  }, { additionalProperties: false }),
  /** Two requests of the same operation and path are never in flight at once. */
  singleFlight: Type.Object({ singleFlight: Type.Object({ match: Type.Optional(MatchSchema) }, { additionalProperties: false }), ...Described }, { additionalProperties: false }),
  /** After a poll that carried an event, the next poll starts within `withinMs`. */
  repollAfterEvent: Type.Object({ repollAfterEvent: Type.Object({ withinMs: Ms }, { additionalProperties: false }), ...Described }, { additionalProperties: false }),
  /** Polls that carried no event: at most this many per second. */
  idlePollRate: Type.Object({ idlePollRate: Type.Object({ maxPerSecond: Type.Number({ minimum: 0 }) }, { additionalProperties: false }), ...Described }, { additionalProperties: false }),
  /** The client process is still running when the check ends (not judged with --attach). */
  alive: Type.Object({ alive: Type.Boolean(), ...Described }, { additionalProperties: false }),
  /** Reported, not judged: whether `match` followed `after` within `withinMs`. */
  report: Type.Object({
    report: Type.Object({ after: MatchSchema, match: MatchSchema, withinMs: Ms }, { additionalProperties: false }),
    ...Described
  }, { additionalProperties: false }),
  /** Every request of the whole run used a known interface with valid parameters. */
  validRequests: Type.Object({ validRequests: Type.Boolean(), ...Described }, { additionalProperties: false })
}

const k = expectationKinds
const ExpectationSchema = Type.Union([k.sequence, k.never, k.count, k.singleFlight, k.repollAfterEvent, k.idlePollRate, k.alive, k.report, k.validRequests])
export type Expectation = Static<typeof ExpectationSchema>

const stepKinds = {
  /** Wait until a request or event matches (bounded by the check's timeout); never: not exercised. */
  waitFor: Type.Object({ waitFor: MatchSchema }, { additionalProperties: false }),
  /** Queue an event for the client's agent. */
  inject: Type.Object({ inject: Type.Object({ eventType: Type.String({ minLength: 1 }), content: Type.Optional(Type.Unknown()) }, { additionalProperties: false }) }, { additionalProperties: false }),
  /** Queue again a copy of the agent's newest event of this type (an event delivered twice). */
  duplicate: Type.Object({ duplicate: Type.Object({ event: Type.String({ minLength: 1 }) }, { additionalProperties: false }) }, { additionalProperties: false }),
  /** A colleague (a second agent the engine signs in) places an internal call to the client's agent. */
  call: Type.Object({ call: Type.Object({}, { additionalProperties: false }) }, { additionalProperties: false }),
  /** A customer calls in: POST /__mock/customers (issue #11) with these fields. */
  customer: Type.Object({ customer: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
  /** Arm a fault rule through the control API (`{agent}` stands for the client's agent). */
  arm: Type.Object({ arm: FaultRuleSchema }, { additionalProperties: false })
}

const st = stepKinds
const EngineStepSchema = Type.Union([st.waitFor, st.inject, st.duplicate, st.call, st.customer, st.arm])
export type EngineStep = Static<typeof EngineStepSchema>

export const CheckFileSchema = Type.Object({
  name: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' })),
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  /** Checks run by this number, then by name (default 100). */
  order: Type.Optional(Type.Integer()),
  /** A scenario of the same checks folder (scenarios/<name>.yaml); default: the check's own name if that file exists. */
  scenario: Type.Optional(Type.String({ minLength: 1 })),
  /** `run`: judged once, over every request of the run, after the other checks. */
  scope: Type.Optional(Type.Union([Type.Literal('check'), Type.Literal('run')])),
  /** The longest the check watches the client. */
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600000 })),
  steps: Type.Optional(Type.Array(EngineStepSchema)),
  expect: Type.Array(ExpectationSchema, { minItems: 1 })
}, { additionalProperties: false })

export type CheckFile = Static<typeof CheckFileSchema>

/** The file's own fields; `expect` and `steps` items are checked one by one (`pickKind`). */
export const CheckShellSchema = Type.Object({
  ...CheckFileSchema.properties,
  steps: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
  expect: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1 })
}, { additionalProperties: false })

/** The schema of an `expect` or `steps` item, chosen by its key (a fault rule is checked on its own, precompiled). */
function pickKind (kinds: Record<string, TSchema>, what: string) {
  return (item: unknown): { schema: TSchema, field?: string } | string => {
    const key = Object.keys(item as object).find(k => k in kinds)
    if (key === undefined) return `${what} must be one of ${Object.keys(kinds).join(', ')}`
    if (key === 'arm') return { schema: FaultRuleSchema, field: 'arm' }
    return { schema: kinds[key]! }
  }
}

export const checkLists = { expect: pickKind(expectationKinds, 'an expectation'), steps: pickKind(stepKinds, 'a step') }
