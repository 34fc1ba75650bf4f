/**
 * The shapes of fault rules, timeline steps and customer calls, written once as TypeBox schemas
 * (issue #17): the scenario files and the control API validate with them (src/world/world-schema.ts),
 * and the domain's types are derived from them with `Static<>` (faults.ts, scenario.ts,
 * contact-center.ts). Each rule and step schema is built for an agent reference: files and the
 * control API may write an agent id as a number or a string (`agentRef`); the domain holds it as a
 * string (`Type.String()`), after src/world/load-world.ts normalised it.
 */
import Type, { type Static, type TSchema, type TString } from 'typebox'

/** Milliseconds, up to a day. */
export const Ms = Type.Integer({ minimum: 0, maximum: 86400000 })
const Str = Type.String({ minLength: 1 })
const closed = { additionalProperties: false } as const

/** An agent id as a file or the control API writes it: digits, as a string or a number. */
export const AgentRef = Type.Union([Type.String({ pattern: '^[0-9]{1,24}$' }), Type.Integer({ minimum: 0 })])

export const FaultActionSchema = Type.Union([
  Type.Object({ retcode: Type.String({ pattern: '^([0-9]{3}-[0-9]{3}|0)$' }), message: Type.Optional(Type.String()) }, closed),
  Type.Object({ delayMs: Type.Union([Ms, Type.Tuple([Ms, Ms])]) }, closed),
  Type.Object({
    transport: Type.Union([Type.Literal('reset'), Type.Literal('hang'), Type.Literal('truncated'), Type.Literal('malformed'), Type.Literal('http5xx')]),
    status: Type.Optional(Type.Integer({ minimum: 500, maximum: 599 }))
  }, closed),
  Type.Object({ expireGuid: Type.Literal(true) }, closed),
  Type.Object({ forceSignOut: Type.Literal(true) }, closed),
  Type.Object({ dropNextEvent: Type.Literal(true) }, closed),
  Type.Object({ duplicateNextEvent: Type.Literal(true) }, closed),
  Type.Object({ delayEventsMs: Ms }, closed)
])

/** A fault rule whose `match.agent` is written as `agent`. */
export function faultRuleSchema<A extends TSchema> (agent: A) {
  return Type.Object({
    id: Type.Optional(Str),
    name: Type.Optional(Type.String()),
    match: Type.Object({
      /** Vendor method name(s): `login`, `callInner`, `getAgentEvent`, ... */
      operation: Type.Optional(Type.Union([Str, Type.Array(Str, { minItems: 1 })])),
      agent: Type.Optional(agent),
      callid: Type.Optional(Str),
      /** Request fields (body or query) that must equal these values, compared as strings. */
      fields: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])))
    }, closed),
    fire: Type.Optional(Type.Object({
      /** Fire on at most this many matches (after `after` is passed). */
      times: Type.Optional(Type.Integer({ minimum: 0 })),
      /** Let this many matches pass before firing. */
      after: Type.Optional(Type.Integer({ minimum: 0 })),
      /** Fire with this probability (seeded random). */
      probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 }))
    }, closed)),
    action: FaultActionSchema
  }, closed)
}

/** A customer calling in (control API `POST /__mock/customers`, timeline `customerCall`). */
export const CustomerCallSchema = Type.Object({
  from: Type.String({ pattern: '^[0-9*#]{1,24}$' }),
  /** An access code... */
  to: Type.Optional(Type.String({ pattern: '^[0-9*#]{1,24}$' })),
  /** ...or a skill queue... */
  skillid: Type.Optional(Type.Integer({ minimum: 0 })),
  /** ...or one agent directly. */
  agent: Type.Optional(Type.String({ pattern: '^[0-9]{1,24}$' })),
  callappdata: Type.Optional(Type.String({ maxLength: 16384 })),
  patienceMs: Type.Optional(Ms),
  talkMs: Type.Optional(Ms),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 }))
}, closed)

export const AgentStateName = Type.Union([Type.Literal('idle'), Type.Literal('busy'), Type.Literal('rest'), Type.Literal('work'), Type.Literal('signedOut')])

/** What a timeline step does, with agents written as `agent`. */
function timelineActionSchema<A extends TSchema> (agent: A) {
  const AgentArg = Type.Object({ agent: Type.Optional(agent) }, closed)
  return Type.Union([
    Type.Object({ farHangUp: AgentArg }, closed),
    Type.Object({ farAnswer: AgentArg }, closed),
    Type.Object({ signOut: AgentArg }, closed),
    Type.Object({ expireGuid: AgentArg }, closed),
    Type.Object({ setState: Type.Object({ agent: Type.Optional(agent), state: AgentStateName }, closed) }, closed),
    Type.Object({ inject: Type.Object({ agent: Type.Optional(agent), eventType: Str, content: Type.Optional(Type.Unknown()) }, closed) }, closed),
    Type.Object({ armFault: faultRuleSchema(agent) }, closed),
    Type.Object({ customerCall: CustomerCallSchema }, closed),
    /** A push receiver-down window (Part D §D5): the agent's (or, without one, every) delivery fails. */
    Type.Object({ pushDown: Type.Object({ agent: Type.Optional(agent), forMs: Ms }, closed) }, closed)
  ])
}

/** A timeline step with agents written as `agent`. */
export function timelineStepSchema<A extends TSchema> (agent: A) {
  return Type.Object({
    name: Type.Optional(Type.String()),
    /** ms after the scenario starts. */
    at: Type.Optional(Ms),
    /** Or: when this event is queued for an agent (any agent when `agent` is absent). */
    after: Type.Optional(Type.Object({ event: Str, agent: Type.Optional(agent) }, closed)),
    /** Wait this long after the trigger. */
    delayMs: Type.Optional(Ms),
    /** Fire on every trigger, not only the first. */
    repeat: Type.Optional(Type.Boolean()),
    do: timelineActionSchema(agent)
  }, closed)
}

// The domain's shapes: agents as strings.
export type FaultAction = Static<typeof FaultActionSchema>
export type FaultRule = Static<ReturnType<typeof faultRuleSchema<TString>>>
export type TimelineStep = Static<ReturnType<typeof timelineStepSchema<TString>>>
export type TimelineAction = TimelineStep['do']
export type CustomerCallInput = Static<typeof CustomerCallSchema>
export type ForcedState = Static<typeof AgentStateName>
