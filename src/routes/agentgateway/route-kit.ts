/**
 * Shared route building for the families added by issue #13: path-parameter schemas derived from
 * the path (agent ids and work numbers checked like every agent id, numeric ids as integers), and
 * the "not simulated" answer of the multimedia interfaces.
 */
import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify'
import Type, { type TSchema } from 'typebox'
import { fail } from '../../domain/errors.js'
import { AGENT_ID_PATTERN } from '../../schemas/gateway.js'

const AGENT_PARAMS = new Set(['agentid', 'workno', 'workNo', 'receiver'])
const INT_PARAMS = new Set(['skillid', 'ivrid', 'vdnid', 'time', 'chatnum'])

/** The TypeBox schema of a path's parameters (`:name` segments). */
export function paramsSchema (path: string): TSchema {
  const props: Record<string, TSchema> = {}
  for (const m of path.matchAll(/:(\w+)/g)) {
    const name = m[1]!
    props[name] = AGENT_PARAMS.has(name)
      ? Type.String({ pattern: AGENT_ID_PATTERN })
      : INT_PARAMS.has(name) ? Type.Integer({ minimum: 0, maximum: 2147483647 }) : Type.String({ minLength: 1, maxLength: 100 })
  }
  return Type.Object(props)
}

const Int = Type.Integer({ minimum: 0, maximum: 2147483647 })
const Str = Type.String({ maxLength: 64 })

/** The query of the record lists (call records, recordings): filter by agent, skill and time; 1-based positions. */
export const RecordListQuery = Type.Object({
  workno: Type.Optional(Str),
  skillid: Type.Optional(Int),
  startdate: Type.Optional(Str),
  enddate: Type.Optional(Str),
  startposition: Type.Optional(Int),
  endposition: Type.Optional(Int)
})

export interface RouteSchema { querystring?: TSchema, body?: TSchema }

/** The path parameters the families use, typed as paramsSchema checks them (a route reads only its own). */
export interface PathParams {
  agentid: string
  workno: string
  workNo: string
  receiver: string
  skillid: number
  ivrid: number
  vdnid: number
  time: number
  chatnum: number
  flag: string
  callid: string
  clustername: string
  recordflag: string
  recordbeforetalking: string
}

export type Handler = (req: FastifyRequest<{ Params: PathParams, Querystring: Record<string, unknown>, Body: unknown }>) => unknown

/** A gateway route for a signed-in agent (`:agentid` in the path): schema from the path, the vendor's method name as `op`. */
export function route (app: FastifyInstance, method: HTTPMethods, path: string, op: string, handler: Handler, schema: RouteSchema = {}): void {
  app.route({
    method,
    url: path,
    schema: { params: paramsSchema(path), ...schema },
    config: { op, auth: 'agent' },
    // No body at all counts as an empty object (clients send nothing when every field is optional).
    ...(schema.body === undefined ? {} : { preValidation: (req: FastifyRequest, _reply: unknown, done: () => void) => { if (req.body === undefined) req.body = {}; done() } }),
    handler: handler as never
  })
}

/**
 * An interface the mock does not simulate (multimedia: text chat, video, multimedia conference,
 * ECC lists, third-party control): the agent and its GUID are checked like everywhere, then HTTP
 * 200 with 100-007 and a message saying so. Journalled and logged under the vendor's method name.
 */
export function notSimulated (app: FastifyInstance, method: HTTPMethods, path: string, op: string, what = 'multimedia'): void {
  route(app, method, path, op, () => fail('OPERATION_EXCEPTION', `${op} is not simulated by cc-gateway-mock (${what} interfaces answer this until they are simulated)`))
}
