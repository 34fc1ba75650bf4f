/**
 * The only place that listens: builds the app, serves HTTP or HTTPS, prints the bound URL and
 * closes gracefully on SIGINT/SIGTERM (held polls answered, port released, exit 0).
 */
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { arrivalLimits, buildApp, type BuildOptions } from './app.js'
import { defaultConfig, type Config } from './config.js'
import { tlsMaterial } from './tls.js'
import { watchScenarios } from './world/watch.js'

export interface RunningServer { app: FastifyInstance, url: string, close: () => Promise<void> }

export async function startServer (partial: Partial<Config> = {}, opts: BuildOptions = {}): Promise<RunningServer> {
  const config: Config = { ...defaultConfig(), ...partial }
  const https = config.tls || config.tlsCert !== '' ? await tlsMaterial(config.tlsCert, config.tlsKey, config.host) : undefined
  const app = await buildApp(config, { ...opts, server: { ...opts.server, ...(https === undefined ? {} : { https: { key: https.key, cert: https.cert, ...arrivalLimits(config) } }) } })
  if (config.watch) {
    const watching = watchScenarios(config.scenario, app.scenarios, config.agents, app.log)
    app.addHook('onClose', async () => { await watching.close() })
    await watching.ready
  }
  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `${https === undefined ? 'http' : 'https'}://${shownHost}:${port}`
  app.log.info({ url, auth: config.auth, guidRotation: config.guidRotation, selfSignedTls: https?.selfSigned }, `cc-gateway-mock listening on ${url}`)
  return { app, url, close: async () => { await app.close() } }
}

/** Run until a signal: used by the CLI. */
export async function runServer (partial: Partial<Config>): Promise<RunningServer> {
  const running = await startServer(partial)
  closeWithGrace({ delay: 10000 }, async ({ signal, err }) => {
    if (err !== undefined) running.app.log.error({ err }, 'shutting down after an error')
    else running.app.log.info({ signal }, 'shutting down')
    await running.close()
  })
  return running
}
