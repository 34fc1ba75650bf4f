/**
 * Fault injection at the HTTP edge (issue #4): before credentials are checked, each gateway request
 * asks the Simulator's fault engine whether a rule fires. Answers with a scripted retcode, delays,
 * transport faults (reset, hang, truncated or malformed body, HTTP 5xx) happen here; session and
 * event faults are handed to the Simulator and the request then runs on.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { VENDOR_CODE_STATUS } from '../domain/error-catalogue.js'
import { delayOf, type ArmedRule } from '../domain/faults.js'
import { JSON_TYPE } from './envelope.js'
import { routeConfig } from './gateway-http.js'

declare module 'fastify' {
  interface FastifyRequest { faultRule: string | undefined }
}

const STATUS_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }

/** What a broken Tomcat in front of the real gateway answers. */
function tomcatPage (status: number): string {
  const title = `HTTP Status ${status} – ${STATUS_TEXT[status] ?? 'Server Error'}`
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`
}

export function requestFields (req: FastifyRequest): Record<string, unknown> {
  const body = req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}
  return { ...(req.query as Record<string, unknown>), ...(req.params as Record<string, unknown>), ...body }
}

export default fp(async function faults (app: FastifyInstance) {
  const sim = app.simulator
  app.decorateRequest('faultRule', undefined)

  // Requests held by a delayMs fault, so that closing the server lets them run on and be answered
  // (as held polls are) instead of losing their sockets.
  const delayed = new Set<() => void>()
  const sleep = (ms: number): Promise<void> => new Promise(resolve => {
    const wake = (): void => { timer.cancel(); delayed.delete(wake); resolve() }
    const timer = sim.clock.setTimer(ms, wake)
    delayed.add(wake)
  })
  app.addHook('preClose', async () => { for (const wake of [...delayed]) wake() })

  async function perform (rule: ArmedRule, req: FastifyRequest, reply: FastifyReply, agent: string | undefined): Promise<boolean> {
    const a = rule.action
    const socket = req.raw.socket
    if ('delayMs' in a) { await sleep(delayOf(a, sim.random)); return false }
    if ('retcode' in a) {
      req.retcode = a.retcode
      await reply.code(VENDOR_CODE_STATUS).header('content-type', JSON_TYPE).send({ message: a.message ?? 'fault injected by cc-gateway-mock', retcode: a.retcode })
      return true
    }
    if ('transport' in a) {
      // Faults that never complete a response are journalled here; the others when answered.
      if (a.transport === 'reset' || a.transport === 'hang' || a.transport === 'truncated') app.journalTransportFault(req, rule, a.transport)
      else req.retcode = `transport:${a.transport}`
      switch (a.transport) {
        case 'reset':
          reply.hijack()
          socket.resetAndDestroy?.() ?? socket.destroy()
          return true
        case 'hang':
          // Never answer: the client times out, or the socket closes with the server.
          reply.hijack()
          return true
        case 'truncated': {
          reply.hijack()
          const full = '{"message":"","retcode":"0","result":{"truncated":"by cc-gateway-mock"}}'
          reply.raw.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': String(full.length) })
          reply.raw.write(full.slice(0, 20))
          socket.destroySoon()
          setImmediate(() => socket.destroy())
          return true
        }
        case 'malformed':
          await reply.code(200).header('content-type', JSON_TYPE).send('{"message":"","retcode":"0","result":{')
          return true
        case 'http5xx':
          await reply.code(a.status ?? 500).header('content-type', 'text/html;charset=utf-8').send(tomcatPage(a.status ?? 500))
          return true
      }
    }
    if (agent === undefined || !sim.agents.has(agent)) return false
    if ('expireGuid' in a) app.control.expireGuid(agent)
    else if ('forceSignOut' in a) sim.signOutNow(sim.signedIn(agent), `fault ${rule.name ?? rule.id}`)
    else if ('dropNextEvent' in a) app.control.eventFault(agent, 'drop')
    else if ('duplicateNextEvent' in a) app.control.eventFault(agent, 'duplicate')
    else if ('delayEventsMs' in a) app.control.eventFault(agent, 'delay', a.delayEventsMs)
    return false
  }

  // Callback style, and nothing built when no rule is armed: this runs on every request.
  app.pipeline.provide('preValidation', 'faults', (req, reply, done) => {
    const op = routeConfig(req).op
    if (op === undefined || op.startsWith('__') || sim.faults.size === 0) { done(); return }
    const fields = requestFields(req)
    // The agent is the one in the path, never a body or query field of the same name.
    const agent = (req.params as { agentid?: string } | undefined)?.agentid
    const rule = sim.faults.decide({ operation: op, agent, fields })
    if (rule === undefined) { done(); return }
    req.faultRule = rule.name ?? rule.id
    req.log.info({ op, agent, rule: req.faultRule, action: Object.keys(rule.action)[0] }, 'fault rule fired')
    // A fault that answered (or dropped) the request ends it here: done() is not called then.
    perform(rule, req, reply, agent).then((answered) => { if (!answered) done() }, (err: Error) => done(err))
  })
}, { name: 'faults', dependencies: ['journal'], decorators: { fastify: ['pipeline'] } })
