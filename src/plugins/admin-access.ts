/**
 * Who reaches what (issue #16). For every request: only a plain path as the request target
 * (absolute-form and the like answer 400). For the control API (/__mock/*, decided from the matched
 * route, never from the raw URL): with `--admin-token`, `Authorization: Bearer <token>` on every
 * route except health, ready and the pages. Gateway routes are never affected and never reveal
 * admin data.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AdminError } from './envelope.js'
import { routeConfig } from './gateway-http.js'
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

export default fp(async function adminAccess (app: FastifyInstance, opts: { token: string }) {
  const tokenOk = opts.token === '' ? undefined : tokenMatcher(opts.token)
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!isPlainPath(req.raw.url)) throw new AdminError(400, 'the request target must be a path (/...), not an absolute URL')
    // Everything meant for /__mock needs the token — also unknown paths and wrong verbs, which would
    // otherwise tell a caller without it what exists — except the open probes and the page.
    if (tokenOk === undefined || !isControlRequest(req) || OPEN.has(routeConfig(req).op ?? '')) return
    if (!tokenOk(req.headers.authorization)) throw new AdminError(401, 'the control API needs Authorization: Bearer <admin token>')
  })
}, { name: 'admin-access' })
