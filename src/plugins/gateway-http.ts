/**
 * Everything HTTP that is the same for every route: body parsing that accepts what real clients
 * send, one error handler that renders domain errors and validation failures into the gateway's
 * envelope, JSON 404/405 answers, credential checks, and one log line per request naming the
 * vendor's method.
 */
import type { FastifyContextConfig, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import FindMyWay from 'find-my-way'
import sjson from 'secure-json-parse'
import { errorCatalogue, type ErrorKey } from '../domain/error-catalogue.js'
import { GatewayError } from '../domain/errors.js'
import type { Credentials } from '../domain/sessions.js'
import { infoLineWriter, logsInfo, redactUrl, type LineLogger, type RequestLine, type RequestLineWriter } from '../logger.js'
import { agentIdRe } from '../schemas/gateway.js'
import { readableMessage } from '../schemas/messages.js'
import { AdminError, JSON_TYPE, failure, fromError, type Envelope } from './envelope.js'
import { parseYamlBody, YAML_TYPES } from './control-origin.js'

export const GATEWAY_PREFIX = '/agentgateway/resource'

/** The one control route that also takes YAML: a scenario file's text as it is. */
export const SCENARIO_UPLOAD = '__mock.post:/__mock/scenarios'

export type AuthNeed = 'agent' | 'any' | 'none'

declare module 'fastify' {
  /** Per-route settings (Fastify route `config`). */
  interface FastifyContextConfig {
    /** The vendor's "Method Name in Logs". */
    op?: string
    auth?: AuthNeed
    /** Code for a request that fails schema validation; 'login' picks 100-001 or 100-011. */
    invalid?: ErrorKey | 'login'
  }
  interface FastifyRequest { retcode: string | undefined, gwConfig: FastifyContextConfig | null, emptyPoll: boolean }
}

/**
 * The route's config (op, auth, ...), read once per request and kept on it: Fastify's
 * `req.routeOptions` builds a new object on every access, and several hooks need the config.
 */
export function routeConfig (req: FastifyRequest): FastifyContextConfig {
  return req.gwConfig ?? (req.gwConfig = req.routeOptions.config)
}

/** What a request to a known path with a verb it does not take counts as (logs, journal). */
const WRONG_VERB = { op: '__405', auth: 'none' as const }

/** All JSESSIONID values in the Cookie header(s), tolerating empty headers and echoed attributes. */
export function jsessionIds (header: string | string[] | undefined): string[] {
  if (header === undefined) return []
  const out: string[] = []
  for (const part of (Array.isArray(header) ? header.join(';') : header).split(/[;,]/)) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === 'JSESSIONID') {
      const v = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')
      if (v !== '') out.push(v)
    }
  }
  return out
}

export function credentialsOf (req: FastifyRequest): Credentials {
  const g = req.headers.guid
  const header = Array.isArray(g) ? g.join(', ') : g
  return { header: header === undefined || header === '' ? undefined : header.trim(), cookies: jsessionIds(req.headers.cookie) }
}

function send (reply: FastifyReply, status: number, body: Envelope): FastifyReply {
  reply.request.retcode = body.retcode
  return reply.code(status).header('content-type', JSON_TYPE).send(body)
}

function validationKey (err: FastifyError, invalid: ErrorKey | 'login' | undefined): ErrorKey {
  // A bad path (agent id) is 000-002 on every interface; the route's own code is for its fields.
  if (err.validationContext === 'params') return 'INVALID_PARAMETER'
  if (invalid === 'login') return err.validation?.some(v => v.keyword === 'required') === true ? 'LOGIN_PARAM_EMPTY' : 'LOGIN_PARAM_INVALID'
  return invalid ?? 'INVALID_PARAMETER'
}

function validationMessage (err: FastifyError): string {
  const v = err.validation?.[0]
  if (v === undefined) return err.message
  const missing = (v.params as { missingProperty?: string }).missingProperty
  const field = missing ?? v.instancePath.replace(/^\//, '').replace(/\//g, '.')
  const where = err.validationContext === 'body' ? '' : `${err.validationContext ?? ''} `
  if (missing !== undefined) return `${where}${field} is required`
  return `${where}${field === '' ? (err.validationContext ?? 'request') : field} ${readableMessage(v)}`.trim()
}

/** Deeper JSON is refused before parsing: a body within --body-limit could otherwise nest ~500k levels, too deep to validate, store or serialise again. */
export const MAX_JSON_DEPTH = 64

/** Does `text` nest arrays and objects deeper than MAX_JSON_DEPTH (brackets inside strings do not count)? */
function tooDeep (text: string): boolean {
  if (text.length <= MAX_JSON_DEPTH) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

export interface GatewayHttpOptions {
  /** Writes the one line per gateway request (from the logger's factory); defaults to `app.log.info`. */
  accessLog?: RequestLineWriter | undefined
  /** The level of an empty poll's line (see emptyPollLevel in logger.ts); default info. */
  emptyPollLevel?: 'info' | 'debug'
}

export default fp(async function gatewayHttp (app: FastifyInstance, opts: GatewayHttpOptions) {
  app.decorateRequest('retcode', undefined)
  app.decorateRequest('gwConfig', null)
  // Set by the poll routes when they answer no event (logged at opts.emptyPollLevel).
  app.decorateRequest('emptyPoll', false)

  // One parser for every content type: real clients send text/plain, JSON or nothing at all on
  // body-less calls (Part B §18). Empty → no body; anything else must be JSON.
  app.removeAllContentTypeParsers()
  const parseJson = (text: string): unknown => {
    if (tooDeep(text)) throw new GatewayError('INVALID_PARAMETER', `malformed JSON body: nested deeper than ${MAX_JSON_DEPTH} levels`)
    try {
      return sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
    } catch (err) {
      throw new GatewayError('INVALID_PARAMETER', `malformed JSON body: ${(err as Error).message}`)
    }
  }
  const parser = (yaml: boolean) => (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    const text = (body as string).trim()
    if (text === '') { done(null, undefined); return }
    try {
      // YAML only where the control API takes it (a scenario file as it is); elsewhere JSON as always.
      done(null, yaml && routeConfig(req).op === SCENARIO_UPLOAD ? parseYamlBody(text) : parseJson(text))
    } catch (err) {
      done(err as Error, undefined)
    }
  }
  app.addContentTypeParser('*', { parseAs: 'string' }, parser(false))
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, parser(true))

  // Credentials (spec §1, issue #2 auth modes): agent signed in (100-006) first, then the GUID (000-003).
  function checkCredentials (req: FastifyRequest): void {
    const need = routeConfig(req).auth
    if (need === undefined || need === 'none') return
    const creds = credentialsOf(req)
    if (need === 'any') {
      if (!app.simulator.authorizeAny(creds)) throw new GatewayError('NO_RIGHT')
      return
    }
    const agentId = (req.params as { agentid?: string }).agentid
    if (agentId === undefined || !agentIdRe.test(agentId)) return // validation answers 000-002
    const verdict = app.simulator.authorize(agentId, creds)
    if (!verdict.ok) {
      if (verdict.reason === 'other-agent') {
        req.log.warn({ agent: agentId, owner: verdict.owner, auth: app.simulator.opts.authMode, acceptedBy: verdict.acceptedBy },
          `credential belongs to agent ${verdict.owner ?? '?'}, not ${agentId}; --auth ${verdict.acceptedBy ?? 'off'} would accept it`)
      }
      throw new GatewayError('NO_RIGHT')
    }
  }
  // One hook before every handler (hooks cost on every request, so this one does two things):
  // every route answers JSON, so the exact type is set here once (error answers set it in send);
  // then the credentials.
  app.pipeline.provide('preValidation', 'credentials', (req, reply, done) => {
    if (!req.url.startsWith('/__mock/docs')) reply.header('content-type', JSON_TYPE)
    try {
      checkCredentials(req)
    } catch (err) {
      done(err as Error)
      return
    }
    done()
  })

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const config = routeConfig(req)
    const admin = (config.op ?? '').startsWith('__mock')
    if (err instanceof GatewayError) return send(reply, admin ? 400 : errorCatalogue[err.key].status, fromError(err))
    if (err instanceof AdminError) return send(reply, err.status, failure('INVALID_PARAMETER', err.message))
    if (admin && err.validation !== undefined) return send(reply, 400, failure('INVALID_PARAMETER', validationMessage(err)))
    if (err.validation !== undefined) {
      const key = validationKey(err, config.invalid)
      return send(reply, errorCatalogue[key].status, failure(key, validationMessage(err)))
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(reply, 413, failure('INVALID_PARAMETER', `request body is larger than ${app.initialConfig.bodyLimit ?? 0} bytes`))
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return send(reply, errorCatalogue.INVALID_PARAMETER.status, failure('INVALID_PARAMETER', err.message))
    }
    req.log.error({ err }, 'unexpected error')
    return send(reply, 500, failure('OPERATION_EXCEPTION', 'internal error in the mock; see its log'))
  })

  // Wrong verb on a known path → 405 with the methods it does take (JAX-RS would answer so too).
  // Answered by the not-found handler from a second router over the same paths, built on the first
  // miss: a route per other verb and path (the first way) doubled the routes built at every start.
  const verbs = new Map<string, Set<string>>()
  app.addHook('onRoute', (route) => {
    const set = verbs.get(route.url) ?? new Set<string>()
    for (const m of [route.method].flat()) set.add(m)
    verbs.set(route.url, set)
  })
  let paths: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | undefined
  /** The known path `path` matches under some verb: the verbs it takes and its parameters. */
  const knownPath = (path: string): { allow: string, params: Record<string, string | undefined> } | undefined => {
    if (paths === undefined) {
      // Fastify's router options: case-sensitive, no trailing-slash folding, 100-character parameters.
      paths = FindMyWay({ caseSensitive: true, ignoreTrailingSlash: false, maxParamLength: 100 })
      for (const [url, allowed] of verbs) paths.on('GET', url, () => {}, { allow: [...allowed].join(', ') })
    }
    const found = paths.find('GET', path)
    return found === null ? undefined : { allow: (found.store as { allow: string }).allow, params: found.params }
  }

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? ''
    const known = knownPath(path)
    if (known === undefined) return send(reply, 404, failure('INVALID_PARAMETER', `no such interface: ${req.method} ${path}`))
    const allow = known.allow
    req.params = known.params // the agent in the path, for the log line and the journal
    req.gwConfig = WRONG_VERB // logged as "wrong verb", journalled as operation __405
    return send(reply.header('allow', allow), 405, failure('INVALID_PARAMETER', `${req.method} is not supported here; use ${allow}`))
  })

  // One log line per request, named after the vendor's method (Method Name in Logs).
  const writeLine = opts.accessLog ?? infoLineWriter(app.log as LineLogger)
  // Not even registered when the level hides info lines (a lean run: one hook less per request).
  // The level is read here, at start.
  const logging = logsInfo(app.log as LineLogger)
  const emptyPollsAtDebug = opts.emptyPollLevel === 'debug'
  if (logging) {
    app.pipeline.provide('onResponse', 'accessLog', (req, reply, done) => {
      const op = routeConfig(req).op ?? 'unknown'
      if (op.startsWith('__mock') || req.url.startsWith('/__mock')) req.log.debug({ op, status: reply.statusCode }, op)
      else {
        const line: RequestLine = {
          reqId: req.id,
          op,
          method: req.method,
          url: redactUrl(req.url),
          agent: (req.params as { agentid?: string } | undefined)?.agentid,
          status: reply.statusCode,
          retcode: req.retcode ?? (reply.statusCode === 200 ? '0' : undefined),
          ms: Math.round(reply.elapsedTime * 100) / 100
        }
        if (req.emptyPoll && emptyPollsAtDebug) req.log.debug(line, `${op} (no event)`)
        else writeLine(line, op === '__405' ? 'wrong verb' : op)
      }
      done()
    })
    // A client that gives up (e.g. a poll timing out while held) still gets its line, status 0.
    app.pipeline.provide('onRequestAbort', 'accessLog', (req, done) => {
      const op = routeConfig(req).op ?? 'unknown'
      if (!req.url.startsWith('/__mock')) {
        writeLine({ reqId: req.id, op, method: req.method, url: redactUrl(req.url), agent: (req.params as { agentid?: string } | undefined)?.agentid, status: 0, retcode: 'aborted', ms: undefined }, `${op} abandoned by the client`)
      }
      done()
    })
  }
}, { name: 'gateway-http', decorators: { fastify: ['pipeline'] } })
