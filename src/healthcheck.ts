/**
 * Docker HEALTHCHECK without curl: GET /__mock/health on the local port (HTTP or HTTPS per the
 * same environment the server reads). Exit 0 when healthy, 1 otherwise.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

const port = Number(process.env.PORT ?? 8043)
const tls = ['true', '1', 'yes', 'on'].includes((process.env.TLS ?? '').toLowerCase()) || (process.env.TLS_CERT ?? '') !== ''
const req = (tls ? httpsRequest : httpRequest)({ host: '127.0.0.1', port, path: '/__mock/health', timeout: 3000, rejectUnauthorized: false }, (res) => {
  res.resume()
  process.exit(res.statusCode === 200 ? 0 : 1)
})
req.on('timeout', () => req.destroy(new Error('timeout')))
req.on('error', () => process.exit(1))
req.end()
