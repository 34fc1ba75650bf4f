/**
 * OpenAPI 3 from the TypeBox route schemas (issue #5): gateway routes tagged by resource and named
 * by the vendor's method, the control API tagged `control`. Served at /__mock/openapi.json and as
 * Swagger UI at /__mock/docs (assets come from the npm package: no network needed).
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { GATEWAY_PREFIX } from './gateway-http.js'

export const OPENAPI_INFO = {
  title: 'cc-gateway-mock',
  description: 'The Huawei CEC CC-Gateway agent REST API as simulated by cc-gateway-mock (under /agentgateway/resource), ' +
    'and the mock\'s own control API (under /__mock). Gateway business outcomes are HTTP 200 with a string `retcode` ("0" = success).',
  version: '0.1.0'
}

/** Documented answers (spec samples) for the interfaces clients use most. */
const EXAMPLES: Record<string, unknown> = {
  login: { message: '', retcode: '0', result: { vdnid: 1, workno: '1001', mediatype: 'TTF', loginTime: '1795738646247', isForceChange: 'false', serverName: 'AgentGateway', timeRemaining: '' } },
  getAgentEvent: { message: '', retcode: '0', event: { eventType: 'AgentOther_InService', workNo: '1001', content: null } },
  getAgentStatus: { message: '', retcode: '0', result: { agentState: 4, isWorking: false } },
  callInner: { message: '', retcode: '0', result: '1795738646-1' },
  callout: { message: '', retcode: '0', result: '1795738646-2' },
  logout: { message: '', retcode: '0', result: null }
}

const Envelope = {
  type: 'object',
  description: 'HTTP 200 for every business outcome; `retcode` "0" is success, anything else a gateway error code (see docs/decisions.md)',
  properties: {
    message: { type: 'string' },
    retcode: { type: 'string', example: '0' },
    result: { description: 'The interface\'s result, when it has one' },
    event: { description: 'agentevent only: one event {eventType, workNo, content}' }
  },
  required: ['message', 'retcode']
}

export default fp(async function openapi (app: FastifyInstance) {
  // Name and tag every route before @fastify/swagger (registered next) reads it.
  app.addHook('onRoute', (route) => {
    const op = route.config?.op
    if (op === undefined) return
    const schema = (route.schema ?? {}) as Record<string, unknown>
    if (op === '__405' || op === 'unknown') { route.schema = { ...schema, hide: true }; return }
    if (route.url.startsWith(GATEWAY_PREFIX)) {
      const resource = route.url.slice(GATEWAY_PREFIX.length + 1).split('/')[0] ?? 'gateway'
      route.schema = { ...schema, tags: [resource], summary: op, operationId: `${op}_${String(route.method).toLowerCase()}` }
    } else if (op.startsWith('__mock.') && schema.tags === undefined) {
      route.schema = { ...schema, tags: ['control'] }
    }
  })
  await app.register(swagger, {
    // Documentation only: responses are described here, not as Fastify response schemas, so the
    // exact bytes on the wire stay those the simulator writes.
    transform: ({ schema, url }) => {
      const s = (schema ?? {}) as Record<string, unknown>
      if (!url.startsWith(GATEWAY_PREFIX) || s.hide === true) return { schema: s as never, url }
      const op = String(s.summary ?? '')
      const example = EXAMPLES[op] ?? { message: 'success', retcode: '0', result: {} }
      return {
        schema: { ...s, security: op.startsWith('login') || op === 'forceLogin' ? [] : [{ Guid: [] }], response: { 200: { ...Envelope, example } } } as never,
        url
      }
    },
    openapi: {
      openapi: '3.0.3',
      info: OPENAPI_INFO,
      tags: [
        { name: 'onlineagent', description: 'Sign-in, heartbeat, skills and agent state (Huawei: onlineagent)' },
        { name: 'agentevent', description: 'Event polling (Huawei: agentevent)' },
        { name: 'voicecall', description: 'Voice call control (Huawei: voicecall)' },
        { name: 'calldata', description: 'Call data queries (Huawei: calldata)' },
        { name: 'control', description: 'The mock\'s control API: reset, agents, calls, events, journal, faults, clock, scenarios' }
      ],
      components: {
        securitySchemes: {
          Guid: { type: 'apiKey', in: 'header', name: 'Guid', description: 'The GUID from Set-GUID at sign-in (without the JSESSIONID= prefix)' },
          AdminToken: { type: 'http', scheme: 'bearer', description: 'Only when the mock runs with --admin-token' }
        }
      }
    }
  })
  await app.register(swaggerUi, { routePrefix: '/__mock/docs', uiConfig: { docExpansion: 'list', deepLinking: false } })
  app.get('/__mock/openapi.json', { schema: { hide: true }, config: { op: '__mock.openapi', auth: 'none' } }, async () => app.swagger())
}, { name: 'openapi', dependencies: ['gateway-http'] })
