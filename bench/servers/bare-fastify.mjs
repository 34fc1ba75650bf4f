/**
 * Reference row "bare Fastify": the framework limit. One route answering like the mock's
 * `PUT callinner` (same JSON), no logging, no hooks; plus `GET /__mock/ready` so start-to-ready is
 * measured the same way as the mock's (workload g).
 * Usage: node bare-fastify.mjs PORT
 */
import Fastify from 'fastify'

const port = Number(process.argv[2] ?? 0)
const app = Fastify({ logger: false })

app.put('/agentgateway/resource/voicecall/:agentid/callinner', async () => ({ message: '', retcode: '0', result: '1795738646-1' }))
app.get('/__mock/ready', async () => ({ status: 'ready' }))

await app.listen({ host: '127.0.0.1', port })

const stop = () => { app.close().then(() => process.exit(0), () => process.exit(1)); setTimeout(() => process.exit(0), 2000).unref() }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
