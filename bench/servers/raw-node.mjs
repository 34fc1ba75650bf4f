/**
 * Reference row "raw node:http": the physical limit. Answers every request, after reading its body,
 * with the JSON the mock's `PUT callinner` answers (same keys, same length), serialised per request.
 * Usage: node raw-node.mjs PORT
 */
import http from 'node:http'

const port = Number(process.argv[2] ?? 0)
const answer = { message: '', retcode: '0', result: '1795738646-1' }

const server = http.createServer((req, res) => {
  req.on('data', () => {})
  req.on('end', () => {
    const body = JSON.stringify(answer)
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
})
server.listen(port, '127.0.0.1')

const stop = () => { server.closeAllConnections(); server.close(() => process.exit(0)); setTimeout(() => process.exit(0), 2000).unref() }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
