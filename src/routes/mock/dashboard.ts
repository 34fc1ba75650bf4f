/** A live page to watch and steer the mock: agents, calls, queues, push delivery, requests, scenarios, faults (`/__mock/`). */
import { readFileSync } from 'node:fs'
import type { FastifyPluginAsync } from 'fastify'
import { shipped } from '../../paths.js'

const page = readFileSync(shipped('public', 'dashboard.html'), 'utf8')

const dashboard: FastifyPluginAsync = async (app) => {
  for (const url of ['/__mock', '/__mock/', '/__mock/ui']) {
    app.get(url, { schema: { hide: true }, config: { op: '__mock.ui', auth: 'none' } }, async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(page))
  }
}

export default dashboard
