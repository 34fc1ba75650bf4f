/**
 * The PushSender the mock uses: undici with keep-alive connections (a bounded number per receiver,
 * so 10,000 agents do not open 10,000 sockets), TLS 1.2+ with certificate checks unless
 * `--push-insecure` (the real gateway's `eventpush.ssl.trustAll`), an extra CA from
 * `--push-ca-file`. undici is loaded on the first push, so start-up does not pay for it.
 */
import { readFileSync } from 'node:fs'
import { rootCertificates } from 'node:tls'
import type { Dispatcher } from 'undici'
import type { PushReply, PushRequest, PushSender } from '../domain/push/types.js'

export interface UndiciSenderOptions {
  /** Accept any receiver certificate (self-signed, wrong host). */
  insecure: boolean
  /** PEM file of a CA to trust besides Node's own. */
  caFile: string
  /** Connections kept per receiver (origin): `--push-connections`, the hub's POSTs in flight per URL. */
  connections: number
}

/**
 * Reads one answer whole (the connection goes back to the pool only then) through undici's
 * dispatch handler: no response stream, no promise per chunk, no AbortController (the channel's
 * signal is listened to while the POST is on the wire). Pushes are the hot path of workload j.
 */
class ReplyReader implements Dispatcher.DispatchHandler {
  private status = 0
  private readonly chunks: Buffer[] = []
  private controller: Dispatcher.DispatchController | undefined

  constructor (
    private readonly signal: AbortSignal,
    private readonly resolve: (reply: PushReply) => void,
    private readonly reject: (err: Error) => void
  ) {}

  private readonly onAbort = (): void => { this.controller?.abort(this.signal.reason) }

  onRequestStart (controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.signal.aborted) controller.abort(this.signal.reason)
    else this.signal.addEventListener('abort', this.onAbort)
  }

  onResponseStart (_controller: Dispatcher.DispatchController, statusCode: number): void { this.status = statusCode }

  onResponseData (_controller: Dispatcher.DispatchController, chunk: Buffer): void { this.chunks.push(chunk) }

  onResponseEnd (): void {
    this.signal.removeEventListener('abort', this.onAbort)
    const c = this.chunks
    this.resolve({ status: this.status, body: c.length === 1 ? c[0]!.toString('utf8') : Buffer.concat(c).toString('utf8') })
  }

  onResponseError (_controller: Dispatcher.DispatchController, err: Error): void {
    this.signal.removeEventListener('abort', this.onAbort)
    this.reject(err)
  }
}

export function createUndiciSender (opts: UndiciSenderOptions): PushSender {
  // Read now, so a bad path fails at start rather than at the first push.
  const ca = opts.caFile === '' ? undefined : readFileSync(opts.caFile)
  let dispatcher: Promise<{ agent: Dispatcher }> | undefined
  const load = (): NonNullable<typeof dispatcher> => (dispatcher ??= import('undici').then(({ Agent }) => ({
    agent: new Agent({
      connections: opts.connections,
      keepAliveTimeout: 30000,
      connect: {
        minVersion: 'TLSv1.2',
        rejectUnauthorized: !opts.insecure,
        // An extra CA adds to Node's bundled roots rather than replacing them.
        ...(ca === undefined ? {} : { ca: [...rootCertificates, ca.toString()] })
      }
    })
  })))
  // Each agent pushes to one URL: parse it once.
  const targets = new Map<string, { origin: string, path: string }>()
  const target = (url: string): { origin: string, path: string } => {
    let t = targets.get(url)
    if (t === undefined) {
      const u = new URL(url)
      t = { origin: u.origin, path: `${u.pathname}${u.search}` }
      if (targets.size >= 10000) targets.clear()
      targets.set(url, t)
    }
    return t
  }

  return {
    async send (req: PushRequest): Promise<PushReply> {
      const { agent } = await load()
      const { origin, path } = target(req.url)
      return await new Promise<PushReply>((resolve, reject) => {
        agent.dispatch({ origin, path, method: 'POST', headers: req.headers, body: req.body }, new ReplyReader(req.signal, resolve, reject))
      })
    },
    async close (): Promise<void> {
      if (dispatcher === undefined) return
      const { agent } = await dispatcher
      await agent.destroy()
    }
  }
}
