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
