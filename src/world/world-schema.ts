/**
 * The world file's shape (issue #3): a TypeBox schema, so one definition gives validation, types
 * and (later) documentation. Ids and numbers may be written as YAML numbers or strings.
 */
import Type, { type Static } from 'typebox'

const Id = Type.Union([Type.String({ pattern: '^[0-9]{1,24}$' }), Type.Integer({ minimum: 0 })])
const Ms = Type.Integer({ minimum: 0, maximum: 86400000 })
const Behaviour = Type.Union(['answer', 'noAnswer', 'reject', 'busy', 'notSignedIn', 'invalid'].map(b => Type.Literal(b)))

const PeerFields = {
  name: Type.Optional(Type.String()),
  behaviour: Behaviour,
  afterMs: Type.Optional(Ms),
  hangUpAfterMs: Type.Optional(Ms)
}

export const WorldFileSchema = Type.Object({
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  ringTimeoutMs: Type.Optional(Ms),
  defaultCaller: Type.Optional(Type.String({ pattern: '^[0-9]{0,24}$' })),
  skills: Type.Optional(Type.Array(Type.Object({ id: Type.Integer({ minimum: 0 }), name: Type.String() }, { additionalProperties: false }))),
  agents: Type.Optional(Type.Array(Type.Object({
    id: Id,
    password: Type.Optional(Type.String({ maxLength: 32 })),
    phone: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    skills: Type.Optional(Type.Array(Type.Integer({ minimum: 0 })))
  }, { additionalProperties: false }))),
  simulatedAgents: Type.Optional(Type.Array(Type.Object({ id: Id, phone: Type.Optional(Type.String()), ...PeerFields }, { additionalProperties: false }))),
  externalNumbers: Type.Optional(Type.Array(Type.Object({
    number: Type.Optional(Type.String({ pattern: '^[0-9*#]{1,24}$' })),
    pattern: Type.Optional(Type.String()),
    ...PeerFields
  }, { additionalProperties: false })))
}, { additionalProperties: false })

export type WorldFile = Static<typeof WorldFileSchema>

/** A roster file (`--agents`) is either a list of agents or an object with `agents:`. */
export const RosterFileSchema = Type.Union([
  Type.Array(Type.Unknown()),
  Type.Object({ agents: Type.Array(Type.Unknown()) })
])
