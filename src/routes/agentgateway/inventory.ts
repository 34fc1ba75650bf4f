/**
 * The rest of the gateway's inventory (issue #13), one plugin per family; docs/coverage.md lists
 * every endpoint with its status.
 */
import type { FastifyInstance } from 'fastify'
import agentgroup from './agentgroup.js'
import calldataMore from './calldata-more.js'
import multimedia from './multimedia.js'
import onlineagentMore from './onlineagent-more.js'
import qualitycontrol from './qualitycontrol.js'
import querymonitor from './querymonitor.js'
import queuedevice from './queuedevice.js'
import recordplay from './recordplay.js'
import voicecallMore from './voicecall-more.js'

export default async function inventory (app: FastifyInstance): Promise<void> {
  await app.register(agentgroup)
  await app.register(queuedevice)
  await app.register(querymonitor)
  await app.register(qualitycontrol)
  await app.register(multimedia)
  await app.register(onlineagentMore)
  await app.register(calldataMore)
  await app.register(recordplay)
  await app.register(voicecallMore)
}
