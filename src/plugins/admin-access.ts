/**
 * Who reaches what (issue #16). For every request: only a plain path as the request target
 * (absolute-form and the like answer 400). For the control API (/__mock/*, decided from the matched
 * route, never from the raw URL), except the probes and the pages: a `Host` the mock is reachable
 * by and no foreign `Origin` (so no page on another origin, nor a DNS-rebinding one, can use it);
 * with `--admin-token`, `Authorization: Bearer <token>`; and writes with a body only as JSON (YAML
 * too for scenarios), so a browser's preflight-free text/plain or form POST never gets through.
 * Gateway routes are never affected and never reveal admin data.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { bodyTypeAllowed, hostPolicy, originAllowed } from './control-origin.js'
import { AdminError } from './envelope.js'
import { routeConfig, SCENARIO_UPLOAD } from './gateway-http.js'
import { isControlRequest, isPlainPath } from './request-target.js'

// Open: the probes, and pages that hold no run-time data (the dashboard's own API calls, and
// anything the API docs page tries, still need the token).
const OPEN = new Set(['__mock.health', '__mock.ready', '__mock.ui', '__mock.docs', '__mock.openapi'])

const digest = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest()

/**
 * Does the Authorization header carry the token? Digests of equal length are compared, so neither
 * the token's length nor its bytes leak through timing. Node hands header values over as latin1,
 * one character per byte: read back as bytes, a UTF-8 token matches too.
 */
export function tokenMatcher (token: string): (header: string | undefined) => boolean {
  const want = digest(Buffer.from(`Bearer ${token}`, 'utf8'))
  return (header) => timingSafeEqual(digest(Buffer.from(header ?? '', 'latin1')), want)
}

export interface AccessOptions { token: string, listenHost: string, allowedHosts: string[], allowedOrigins: string[] }

const hasBody = (req: FastifyRequest): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0

export default fp(async function adminAccess (app: FastifyInstance, opts: AccessOptions) {
  const tokenOk = opts.token === '' ? undefined : tokenMatcher(opts.token)
  const hostOk = hostPolicy(opts.listenHost, opts.allowedHosts)
  const check = (req: FastifyRequest): AdminError | undefined => {
    if (!isPlainPath(req.raw.url)) return new AdminError(400, 'the request target must be a path (/...), not an absolute URL')
    // Everything meant for /__mock is checked — also unknown paths and wrong verbs, which would
    // otherwise tell a caller what exists — except the open probes and the pages.
    if (!isControlRequest(req)) return undefined
    const op = routeConfig(req).op ?? ''
    if (OPEN.has(op)) return undefined
    const host = req.headers.host
    if (!hostOk(host)) return new AdminError(403, `the control API does not answer for Host '${host ?? ''}'; start the mock with --allowed-hosts to add a name`)
    const origin = req.headers.origin
    if (!originAllowed(origin, host, opts.allowedOrigins)) return new AdminError(403, `the control API does not answer pages from ${origin ?? ''}; start the mock with --allowed-origins to allow one`)
    if (tokenOk !== undefined && !tokenOk(req.headers.authorization)) return new AdminError(401, 'the control API needs Authorization: Bearer <admin token>')
    if (req.method !== 'GET' && req.method !== 'HEAD' && hasBody(req) && !bodyTypeAllowed(req.headers['content-type'], op === SCENARIO_UPLOAD)) {
      return new AdminError(415, `control API writes take Content-Type: application/json${op === SCENARIO_UPLOAD ? ' or application/yaml' : ''}, not '${req.headers['content-type'] ?? ''}'`)
    }
    return undefined
  }
  // Callback style, no promise: this runs on every request, the gateway's busiest paths included.
  app.pipeline.provide('onRequest', 'access', (req, _reply, done) => { done(check(req)) })
}, { name: 'admin-access', decorators: { fastify: ['pipeline'] } })
