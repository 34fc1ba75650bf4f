/**
 * The PushSender the mock uses: undici with keep-alive connections (a bounded number per receiver,
 * so 10,000 agents do not open 10,000 sockets), TLS 1.2+ with certificate checks unless
 * `--push-insecure` (the real gateway's `eventpush.ssl.trustAll`), an extra CA from
 * `--push-ca-file`. undici is loaded on the first push, so start-up does not pay for it.
 *
 * One undici Pool per receiver origin, kept while the mock runs (at most MAX_ORIGINS): undici's
 * Agent closes an origin's pool whenever its last connection fails, so with a receiver down every
 * new try of the port built a new pool (a 2,048-slot queue and a client each), 50 times a second —
 * a quarter of what the mock's heap promoted while 10,000 agents' events waited.
 */
import { readFileSync } from 'node:fs'
import { rootCertificates } from 'node:tls'
import type { Dispatcher, Pool } from 'undici'
import type { PushCall, PushDone, PushPost, PushPoster } from '../domain/push/types.js'

export interface UndiciSenderOptions {
  /** Accept any receiver certificate (self-signed, wrong host). */
  insecure: boolean
  /** PEM file of a CA to trust besides Node's own. */
  caFile: string
  /** Connections kept per receiver (origin): `--push-connections`, the hub's POSTs in flight per URL. */
  connections: number
  /** Origins with a pool at once (default MAX_ORIGINS). */
  maxOrigins?: number
}

/**
 * One POST through undici's dispatch handler, and the handle that aborts it: no response stream,
 * no promise, no AbortSignal (the hub's timeout sweep calls `abort`). Reads the answer whole (the
 * connection goes back to the pool only then). Pushes are the hot path of workload j.
 */
class ReplyReader implements Dispatcher.DispatchHandler, PushCall {
  private status = 0
  private chunk: Buffer | undefined
  private chunks: Buffer[] | undefined
  private controller: Dispatcher.DispatchController | undefined
  private abortReason: Error | undefined
  /** Until the POST ends (then undefined: `done` is called once). */
  private done: PushDone | undefined

  constructor (done: PushDone) { this.done = done }

  abort (reason: Error): void {
    if (this.done === undefined) return
    if (this.controller !== undefined) this.controller.abort(reason)
    else this.abortReason = reason
  }

  onRequestStart (controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.abortReason !== undefined) controller.abort(this.abortReason)
  }

  onResponseStart (_controller: Dispatcher.DispatchController, statusCode: number): void { this.status = statusCode }

  onResponseData (_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.chunk === undefined) this.chunk = chunk
    else (this.chunks ??= [this.chunk]).push(chunk)
  }

  onResponseEnd (): void {
    const done = this.done
    if (done === undefined) return
    this.done = undefined
    const body = this.chunks !== undefined ? Buffer.concat(this.chunks).toString('utf8') : this.chunk === undefined ? '' : this.chunk.toString('utf8')
    done(undefined, { status: this.status, body })
  }

  onResponseError (_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    const done = this.done
    if (done === undefined) return
    this.done = undefined
    done(err, undefined)
  }
}

/** Receiver origins with a pool at once; past it the oldest pool is closed (its POSTs under way end first). */
export const MAX_ORIGINS = 1000

export function createUndiciSender (opts: UndiciSenderOptions): PushPoster & { readonly origins: number, close: () => Promise<void> } {
  // Read now, so a bad path fails at start rather than at the first push.
  const ca = opts.caFile === '' ? undefined : readFileSync(opts.caFile)
  const pools = new Map<string, Dispatcher>()
  const maxOrigins = opts.maxOrigins ?? MAX_ORIGINS
  let closed = false
  let poolFor: ((origin: string) => Dispatcher) | undefined
  let loading: Promise<(origin: string) => Dispatcher> | undefined
  const load = (): Promise<(origin: string) => Dispatcher> => (loading ??= import('undici').then(({ Pool }) => {
    const options: Pool.Options = {
      connections: opts.connections,
      keepAliveTimeout: 30000,
      // The hub times every delivery itself (--push-timeout-ms): undici's own timers would only cost.
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: {
        minVersion: 'TLSv1.2',
        rejectUnauthorized: !opts.insecure,
        // An extra CA adds to Node's bundled roots rather than replacing them.
        ...(ca === undefined ? {} : { ca: [...rootCertificates, ca.toString()] })
      }
    }
    poolFor = (origin: string): Dispatcher => {
      let pool = pools.get(origin)
      if (pool === undefined) {
        if (pools.size >= maxOrigins) {
          const [oldest, old] = pools.entries().next().value!
          pools.delete(oldest)
          old.close().catch(() => {})
        }
        pool = new Pool(origin, options)
        pools.set(origin, pool)
      }
      return pool
    }
    return poolFor
  }))
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
  const dispatch = (pool: (origin: string) => Dispatcher, req: PushPost, reader: ReplyReader): void => {
    try {
      // Closed (the mock stopping): no new pool, whose sockets nothing would close.
      if (closed) throw new Error('the push sender is closed')
      const { origin, path } = target(req.url)
      pool(origin).dispatch({ origin, path, method: 'POST', headers: req.headers, body: req.body }, reader)
    } catch (err) {
      reader.onResponseError(undefined, err instanceof Error ? err : new Error(String(err)))
    }
  }

  return {
    /** Origins with a pool now. */
    get origins (): number { return pools.size },
    post (req: PushPost, done: PushDone): PushCall {
      const reader = new ReplyReader(done)
      if (poolFor !== undefined) dispatch(poolFor, req, reader)
      else load().then(p => { dispatch(p, req, reader) }, (err: Error) => { reader.onResponseError(undefined, err) })
      return reader
    },
    async close (): Promise<void> {
      closed = true
      if (loading === undefined) return
      await loading
      const all = [...pools.values()]
      pools.clear()
      await Promise.all(all.map(p => p.destroy()))
    }
  }
}
