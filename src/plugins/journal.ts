/**
 * Records every gateway request in the Journal (issue #5) once its answer is sent, and requests
 * killed by a transport fault when the fault fires. Credentials are never recorded.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ArmedRule } from '../domain/faults.js'
import { Journal, scrubBody } from '../domain/journal.js'

declare module 'fastify' {
  interface FastifyInstance {
    journal: Journal
    journalTransportFault(req: FastifyRequest, rule: ArmedRule, fault: string): void
  }
}

function pathAndQuery (req: FastifyRequest): { path: string, query: Record<string, string> } {
  const i = req.url.indexOf('?')
  // Most gateway requests carry no query string: skip the parser for them (hot path).
  if (i < 0) return { path: req.url, query: {} }
  return { path: req.url.slice(0, i), query: Object.fromEntries(new URLSearchParams(req.url.slice(i + 1))) }
}

export default fp(async function journalPlugin (app: FastifyInstance, opts: { size: number }) {
  const journal = new Journal(opts.size)
  app.decorate('journal', journal)
  const now = (): number => app.simulator.clock.now()

  const entry = (req: FastifyRequest, status: number, retcode: string | undefined, durationMs: number, rule: string | undefined): void => {
    const op = req.routeOptions.config.op ?? 'unknown'
    if (op.startsWith('__mock')) return
    const { path, query } = pathAndQuery(req)
    // Gateway requests only: unknown paths count when meant for the gateway (a client's wrong URL).
    if (!path.startsWith('/agentgateway/')) return
    journal.record({
      time: now(),
      method: req.method,
      path,
      query: scrubBody(query) as Record<string, string>,
      operation: op,
      agent: (req.params as { agentid?: string } | undefined)?.agentid,
      status,
      retcode,
      durationMs: Math.round(durationMs * 100) / 100,
      rule,
      body: scrubBody(req.body)
    })
  }

  app.decorate('journalTransportFault', (req: FastifyRequest, rule: ArmedRule, fault: string) =>
    entry(req, 0, `transport:${fault}`, 0, rule.name ?? rule.id))

  // Abandoned by the client before an answer (a poll given up while held): status 0, 'aborted'.
  app.addHook('onRequestAbort', (req, done) => {
    // Requests a transport fault ended were journalled when the fault fired.
    if (journal.limit > 0 && req.faultRule === undefined) entry(req, 0, 'aborted', 0, undefined)
    done()
  })

  app.addHook('onResponse', (req, reply, done) => {
    if (journal.limit > 0) entry(req, reply.statusCode, req.retcode ?? (reply.statusCode === 200 ? '0' : undefined), reply.elapsedTime, req.faultRule)
    done()
  })
}, { name: 'journal' })
