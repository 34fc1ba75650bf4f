/**
 * Records every gateway request in the Journal (issue #5) once its answer is sent, and requests
 * killed by a transport fault when the fault fires. Credentials are never recorded.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ArmedRule } from '../domain/faults.js'
import { Journal, scrubSized } from '../domain/journal.js'
import { routeConfig } from './gateway-http.js'
import { decodedPath, isGatewayRequest } from './request-target.js'

declare module 'fastify' {
  interface FastifyInstance {
    journal: Journal
    journalTransportFault(req: FastifyRequest, rule: ArmedRule, fault: string): void
  }
}

/** Shared by every entry without a query string (most gateway requests): never modified. */
const NO_QUERY: Record<string, string> = Object.freeze({}) as Record<string, string>

export default fp(async function journalPlugin (app: FastifyInstance, opts: { size: number }) {
  const journal = new Journal(opts.size)
  app.decorate('journal', journal)
  const clock = app.simulator.clock

  // Runs for every gateway request: one entry object, no copies, nothing parsed that is not there.
  const entry = (req: FastifyRequest, status: number, retcode: string | undefined, durationMs: number, rule: string | undefined): void => {
    // Gateway requests only, decided as the router decided (an encoded `/%61gentgateway/...` too);
    // unknown paths count when meant for the gateway (a client's wrong URL).
    if (!isGatewayRequest(req)) return
    const op = routeConfig(req).op ?? 'unknown'
    const url = req.url
    const i = url.indexOf('?')
    const path = decodedPath(req)
    const body = req.body
    const query = i < 0 ? undefined : scrubSized(Object.fromEntries(new URLSearchParams(url.slice(i + 1))))
    const scrubbed = body === undefined || body === null ? undefined : scrubSized(body)
    journal.record({
      seq: 0,
      time: clock.now(),
      method: req.method,
      path,
      query: query === undefined ? NO_QUERY : query.value as Record<string, string>,
      operation: op,
      agent: (req.params as { agentid?: string } | undefined)?.agentid,
      status,
      retcode,
      durationMs: Math.round(durationMs * 100) / 100,
      rule,
      body: scrubbed === undefined ? body : scrubbed.value
    }, (query?.bytes ?? 0) + (scrubbed?.bytes ?? 0))
  }

  app.decorate('journalTransportFault', (req: FastifyRequest, rule: ArmedRule, fault: string) =>
    entry(req, 0, `transport:${fault}`, 0, rule.name ?? rule.id))

  // Abandoned by the client before an answer (a poll given up while held): status 0, 'aborted'.
  // No journal, no hooks: they would cost on every request for nothing.
  if (journal.limit <= 0) return
  app.pipeline.provide('onRequestAbort', 'journal', (req, done) => {
    // Requests a transport fault ended were journalled when the fault fired.
    if (req.faultRule === undefined) entry(req, 0, 'aborted', 0, undefined)
    done()
  })

  app.pipeline.provide('onResponse', 'journal', (req, reply, done) => {
    entry(req, reply.statusCode, req.retcode ?? (reply.statusCode === 200 ? '0' : undefined), reply.elapsedTime, req.faultRule)
    done()
  })
}, { name: 'journal', decorators: { fastify: ['pipeline'] } })
