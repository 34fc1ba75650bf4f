/**
 * OpenAPI 3 (issue #5). The document is generated from the TypeBox route schemas by
 * @fastify/swagger — live when `live` is set (the `npm run openapi` script and its staleness test),
 * otherwise served from docs/openapi.json, which that test proves identical: a running mock does not
 * pay for generating it at start. Swagger UI at /__mock/docs uses swagger-ui-dist's assets (no
 * network needed).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { shipped } from '../paths.js'
import { GATEWAY_PREFIX } from './gateway-http.js'

export const OPENAPI_INFO = {
  title: 'cc-gateway-mock',
  description: 'The Huawei CEC CC-Gateway agent REST API as simulated by cc-gateway-mock (under /agentgateway/resource), ' +
    'and the mock\'s own control API (under /__mock). Gateway business outcomes are HTTP 200 with a string `retcode` ("0" = success).',
  version: '0.1.0'
}

const OPENAPI_FILE = shipped('docs', 'openapi.json')

const UI_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8'
}

const UI_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cc-gateway-mock API</title>
<link rel="stylesheet" href="/__mock/docs/swagger-ui.css"><link rel="icon" href="data:,"></head>
<body><div id="swagger-ui"></div>
<script src="/__mock/docs/swagger-ui-bundle.js"></script>
<script src="/__mock/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/__mock/openapi.json', dom_id: '#swagger-ui', docExpansion: 'list',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' })</script>
</body></html>`

async function registerLive (app: FastifyInstance): Promise<void> {
  // Name and tag every route before @fastify/swagger (registered next) reads it. Answers are
  // documented from the routes' response schemas (src/schemas/answers.ts).
  app.addHook('onRoute', (route) => {
    const op = route.config?.op
    if (op === undefined) return
    const schema = (route.schema ?? {}) as Record<string, unknown>
    if (op === '__405' || op === 'unknown') { route.schema = { ...schema, hide: true }; return }
    if (route.url.startsWith(GATEWAY_PREFIX)) {
      const resource = route.url.slice(GATEWAY_PREFIX.length + 1).split('/')[0] ?? 'gateway'
      const security = op.startsWith('login') || op === 'forceLogin' ? [] : [{ Guid: [] }]
      route.schema = { ...schema, tags: [resource], summary: op, operationId: `${op}_${String(route.method).toLowerCase()}`, security }
    } else if (op.startsWith('__mock.') && schema.tags === undefined) {
      route.schema = { ...schema, tags: ['control'] }
    }
  })
  // A dev dependency: only the generator and its test load it.
  const { default: swagger } = await import('@fastify/swagger')
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: OPENAPI_INFO,
      tags: [
        { name: 'onlineagent', description: 'Sign-in, heartbeat, skills and agent state (Huawei: onlineagent)' },
        { name: 'agentevent', description: 'Event polling (Huawei: agentevent)' },
        { name: 'voicecall', description: 'Voice call control (Huawei: voicecall)' },
        { name: 'calldata', description: 'Call data queries (Huawei: calldata)' },
        { name: 'agentgroup', description: 'Agent and work-group queries (Huawei: agentgroup)' },
        { name: 'queuedevice', description: 'Skill queues and IVRs (Huawei: queuedevice)' },
        { name: 'querymonitor', description: 'Gateway node, system and skill figures (Huawei: querymonitor)' },
        { name: 'qualitycontrol', description: 'Quality inspection (Huawei: qualitycontrol)' },
        { name: 'textchat', description: 'Text chat: not simulated yet, answers 100-007 (Huawei: textchat)' },
        { name: 'multimediaconf', description: 'Multimedia conference: not simulated, answers 100-007' },
        { name: 'agentconf', description: 'Agent conference: not simulated, answers 100-007' },
        { name: 'eccconfig', description: 'ECC red and black lists: not simulated, answers 100-007' },
        { name: 'thirdcontrol', description: 'Third-party control: not simulated, answers 100-007' },
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
}

export default fp(async function openapi (app: FastifyInstance, opts: { live: boolean }) {
  if (opts.live) await registerLive(app)
  let shipped: string | undefined
  app.get('/__mock/openapi.json', { schema: { hide: true }, config: { op: '__mock.openapi', auth: 'none' } }, async (_req, reply) => {
    if (opts.live) return (app as unknown as { swagger(): unknown }).swagger()
    shipped ??= readFileSync(OPENAPI_FILE, 'utf8')
    return reply.type('application/json; charset=utf-8').send(shipped)
  })

  const uiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const cache = new Map<string, Buffer>()
  app.get('/__mock/docs', { schema: { hide: true }, config: { op: '__mock.docs', auth: 'none' } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(UI_PAGE))
  app.get('/__mock/docs/:file', { schema: { hide: true }, config: { op: '__mock.docs', auth: 'none' } }, async (req, reply) => {
    const file = (req.params as { file: string }).file
    // Own keys only: `__proto__` or `toString` must not reach the file system.
    const type = Object.hasOwn(UI_FILES, file) ? UI_FILES[file] : undefined
    if (type === undefined) return reply.code(404).type('application/json;charset=UTF-8').send({ message: `no such file: ${file}`, retcode: '000-002' })
    let body = cache.get(file)
    if (body === undefined) { body = readFileSync(join(uiDir, file)); cache.set(file, body) }
    return reply.type(type).header('cache-control', 'public, max-age=3600').send(body)
  })
}, { name: 'openapi', dependencies: ['gateway-http'] })
