/**
 * The gateway's answers as response schemas. Every gateway answer is the envelope
 * `{"message","retcode"[,"result"][,"event"]}` (spec §0, Part B §1–§5); Fastify serialises it with
 * fast-json-stringify from these schemas, and @fastify/swagger documents it from the same ones.
 *
 * Bytes: fast-json-stringify writes the required properties first, then the optional ones, each
 * in the schema's order, and leaves out those that are undefined: for the objects the handlers
 * build (message, retcode, then result or event) that is what JSON.stringify writes, as long as
 * no optional property comes before a required one (hence two event schemas, with and without
 * `eventGenTime`).
 * A property test compares the two (test/routes/answers.test.ts). Fields typed `Type.Unknown()` go through JSON.stringify as
 * they are. The exact content type (`application/json;charset=UTF-8`) is set by the request
 * pipeline (src/plugins/gateway-http.ts), not by the serialiser.
 *
 * No answer is pre-serialised by hand any more: measured (node 20, 2 million calls), the schema's
 * serialiser writes `{"message":"success","retcode":"0","result":{}}` in about 0.4 µs (a state
 * change costs about 70 µs of server CPU) and a poll answer with a typed event as fast as the
 * string template it replaces (1.2 µs each). Pushes, which Fastify does not serialise, keep the
 * domain's event JSON (src/domain/event-json.ts).
 */
import Type, { type Static, type TSchema } from 'typebox'

const DESCRIPTION = 'HTTP 200 for every business outcome; `retcode` "0" is success, anything else a gateway error code (see docs/decisions.md)'

/** One event as a poll answers it (spec §4); the client (src/client.ts) reads this shape. */
export const EventSchema = Type.Object({
  eventType: Type.String(),
  workNo: Type.String(),
  content: Type.Optional(Type.Unknown())
})
/** The same with --event-gen-time: the event's clock reading (ms) after its type. */
export const TimedEventSchema = Type.Object({
  eventType: Type.String(),
  // Untyped, so that it is written exactly as JSON.stringify writes it.
  eventGenTime: Type.Unknown(),
  workNo: Type.String(),
  content: Type.Optional(Type.Unknown())
})
export type EventAnswer = Static<typeof EventSchema> | Static<typeof TimedEventSchema>

/** The event schema for the --event-gen-time setting; `nullable` for an empty poll with --empty-poll null. */
export function eventSchema (withGenTime: boolean, nullable = false): TSchema {
  const schema = withGenTime ? TimedEventSchema : EventSchema
  return nullable ? Type.Object(schema.properties, { nullable: true }) : schema
}

export interface AnswerParts {
  /** The schema of `result`, when the interface has one; any JSON otherwise. */
  result?: TSchema
  /** The schema of `event` (agentevent only). */
  event?: TSchema
  /** A documented answer (spec samples), shown in the OpenAPI document. */
  example?: object
}

/** The envelope with the given parts. */
export function envelope (parts: AnswerParts = {}): TSchema {
  return Type.Object({
    message: Type.String(),
    retcode: Type.String({ example: '0' }),
    result: Type.Optional(parts.result ?? Type.Unknown({ description: 'The interface\'s result, when it has one' })),
    event: Type.Optional(parts.event ?? Type.Unknown({ description: 'agentevent only: one event {eventType, workNo, content}' }))
  }, { description: DESCRIPTION, ...(parts.example === undefined ? {} : { example: parts.example }) })
}

/**
 * A route's response schemas: the envelope, for HTTP 200. (Typed loosely: handlers build their
 * answers with `ok()` and the domain's types; the schema fixes the bytes and the documentation.)
 */
export function answers (parts: AnswerParts = {}): { 200: TSchema } {
  return { 200: envelope(parts) }
}

/** The answer of a gateway route that declares none of its own. */
export const ENVELOPE = answers()
