/**
 * The world file's shape (issue #3): a TypeBox schema, so one definition gives validation, types
 * and (later) documentation. Ids and numbers may be written as YAML numbers or strings.
 */
import Type, { type Static } from 'typebox'
import { AgentRef, AgentStateName, CustomerCallSchema, faultRuleSchema, Ms, timelineStepSchema } from '../domain/scenario-schema.js'

const Id = Type.Union([Type.String({ pattern: '^[0-9]{1,24}$' }), Type.Integer({ minimum: 0 })])
const Behaviour = Type.Union(['answer', 'noAnswer', 'reject', 'busy', 'notSignedIn', 'invalid'].map(b => Type.Literal(b)))

const PeerFields = {
  name: Type.Optional(Type.String()),
  behaviour: Behaviour,
  afterMs: Type.Optional(Ms),
  hangUpAfterMs: Type.Optional(Ms)
}

const DrawSchema = Type.Union([
  Ms,
  Type.Object({ mean: Ms }, { additionalProperties: false }),
  Type.Object({ min: Ms, max: Ms }, { additionalProperties: false })
])
const Clock = Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' })
const Digits = Type.String({ pattern: '^[0-9*#]{1,24}$' })

const ContactCenterFields = {
  accessCodes: Type.Optional(Type.Array(Type.Object({
    inno: Digits,
    skill: Type.Integer({ minimum: 0 }),
    description: Type.Optional(Type.String()),
    ivrDelayMs: Type.Optional(Ms)
  }, { additionalProperties: false }))),
  colleagues: Type.Optional(Type.Array(Type.Object({
    id: Type.Optional(Id),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    idFrom: Type.Optional(Id),
    name: Type.Optional(Type.String()),
    skills: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1 }),
    answerAfterMs: Type.Optional(DrawSchema),
    handleTimeMs: Type.Optional(DrawSchema),
    wrapUpMs: Type.Optional(DrawSchema)
  }, { additionalProperties: false }))),
  traffic: Type.Optional(Type.Array(Type.Object({
    to: Type.Optional(Digits),
    skill: Type.Optional(Type.Integer({ minimum: 0 })),
    perHour: Type.Optional(Type.Number({ minimum: 0, maximum: 3600000 })),
    schedule: Type.Optional(Type.Array(Type.Object({ from: Clock, to: Clock, perHour: Type.Number({ minimum: 0, maximum: 3600000 }) }, { additionalProperties: false }))),
    patienceMs: Type.Optional(DrawSchema),
    talkMs: Type.Optional(DrawSchema),
    callerPrefix: Type.Optional(Type.String({ pattern: '^[0-9]{0,16}$' })),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    callappdata: Type.Optional(Type.String({ maxLength: 16384 }))
  }, { additionalProperties: false }))),
  wrapUpMs: Type.Optional(Ms),
  noAnswerThen: Type.Optional(Type.Union([Type.Literal('busy'), Type.Literal('idle')])),
  distribution: Type.Optional(Type.Union([Type.Literal('realFirst'), Type.Literal('longestIdle')]))
}

export const WorldFileSchema = Type.Object({
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  ringTimeoutMs: Type.Optional(Ms),
  defaultCaller: Type.Optional(Type.String({ pattern: '^[0-9]{0,24}$' })),
  skills: Type.Optional(Type.Array(Type.Object({
    id: Type.Integer({ minimum: 0 }),
    name: Type.String(),
    capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    overflow: Type.Optional(Type.Union([Type.Literal('busy'), Type.Integer({ minimum: 0 })]))
  }, { additionalProperties: false }))),
  agents: Type.Optional(Type.Array(Type.Object({
    id: Id,
    password: Type.Optional(Type.String({ maxLength: 32 })),
    phone: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    skills: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }))),
    /** Work group id (see `groups`). */
    group: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Rights: inspector (iscensor), pickup, callout, monitor, spyMonitor, reportManager, system. */
    roles: Type.Optional(Type.Array(Type.Union(['inspector', 'pickup', 'callout', 'monitor', 'spyMonitor', 'reportManager', 'system'].map(r => Type.Literal(r)))))
  }, { additionalProperties: false }))),
  groups: Type.Optional(Type.Array(Type.Object({
    id: Type.Integer({ minimum: 0 }),
    name: Type.String(),
    monitorno: Type.Optional(Id)
  }, { additionalProperties: false }))),
  restReasons: Type.Optional(Type.Array(Type.Object({ id: Type.Integer({ minimum: 0, maximum: 255 }), name: Type.String() }, { additionalProperties: false }))),
  ivrs: Type.Optional(Type.Array(Type.Object({
    id: Type.Integer({ minimum: 0 }),
    access: Type.String({ pattern: '^[0-9*#]{1,24}$' }),
    description: Type.String(),
    serviceNo: Type.Optional(Type.Integer({ minimum: 0 }))
  }, { additionalProperties: false }))),
  simulatedAgents: Type.Optional(Type.Array(Type.Object({ id: Id, phone: Type.Optional(Type.String()), ...PeerFields }, { additionalProperties: false }))),
  externalNumbers: Type.Optional(Type.Array(Type.Object({
    number: Type.Optional(Type.String({ pattern: '^[0-9*#]{1,24}$' })),
    pattern: Type.Optional(Type.String()),
    ...PeerFields
  }, { additionalProperties: false }))),
  ...ContactCenterFields
}, { additionalProperties: false })

export type WorldFile = Static<typeof WorldFileSchema>

// ---- scenarios: faults and timelines (issue #4), shaped in the domain ------------------------------

/** Fault rules and timeline steps as files and the control API write them (agents as numbers or strings). */
export const FaultRuleSchema = faultRuleSchema(AgentRef)
export const TimelineStepSchema = timelineStepSchema(AgentRef)
export { AgentStateName, CustomerCallSchema }

export const GatewaySettingsSchema = Type.Object({
  guidRotation: Type.Optional(Type.Union([Type.Literal('static'), Type.Literal('dynamic')])),
  inactivityTimeoutMs: Type.Optional(Ms),
  pollWaitMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600000 }))
}, { additionalProperties: false })

export const ScenarioFileSchema = Type.Object({
  ...WorldFileSchema.properties,
  /** Start from another world: `default` (scenarios/default.yaml) or a path relative to this file. */
  extends: Type.Optional(Type.String({ minLength: 1 })),
  /** Gateway settings this scenario needs, over the command line's while it is active. */
  gateway: Type.Optional(GatewaySettingsSchema),
  seed: Type.Optional(Type.Integer({ minimum: 0 })),
  faults: Type.Optional(Type.Array(FaultRuleSchema)),
  timeline: Type.Optional(Type.Array(TimelineStepSchema))
}, { additionalProperties: false })

export type ScenarioFile = Static<typeof ScenarioFileSchema>

/**
 * The same file with faults and timeline left as plain lists: checked first, so a file without
 * them (the default world) never pays for compiling the large rule and step schemas; each list is
 * then checked item by item only when present.
 */
export const ScenarioShellSchema = Type.Object({
  ...ScenarioFileSchema.properties,
  faults: Type.Optional(Type.Array(Type.Unknown())),
  timeline: Type.Optional(Type.Array(Type.Unknown()))
}, { additionalProperties: false })
export type FaultRuleInput = Static<typeof FaultRuleSchema>
export type TimelineStepInput = Static<typeof TimelineStepSchema>

/** Ajv options for the scenario files (load-world.ts, and the validators compiled ahead of time). */
export const SCENARIO_AJV_OPTIONS = { allErrors: true, strict: false, validateSchema: false } as const

/** The schemas compiled ahead of time into validators.generated.ts (scripts/write-validators.ts), by export name. */
export const PRECOMPILED_SCHEMAS = {
  scenario: ScenarioShellSchema,
  faultRule: FaultRuleSchema,
  timelineStep: TimelineStepSchema,
  worldFile: WorldFileSchema
}
