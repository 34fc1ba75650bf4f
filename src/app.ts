/**
 * buildApp: one Fastify instance with its own Simulator (never a module global, so every test
 * starts clean). Registers the gateway routes under /agentgateway/resource and the mock's own
 * routes under /__mock. Never listens; see server.ts.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { RealClock, type Clock } from './domain/clock.js'
import { createIdSource } from './domain/ids.js'
import { Simulator } from './domain/simulator.js'
import type { World } from './domain/world.js'
import { defaultConfig, type Config } from './config.js'
import { loggerOptions } from './logger.js'
import gatewayHttp, { GATEWAY_PREFIX } from './plugins/gateway-http.js'
import agentevent from './routes/agentgateway/agentevent.js'
import calldata from './routes/agentgateway/calldata.js'
import onlineagent from './routes/agentgateway/onlineagent.js'
import voicecall from './routes/agentgateway/voicecall.js'
import health from './routes/mock/health.js'
import { loadWorld } from './world/load-world.js'

declare module 'fastify' {
  interface FastifyInstance { simulator: Simulator, mockConfig: Config }
}

export interface BuildOptions {
  /** Defaults to the wall clock. Tests pass a ManualClock. */
  clock?: Clock
  /** Defaults to the world file named by config.scenario (scenarios/default.yaml). */
  world?: World
  /** Fastify logger setting; defaults to pino per config.logLevel. */
  logger?: FastifyServerOptions['logger']
  /** Extra Fastify server options (https, ...). */
  server?: Partial<FastifyServerOptions>
}

export async function buildApp (partial: Partial<Config> = {}, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const config: Config = { ...defaultConfig(), ...partial }
  const world = opts.world ?? loadWorld(config.scenario, config.agents)
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(config.logLevel),
    // One line per request comes from our onResponse hook, named after the vendor's method.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    exposeHeadRoutes: false,
    return503OnClosing: false,
    forceCloseConnections: true,
    ...opts.server
  } as FastifyServerOptions)

  const log = app.log
  const simulator = new Simulator({
    clock: opts.clock ?? new RealClock(),
    ids: createIdSource({ seed: config.seed >= 0 ? config.seed : undefined }),
    world,
    authMode: config.auth,
    guidRotation: config.guidRotation,
    pollWaitMs: config.pollWaitMs,
    inactivityTimeoutMs: config.inactivityTimeoutMs,
    queueCap: config.queueCap,
    guidGraceMs: config.guidGraceMs,
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m) }
  })
  app.decorate('simulator', simulator)
  app.decorate('mockConfig', config)

  // Held polls are answered (empty) when the server closes, so clients see a clean end.
  app.addHook('preClose', async () => {
    for (const agent of simulator.agents.values()) agent.queue.wake()
  })

  await app.register(gatewayHttp)
  await app.register(health)
  await app.register(async (gw) => {
    await gw.register(onlineagent)
    await gw.register(agentevent, { eventGenTime: config.eventGenTime, emptyPoll: config.emptyPoll })
    await gw.register(voicecall)
    await gw.register(calldata)
  }, { prefix: GATEWAY_PREFIX })
  app.addWrongVerbRoutes()
  return app
}
