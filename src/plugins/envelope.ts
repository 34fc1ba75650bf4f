/**
 * The gateway's wire envelope (spec §0, Part B §1–§5): HTTP 200, `application/json;charset=UTF-8`,
 * `{"message","retcode","result"}` with a string retcode; and the exact Set-Cookie/Set-GUID pair.
 */
import type { FastifyReply } from 'fastify'
import { errorCatalogue, type ErrorKey } from '../domain/error-catalogue.js'
import { GatewayError } from '../domain/errors.js'

export const JSON_TYPE = 'application/json;charset=UTF-8'

export interface Envelope { message: string, retcode: string, result?: unknown, event?: unknown }

export function ok (result?: unknown, message = 'success'): Envelope {
  return result === undefined ? { message, retcode: '0' } : { message, retcode: '0', result }
}

export function failure (key: ErrorKey, message?: string): Envelope {
  return { message: message ?? errorCatalogue[key].message, retcode: errorCatalogue[key].retcode }
}

export function fromError (err: GatewayError): Envelope {
  return { message: err.message, retcode: err.retcode }
}

/**
 * Node keeps the case of names given to `setHeader`, Fastify's `reply.header` lower-cases them, and
 * Java clients compare `Set-GUID` case-sensitively and stop scanning at it: so the raw response
 * gets Set-Cookie first, then Set-GUID, spelled exactly so (Part B §5).
 */
export function setGuid (reply: FastifyReply, guid: string): void {
  reply.raw.setHeader('Set-Cookie', `JSESSIONID=${guid}; Path=/`)
  reply.raw.setHeader('Set-GUID', `JSESSIONID=${guid}`)
}

/** A control-API failure: an HTTP status plus a message, rendered in the same envelope. */
export class AdminError extends Error {
  constructor (readonly status: number, message: string) { super(message); this.name = 'AdminError' }
}
