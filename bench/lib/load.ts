/** autocannon, in this (load-core-pinned) process: a warm-up run that is thrown away, then the counted run. */
import autocannon from 'autocannon'
import { withTimeout } from './proc.js'

export interface LoadSpec {
  port: number
  connections: number
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE'
  path?: string
  body?: string
  headers?: Record<string, string>
  /** Per connection: replace its request list (e.g. each connection acts for its own agent). */
  setupClient?: (client: autocannon.Client) => void
  expectBody?: string
  verifyBody?: (body: string | Buffer | undefined) => boolean
}

export interface LoadResult {
  rps: number
  p50: number
  p99: number
  /** Socket errors + timeouts + non-2xx + bodies that were not the expected answer. */
  errors: number
  requests: number
}

async function once (spec: LoadSpec, seconds: number): Promise<autocannon.Result> {
  const opts: autocannon.Options = {
    url: `http://127.0.0.1:${spec.port}${spec.path ?? ''}`,
    connections: spec.connections,
    duration: seconds,
    method: spec.method ?? 'GET',
    body: spec.body,
    headers: spec.headers,
    setupClient: spec.setupClient,
    expectBody: spec.expectBody,
    verifyBody: spec.verifyBody,
    timeout: 10
  }
  return await withTimeout(autocannon(opts), (seconds + 30) * 1000, 'autocannon')
}

/** Warm up, run `between` (e.g. put state back where the counted run expects it), then count. */
export async function measure (spec: LoadSpec, warmupS: number, durationS: number, between?: () => Promise<void>): Promise<LoadResult> {
  if (warmupS > 0) await once(spec, warmupS)
  await between?.()
  const r = await once(spec, durationS)
  return {
    rps: r.requests.total / Math.max(r.duration, 0.001),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.mismatches,
    requests: r.requests.total
  }
}
