/**
 * A small keep-alive HTTP client for the workloads that autocannon cannot express (d, e, f and the
 * sign-ins before a–c): one request at a time per caller, JSON in and out, bounded by a timeout.
 */
import http from 'node:http'

export const GW = '/agentgateway/resource'

export interface Answer { status: number, headers: http.IncomingHttpHeaders, body: string }

export interface ClientOptions {
  maxSockets?: number
  /** Source addresses (127.0.0.x) to spread many connections over, so one address's ports do not run out. */
  localAddresses?: string[]
}

export class Client {
  readonly agent: http.Agent
  private readonly sources: string[]

  constructor (readonly port: number, opts: ClientOptions = {}) {
    const max = opts.maxSockets ?? 64
    this.agent = new http.Agent({ keepAlive: true, maxSockets: max, maxFreeSockets: max, scheduling: 'lifo' })
    this.sources = opts.localAddresses ?? []
  }

  request (method: string, path: string, opts: { guid?: string, body?: unknown, timeoutMs?: number, source?: number } = {}): Promise<Answer> {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body)
    const headers: http.OutgoingHttpHeaders = {}
    if (opts.guid !== undefined) headers.guid = opts.guid
    if (payload !== undefined) { headers['content-type'] = 'application/json'; headers['content-length'] = Buffer.byteLength(payload) }
    const localAddress = this.sources.length === 0 ? undefined : this.sources[(opts.source ?? 0) % this.sources.length]
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent, localAddress }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => { body += c })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
        res.on('error', reject)
      })
      req.on('error', reject)
      if (opts.timeoutMs !== undefined) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer in ${opts.timeoutMs} ms`)))
      req.end(payload)
    })
  }

  destroy (): void { this.agent.destroy() }
}

export interface Envelope { message?: string, retcode?: string, result?: unknown, event?: { eventType?: string } | null }

export function parse (a: Answer): Envelope {
  try { return JSON.parse(a.body) as Envelope } catch { return {} }
}

/** Sign agents in, `concurrency` at a time; returns id → GUID. Throws on the first refusal. */
export async function signInAll (client: Client, ids: string[], concurrency = 64, deadlineMs = 600000): Promise<Map<string, string>> {
  const guids = new Map<string, string>()
  const until = performance.now() + deadlineMs
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      if (performance.now() > until) throw new Error(`sign-in of ${ids.length} agents did not finish in ${deadlineMs} ms`)
      const id = ids[next++]!
      const a = await client.request('PUT', `${GW}/onlineagent/${id}`, { body: { password: '', phonenum: '1' }, timeoutMs: 30000 })
      const set = a.headers['set-guid']
      const guid = (Array.isArray(set) ? set[0] : set)?.replace('JSESSIONID=', '')
      if (a.status !== 200 || guid === undefined || parse(a).retcode !== '0') throw new Error(`sign-in of ${id} failed: ${a.status} ${a.body.slice(0, 200)}`)
      guids.set(id, guid)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker))
  return guids
}
