/**
 * The PushSender the mock uses: undici with keep-alive connections (a bounded number per receiver,
 * so 10,000 agents do not open 10,000 sockets), TLS 1.2+ with certificate checks unless
 * `--push-insecure` (the real gateway's `eventpush.ssl.trustAll`), an extra CA from
 * `--push-ca-file`. undici is loaded on the first push, so start-up does not pay for it.
 */
import { readFileSync } from 'node:fs'
import { rootCertificates } from 'node:tls'
import type { Dispatcher } from 'undici'
import type { PushCall, PushDone, PushPost, PushPoster } from '../domain/push/types.js'

export interface UndiciSenderOptions {
  /** Accept any receiver certificate (self-signed, wrong host). */
  insecure: boolean
  /** PEM file of a CA to trust besides Node's own. */
  caFile: string
  /** Connections kept per receiver (origin): `--push-connections`, the hub's POSTs in flight per URL. */
  connections: number
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

export function createUndiciSender (opts: UndiciSenderOptions): PushPoster {
  // Read now, so a bad path fails at start rather than at the first push.
  const ca = opts.caFile === '' ? undefined : readFileSync(opts.caFile)
  let agent: Dispatcher | undefined
  let loading: Promise<Dispatcher> | undefined
  const load = (): Promise<Dispatcher> => (loading ??= import('undici').then(({ Agent }) => {
    agent = new Agent({
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
    })
    return agent
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
  const dispatch = (a: Dispatcher, req: PushPost, reader: ReplyReader): void => {
    try {
      const { origin, path } = target(req.url)
      a.dispatch({ origin, path, method: 'POST', headers: req.headers, body: req.body }, reader)
    } catch (err) {
      reader.onResponseError(undefined, err instanceof Error ? err : new Error(String(err)))
    }
  }

  return {
    post (req: PushPost, done: PushDone): PushCall {
      const reader = new ReplyReader(done)
      if (agent !== undefined) dispatch(agent, req, reader)
      else load().then(a => { dispatch(a, req, reader) }, (err: Error) => { reader.onResponseError(undefined, err) })
      return reader
    },
    async close (): Promise<void> {
      if (loading === undefined) return
      await (await loading).destroy()
    }
  }
}
