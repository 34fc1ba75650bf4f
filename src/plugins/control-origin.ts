/**
 * Browsers on the same machine must not steer the control API (issue #16, finding 3). A page on
 * another origin can send "simple" requests without a preflight (text/plain or form POSTs, with
 * `Origin`), and a DNS-rebinding page reaches the mock under its own host name (`Host:
 * evil.example:8043`) and may then read the answers. So the control API answers only requests whose
 * `Host` is a name the mock is reachable by, whose `Origin` (when sent) is the mock's own or one
 * allowed, and whose writes carry a body only as JSON (or YAML, for scenarios).
 */
import { isIP } from 'node:net'
import { hostname } from 'node:os'
import { parseDocument } from 'yaml'
import { AdminError } from './envelope.js'

/** The host name of a Host header value or URL authority, lower-cased, without port or trailing dot. */
export function hostName (authority: string): string {
  let h = authority.trim().toLowerCase()
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1)
  const colon = h.lastIndexOf(':')
  if (colon >= 0 && /^\d*$/.test(h.slice(colon + 1))) h = h.slice(0, colon)
  return h.endsWith('.') ? h.slice(0, -1) : h
}

export function hostPolicy (listenHost: string, extra: string[]): (host: string | undefined) => boolean {
  const names = new Set<string>(['localhost'])
  const machine = hostname().toLowerCase()
  if (machine !== '') { names.add(machine); names.add(machine.split('.')[0]!) }
  if (listenHost !== '' && isIP(listenHost) === 0) names.add(listenHost.toLowerCase())
  const any = extra.includes('*')
  const suffixes = extra.filter(e => e.startsWith('.')).map(e => e.toLowerCase())
  for (const e of extra) if (!e.startsWith('.')) names.add(hostName(e))
  return (host) => {
    // No Host at all (HTTP/1.0, raw tools): no browser sends that.
    if (host === undefined || host === '' || any) return true
    const name = hostName(host)
    // An IP literal cannot be rebound: a rebinding page always comes under its own name.
    if (isIP(name.replace(/^\[|\]$/g, '')) !== 0) return true
    return names.has(name) || name.endsWith('.localhost') || suffixes.some(s => name.endsWith(s))
  }
}

/** Is `origin` (the Origin header) the mock's own — same host and port as `host` — or allowed? */
export function originAllowed (origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  if (origin === undefined) return true
  if (allowed.includes('*') || allowed.includes(origin)) return true
  if (origin === 'null' || host === undefined) return false
  let url: URL
  try { url = new URL(origin) } catch { return false }
  return url.host.toLowerCase() === host.trim().toLowerCase()
}

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']
const YAML_SET = new Set(YAML_TYPES)

/** A YAML body (a scenario file's text): aliases bounded, any problem a 400. */
export function parseYamlBody (text: string): unknown {
  let problem: string
  try {
    const doc = parseDocument(text, { prettyErrors: false })
    const first = doc.errors[0]
    if (first === undefined) return doc.toJS({ maxAliasCount: 100 })
    problem = first.message
  } catch (err) {
    problem = (err as Error).message
  }
  throw new AdminError(400, `malformed YAML body: ${problem.split('\n')[0] ?? ''}`)
}

/** The media type of a Content-Type header: lower-cased, without parameters. */
export function mediaType (contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase()
}

/** May a control write carry a body of this type? JSON always; YAML where `yaml` is true. */
export function bodyTypeAllowed (contentType: string | undefined, yaml: boolean): boolean {
  const t = mediaType(contentType)
  return t === 'application/json' || (yaml && YAML_SET.has(t))
}
