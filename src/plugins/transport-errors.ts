/**
 * Requests Fastify or Node refuse before any route or hook runs, answered in the gateway's envelope
 * too (issue #7), so no client ever parses Fastify's own error JSON or an empty body: a URL that
 * cannot be decoded or a path parameter longer than the router allows (`frameworkErrors`), and
 * requests Node's HTTP parser rejects (`clientErrorHandler`: malformed request line or headers,
 * conflicting Content-Length, headers too large).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { JSON_TYPE, failure } from './envelope.js'

const GATEWAY_PREFIX = '/agentgateway/'

/** On a gateway path an unreadable address is the interface's 000-002 (HTTP 200, like a bad agent id); elsewhere HTTP 400. */
export function frameworkErrors (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long' : 'the URL cannot be decoded'
  return reply.code(req.raw.url?.startsWith(GATEWAY_PREFIX) === true ? 200 : 400).header('content-type', JSON_TYPE).send(failure('INVALID_PARAMETER', message))
}

export function clientErrorHandler (err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  if (!socket.writable) { socket.destroy(err); return }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const body = JSON.stringify(failure('INVALID_PARAMETER', status === 431 ? 'request headers are too large' : `malformed HTTP request (${err.code ?? 'parse error'})`))
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}

/** An `Expect` other than 100-continue: Node answers 417 with an empty body; this one carries the envelope. */
export function expectationFailed (req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify(failure('INVALID_PARAMETER', `unsupported Expect: ${String(req.headers.expect ?? '').slice(0, 100)}`))
  res.writeHead(417, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body), Connection: 'close' })
  res.end(body)
}
