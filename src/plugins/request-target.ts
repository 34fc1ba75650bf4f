/**
 * What a request is for, decided the way the router decided it (issue #16, finding 1): from the
 * matched route's config, or — for a path no route matched — from the percent-decoded path the
 * router looked up. Never from the raw URL string: `/%5F%5Fmock/agents` is routed to
 * `/__mock/agents`, so it must be guarded (and journalled) like it.
 */
import type { FastifyRequest } from 'fastify'
import { routeConfig } from './gateway-http.js'

/** The request's path, percent-decoded as the router decodes it (more, never less), without the query. */
export function decodedPath (req: FastifyRequest): string {
  const url = req.url
  const q = url.indexOf('?')
  const raw = q < 0 ? url : url.slice(0, q)
  if (!raw.includes('%')) return raw
  try { return decodeURIComponent(raw) } catch { return raw }
}

/** The operation of the matched route; undefined for a path no route took (404, wrong verb). */
function matchedOp (req: FastifyRequest): string | undefined {
  const op = routeConfig(req).op
  return op === '__405' ? undefined : op
}

/** Meant for the control API (/__mock...): a control route, or an unknown path under /__mock. */
export function isControlRequest (req: FastifyRequest): boolean {
  const op = matchedOp(req)
  return op !== undefined ? op.startsWith('__mock') : decodedPath(req).startsWith('/__mock')
}

/** Meant for the gateway: a gateway route, or an unknown path under /agentgateway/ (a client's wrong URL). */
export function isGatewayRequest (req: FastifyRequest): boolean {
  const op = matchedOp(req)
  return op !== undefined ? !op.startsWith('__mock') : decodedPath(req).startsWith('/agentgateway/')
}

/**
 * Only origin-form request targets (`/path?query`) are served. Absolute-form
 * (`GET http://host/__mock/journal`), asterisk-form and anything else are refused: the router
 * and every check must see one and the same path.
 */
export function isPlainPath (rawUrl: string | undefined): boolean {
  return rawUrl !== undefined && rawUrl.charCodeAt(0) === 0x2f
}
