/**
 * Validation messages people can read: a value that misses a pattern is told what the pattern
 * means ("must be an agent id from 101 to 999999"), not shown the regular expression (issue #14
 * bug 9). One table for the gateway routes, the control API and the scenario files.
 */
import { AGENT_ID_PATTERN } from './gateway.js'

const PATTERN_MEANING: Record<string, string> = {
  [AGENT_ID_PATTERN]: 'must be an agent id from 101 to 999999 (digits, no leading zero)',
  '^[0-9]{1,24}$': 'must be 1 to 24 digits',
  '^[0-9]{0,24}$': 'must be at most 24 digits',
  '^[0-9*#]{1,24}$': 'must be 1 to 24 of the digits 0-9, * and #',
  '^([0-9]{3}-[0-9]{3}|0)$': 'must be a retcode: 0 or three digits, a dash and three digits (100-007)'
}

/** Ajv's message for one error, with a pattern explained in words when it is one of ours. */
export function readableMessage (e: { keyword: string, params: unknown, message?: string | undefined }): string {
  if (e.keyword === 'pattern') {
    const pattern = (e.params as { pattern?: string }).pattern ?? ''
    return PATTERN_MEANING[pattern] ?? `must match the pattern ${pattern}`
  }
  return e.message ?? 'is invalid'
}
