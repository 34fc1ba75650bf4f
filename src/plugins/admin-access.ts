/**
 * `--admin-token`: every /__mock/* route except health and ready needs
 * `Authorization: Bearer <token>`. Gateway routes are never affected and never reveal admin data.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AdminError } from './envelope.js'
import { routeConfig } from './gateway-http.js'

// Open: the probes, and pages that hold no run-time data (the dashboard's own API calls, and
// anything the API docs page tries, still need the token).
const OPEN = new Set(['__mock.health', '__mock.ready', '__mock.ui', '__mock.docs', '__mock.openapi'])

export default fp(async function adminAccess (app: FastifyInstance, opts: { token: string }) {
  if (opts.token === '') return
  const want = Buffer.from(`Bearer ${opts.token}`)
  app.addHook('onRequest', async (req) => {
    const op = routeConfig(req).op ?? ''
    // Everything under /__mock needs the token — also unknown paths and wrong verbs, which would
    // otherwise tell a caller without it what exists — except the open probes and the page.
    if (!req.url.startsWith('/__mock') || OPEN.has(op)) return
    const got = Buffer.from(req.headers.authorization ?? '')
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw new AdminError(401, 'the control API needs Authorization: Bearer <admin token>')
  })
}, { name: 'admin-access' })
