/**
 * buildApp: one Fastify instance with its own Simulator (never a module global, so every test
 * starts clean). Registers the gateway routes under /agentgateway/resource and the mock's own
 * routes under /__mock. Never listens; see server.ts.
 */
import { readdirSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Logger } from 'pino'
import { ManualClock, RealClock, type Clock } from './domain/clock.js'
import { createIdSource } from './domain/ids.js'
import type { Scenario } from './domain/scenario.js'
import { ScenarioRegistry } from './domain/scenario-registry.js'
import { CenterQueries } from './domain/center-queries.js'
import { Control } from './domain/control.js'
import { Simulator } from './domain/simulator.js'
import type { World } from './domain/world.js'
import { PushJournalColumns } from './domain/push/journal-columns.js'
import type { PushSender } from './domain/push/types.js'
import { defaultConfig, type Config } from './config.js'
import { createLogger, emptyPollLevel, infoLineWriter, type MockLogger } from './logger.js'
import { createUndiciSender } from './push/undici-sender.js'
import adminAccess from './plugins/admin-access.js'
import faults from './plugins/faults.js'
import gatewayHttp, { GATEWAY_PREFIX } from './plugins/gateway-http.js'
import journal from './plugins/journal.js'
import { lazySerializerFactory, lazyValidatorFactory } from './plugins/lazy-validators.js'
import openapi from './plugins/openapi.js'
import { createPipeline } from './plugins/pipeline.js'
import { clientErrorHandler, expectationFailed, frameworkErrors } from './plugins/transport-errors.js'
import agentevent from './routes/agentgateway/agentevent.js'
import calldata from './routes/agentgateway/calldata.js'
import inventory from './routes/agentgateway/inventory.js'
import queues from './routes/agentgateway/queues.js'
import onlineagent from './routes/agentgateway/onlineagent.js'
import voicecall from './routes/agentgateway/voicecall.js'
import { registerAdmin } from './routes/mock/admin.js'
import dashboard from './routes/mock/dashboard.js'
import health from './routes/mock/health.js'
import { ENVELOPE } from './schemas/answers.js'
import { applyRoster, defaultWorldPath, loadScenarioFile, loadScenarios, shippedScenarios } from './world/load-world.js'

declare module 'fastify' {
  interface FastifyInstance { simulator: Simulator, control: Control, queries: CenterQueries, mockConfig: Config }
}

export interface BuildOptions {
  /** Defaults to the wall clock, or a ManualClock with `clock: 'virtual'`. Tests pass a ManualClock. */
  clock?: Clock
  /** A world to use instead of the scenario files (becomes the active scenario 'test'). */
  world?: World
  /** Scenarios to use instead of reading config.scenario (already loaded). */
  scenarios?: Scenario[]
  /** Fastify logger setting; defaults to pino per config.logLevel. */
  logger?: FastifyServerOptions['logger']
  /** A ready logger and its access log (`jsonLogger(level, sink)`); wins over `logger`. */
  mockLogger?: MockLogger
  /** Any other ready pino logger (request lines through its `info`); wins over `logger`. */
  loggerInstance?: Logger
  /** Extra Fastify server options (https, ...). */
  server?: Partial<FastifyServerOptions>
  /** Generate the OpenAPI document from the routes (needs the dev dependency @fastify/swagger). */
  liveOpenApi?: boolean
  /** Carries push deliveries instead of the undici sender (tests). */
  pushSender?: PushSender
  /** The logs go to a terminal (pretty): empty polls at debug. Default: stdout is a TTY and no logger is given. */
  terminal?: boolean
}

function initialScenarios (config: Config, opts: BuildOptions): { scenarios: Scenario[], fallback: World } {
  const fallback = loadScenarioFile(defaultWorldPath).world
  applyRoster(fallback, config.agents)
  let scenarios: Scenario[]
  if (opts.world !== undefined) scenarios = [{ name: 'test', description: '', source: 'test', world: opts.world, faults: [], timeline: [] }]
  else if (opts.scenarios !== undefined) scenarios = opts.scenarios
  else if (config.scenario.length > 0) scenarios = loadScenarios(config.scenario)
  else scenarios = [loadScenarioFile(defaultWorldPath)]
  if (opts.world === undefined) for (const s of scenarios) applyRoster(s.world, config.agents)
  return { scenarios, fallback }
}

/**
 * Node's limits on a request still arriving (issue #16, finding 10): its headers and its body must
 * all be in within --request-timeout-ms, checked often enough that a request that never ends
 * (a chunked body without its last chunk) is closed soon after. They end when the request has
 * arrived: a held poll is never cut.
 */
export function arrivalLimits (config: Pick<Config, 'requestTimeoutMs'>): { headersTimeout: number, connectionsCheckingInterval: number } {
  return {
    headersTimeout: Math.min(config.requestTimeoutMs, 60000),
    connectionsCheckingInterval: Math.max(50, Math.min(5000, Math.floor(config.requestTimeoutMs / 4)))
  }
}

export async function buildApp (partial: Partial<Config> = {}, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const config: Config = { ...defaultConfig(), ...partial }
  const { scenarios, fallback } = initialScenarios(config, opts)
  const first = scenarios[0]
  const seed = config.seed >= 0 ? config.seed : first?.seed
  // The logger and the writer of its request lines come from one factory (see logger.ts).
  const logging: MockLogger | undefined = opts.mockLogger ??
    (opts.loggerInstance !== undefined ? { logger: opts.loggerInstance, accessLog: infoLineWriter(opts.loggerInstance) } : undefined) ??
    (opts.logger !== undefined ? undefined : createLogger(config.logLevel))
  const app = Fastify({
    ...(logging !== undefined ? { loggerInstance: logging.logger } : { logger: opts.logger }),
    // One line per request comes from our onResponse hook, named after the vendor's method.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (its creation cost more than the line itself): request log
    // lines carry their reqId themselves.
    childLoggerFactory: (logger: unknown) => logger,
    bodyLimit: config.bodyLimit,
    exposeHeadRoutes: false,
    return503OnClosing: false,
    forceCloseConnections: true,
    schemaController: { compilersFactory: { buildValidator: lazyValidatorFactory(), buildSerializer: lazySerializerFactory() } },
    // Unknown keys are kept (gateway bodies allow them) or refused (control API schemas say
    // additionalProperties: false), never silently dropped: a misspelt journal or fault matcher
    // must not match everything.
    ajv: { customOptions: { removeAdditional: false } },
    // Refusals before any route runs still answer the envelope (bad URL, overlong parameter,
    // malformed HTTP); an HTTP/1.1 request without Host is served like an HTTP/1.0 one.
    frameworkErrors,
    clientErrorHandler,
    http: { requireHostHeader: false, ...arrivalLimits(config) },
    requestTimeout: config.requestTimeoutMs,
    ...opts.server
  } as unknown as FastifyServerOptions)

  app.server.on('checkExpectation', expectationFailed)
  const log = app.log
  if (config.pushUrl !== '' && !/^https?:\/\/\S+$/.test(config.pushUrl)) throw new Error(`--push-url: expected an http or https URL, got '${config.pushUrl}'`)
  const pushSender = opts.pushSender ?? createUndiciSender({ insecure: config.pushInsecure, caFile: config.pushCaFile, connections: config.pushConnections })
  app.addHook('onClose', async () => { await pushSender.close?.() })
  const simulator = new Simulator({
    clock: opts.clock ?? (config.clock === 'virtual' ? new ManualClock(Date.now()) : new RealClock()),
    ids: createIdSource({ seed }),
    seed,
    world: first?.world ?? fallback,
    authMode: config.auth,
    guidRotation: config.guidRotation,
    pollWaitMs: config.pollWaitMs,
    inactivityTimeoutMs: config.inactivityTimeoutMs,
    queueCap: config.queueCap,
    guidGraceMs: config.guidGraceMs,
    // debug only when on: a line per successful push would otherwise be built for nothing.
    log: {
      info: (o, m) => log.info(o, m),
      warn: (o, m) => log.warn(o, m),
      ...((log as LevelCheck).isLevelEnabled?.('debug') === true ? { debug: (o: object, m: string) => log.debug(o, m) } : {}),
      isLevelEnabled: (level: string) => (log as LevelCheck).isLevelEnabled?.(level) ?? true
    },
    pushSender,
    push: {
      retryIntervalMs: config.pushRetryIntervalMs,
      failTotalMs: config.pushFailTotalMs,
      timeoutMs: config.pushTimeoutMs,
      connections: config.pushConnections,
      whitelist: config.pushWhitelist.flatMap(u => u.split(';')).map(u => u.trim()).filter(u => u !== ''),
      serverUrl: config.pushUrl,
      serverFormat: config.pushFormat,
      eventGenTime: config.eventGenTime
    }
  })
  app.decorate('simulator', simulator)
  const control = new Control(simulator)
  app.decorate('control', control)
  app.decorate('queries', new CenterQueries(simulator))
  app.decorate('mockConfig', config)
  const registry = new ScenarioRegistry(simulator, control, fallback)
  for (const s of scenarios) registry.add(s)
  if (opts.world === undefined && opts.scenarios === undefined) offerShipped(registry, config.agents)
  if (first !== undefined) registry.activate(first.name)
  app.decorate('scenarios', registry)

  // Held polls are answered (empty) when the server closes, so clients see a clean end.
  app.addHook('preClose', async () => {
    for (const agent of simulator.agents.values()) agent.queue.wake()
  })
  // The asynchronous log destination keeps lines in memory until written: write them out.
  app.addHook('onClose', async () => { (app.log as { flush?: () => void }).flush?.() })

  // The request pipeline (src/plugins/pipeline.ts): the plugins below provide its stages, and it
  // installs them in its own order, whatever the order of registration.
  const pipeline = createPipeline(app)
  await app.register(journal, { size: config.journalSize })
  // Outbound pushes are journalled beside the requests (operation pushEvent).
  if (app.journal.limit > 0) {
    const columns = new PushJournalColumns(app.journal)
    simulator.push.recorder = (d) => { columns.keep(d) }
  }
  await app.register(faults)
  const terminal = opts.terminal ?? (opts.mockLogger === undefined && opts.loggerInstance === undefined && opts.logger === undefined && process.stdout.isTTY === true)
  await app.register(gatewayHttp, { accessLog: logging?.accessLog, emptyPollLevel: emptyPollLevel(config.logEmptyPolls, terminal) })
  await app.register(adminAccess, { token: config.adminToken, listenHost: config.host, allowedHosts: config.allowedHosts, allowedOrigins: config.allowedOrigins })
  pipeline.install(app)
  if (!config.noAdmin) await app.register(openapi, { live: opts.liveOpenApi === true })
  await app.register(health)
  if (!config.noAdmin) {
    await registerAdmin(app)
    await app.register(dashboard)
  }
  await app.register(async (gw) => {
    // Every gateway route answers the envelope, serialised from its response schema: the route's
    // own (a typed result or event, a documented example) or else the plain one.
    gw.addHook('onRoute', (route) => { if (route.schema?.response === undefined) route.schema = { ...route.schema, response: ENVELOPE } })
    await gw.register(onlineagent)
    await gw.register(agentevent, { eventGenTime: config.eventGenTime, emptyPoll: config.emptyPoll })
    await gw.register(voicecall)
    await gw.register(calldata)
    await gw.register(inventory)
    await gw.register(queues)
  }, { prefix: GATEWAY_PREFIX })
  return app
}

/** Every shipped scenario, available by name on every start (issue #14 bug 3); read when first used. */
function offerShipped (registry: ScenarioRegistry, roster: string): void {
  for (const file of readdirSync(shippedScenarios).filter(f => /\.ya?ml$/.test(f)).sort()) {
    registry.addLazy(basename(file, extname(file)), () => {
      const s = loadScenarioFile(join(shippedScenarios, file))
      applyRoster(s.world, roster)
      return s
    })
  }
}

/** pino's level check (Fastify's logger type does not show it). */
interface LevelCheck { isLevelEnabled?: (level: string) => boolean }
