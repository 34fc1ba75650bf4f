/** The mock's own liveness and readiness probes (`/__mock/health`, `/__mock/ready`). */
import type { FastifyPluginAsync } from 'fastify'

const health: FastifyPluginAsync = async (app) => {
  app.get('/__mock/health', { config: { op: '__mock.health', auth: 'none' } }, async () => ({ status: 'ok' }))
  app.get('/__mock/ready', { config: { op: '__mock.ready', auth: 'none' } }, async () => ({
    status: 'ready',
    agents: app.simulator.agents.size,
    calls: app.simulator.calls.active.size
  }))
}

export default health
