/**
 * The one error type the domain raises: a catalogue key plus an optional detail that replaces the
 * catalogue's message (e.g. naming the offending field). Never carries HTTP concerns.
 */
import { errorCatalogue, type ErrorKey } from './error-catalogue.js'

export class GatewayError extends Error {
  readonly key: ErrorKey
  readonly retcode: string

  constructor (key: ErrorKey, detail?: string) {
    super(detail ?? errorCatalogue[key].message)
    this.name = 'GatewayError'
    this.key = key
    this.retcode = errorCatalogue[key].retcode
  }
}

export function fail (key: ErrorKey, detail?: string): never {
  throw new GatewayError(key, detail)
}

/**
 * A control-API request (not a gateway one) the simulator refuses: nothing of the kind exists,
 * it conflicts with the current state, or it is invalid. The control API maps the kind to 404,
 * 409 or 400.
 */
export class ControlRefusal extends Error {
  constructor (readonly kind: 'notFound' | 'conflict' | 'invalid', message: string) {
    super(message)
    this.name = 'ControlRefusal'
  }
}
