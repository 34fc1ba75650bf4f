/**
 * Wire details checked on a real socket (Part B §1–§5): raw header names and order, exact bytes,
 * content types, and the JSON answers for bad input, unknown paths and wrong verbs.
 */
import { request } from 'node:http'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'

interface RawResponse { status: number, rawHeaders: string[], body: string }

function send (port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let data = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { data += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: data }))
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

const names = (raw: string[]): string[] => raw.filter((_, i) => i % 2 === 0)
const header = (raw: string[], name: string): string | undefined => raw[raw.indexOf(name) + 1]

t.test('on a real socket', async (t) => {
  const app = await buildApp({ pollWaitMs: 0, seed: 7 }, { clock: new ManualClock(), logger: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const port = (app.server.address() as { port: number }).port
  const GW = '/agentgateway/resource'

  let guid = ''
  t.test('sign-in sends Set-Cookie then Set-GUID, spelled exactly so', async (t) => {
    const res = await send(port, 'PUT', `${GW}/onlineagent/1001`,
      '{"password":"","phonenum":"40038","status":"4","releasephone":"false","agenttype":"4"}',
      { 'Content-Type': 'application/json; charset=UTF-8' })
    t.equal(res.status, 200)
    const n = names(res.rawHeaders)
    t.ok(n.includes('Set-GUID'), 'header name is exactly Set-GUID')
    t.notOk(n.includes('set-guid'))
    t.ok(n.indexOf('Set-Cookie') < n.indexOf('Set-GUID'), 'Set-Cookie comes before Set-GUID')
    const setGuid = header(res.rawHeaders, 'Set-GUID') ?? ''
    t.match(setGuid, /^JSESSIONID=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.AgentGateway0$/)
    guid = setGuid.slice('JSESSIONID='.length)
    t.equal(header(res.rawHeaders, 'Set-Cookie'), `JSESSIONID=${guid}; Path=/`)
    t.equal(header(res.rawHeaders, 'content-type'), 'application/json;charset=UTF-8')
    const body = JSON.parse(res.body)
    t.same(Object.keys(body), ['message', 'retcode', 'result'])
    t.equal(body.retcode, '0')
    t.same(Object.keys(body.result), ['vdnid', 'workno', 'mediatype', 'loginTime', 'isForceChange', 'serverName', 'timeRemaining'])
    t.equal(body.result.workno, '1001')
  })

  t.test('the first poll answers the sign-in events, byte for byte', async (t) => {
    const a = await send(port, 'GET', `${GW}/agentevent/1001`, undefined, { guid })
    t.equal(a.body, '{"message":"","retcode":"0","event":{"eventType":"AgentOther_InService","workNo":"1001","content":null}}')
    const b = await send(port, 'GET', `${GW}/agentevent/1001`, undefined, { Guid: guid, 'Content-Type': 'text/plain' })
    t.equal(b.body, '{"message":"","retcode":"0","event":{"eventType":"AgentState_Ready","workNo":"1001","content":null}}')
    const empty = await send(port, 'GET', `${GW}/agentevent/1001`, undefined, { GUID: guid })
    t.equal(empty.body, '{"message":"","retcode":"0"}', 'nothing to deliver: exactly this body')
    t.equal(header(empty.rawHeaders, 'content-type'), 'application/json;charset=UTF-8')
  })

  t.test('a JSESSIONID cookie alone is a credential (cookie-jar clients)', async (t) => {
    const res = await send(port, 'GET', `${GW}/onlineagent/1001/agentstatus`, undefined, { Cookie: `other=1; JSESSIONID=${guid}; Path=/` })
    t.equal(res.body, '{"message":"","retcode":"0","result":{"agentState":4,"isWorking":false}}')
  })

  t.test('body-less calls accept any or no content type, and an empty JSON body', async (t) => {
    const variants: Array<Record<string, string>> = [{}, { 'Content-Type': 'application/json' }, { 'Content-Type': 'text/plain' }, { 'Content-Type': 'application/json; charset=UTF-8' }]
    for (const headers of variants) {
      const res = await send(port, 'POST', `${GW}/onlineagent/1001/saybusy`, '', { guid, ...headers })
      t.equal(JSON.parse(res.body).retcode, '0', JSON.stringify(headers))
      await send(port, 'POST', `${GW}/onlineagent/1001/cancelbusy`, undefined, { guid, ...headers })
    }
  })

  t.test('malformed JSON answers 000-002 in the envelope, HTTP 200', async (t) => {
    const res = await send(port, 'PUT', `${GW}/voicecall/1001/callinner`, '{"called":', { guid, 'Content-Type': 'application/json' })
    t.equal(res.status, 200)
    const body = JSON.parse(res.body)
    t.equal(body.retcode, '000-002')
    t.match(body.message, /malformed JSON/)
    t.notMatch(res.body, /at .*\.js/, 'no stack trace')
  })

  t.test('__proto__ keys are refused, not merged', async (t) => {
    const res = await send(port, 'PUT', `${GW}/voicecall/1001/callinner`, '{"called":"9002","__proto__":{"x":1}}', { guid, 'Content-Type': 'application/json' })
    t.equal(JSON.parse(res.body).retcode, '000-002')
  })

  t.test('an oversize body gets 413 with the envelope', async (t) => {
    const big = JSON.stringify({ called: '9002', callappdata: 'x'.repeat(1048576) })
    const res = await send(port, 'PUT', `${GW}/voicecall/1001/callinner`, big, { guid, 'Content-Type': 'application/json' })
    t.equal(res.status, 413)
    t.equal(header(res.rawHeaders, 'content-type'), 'application/json;charset=UTF-8')
    t.equal(JSON.parse(res.body).retcode, '000-002')
  })

  t.test('unknown paths get a JSON 404 naming the path', async (t) => {
    const res = await send(port, 'GET', `${GW}/nosuch/1001`)
    t.equal(res.status, 404)
    t.equal(res.body, '{"message":"no such interface: GET /agentgateway/resource/nosuch/1001","retcode":"000-002"}')
    const outside = await send(port, 'GET', '/index.html')
    t.equal(outside.status, 404)
    t.equal(header(outside.rawHeaders, 'content-type'), 'application/json;charset=UTF-8')
  })

  t.test('a wrong verb gets a JSON 405 with Allow', async (t) => {
    const res = await send(port, 'GET', `${GW}/voicecall/1001/callinner`, undefined, { guid })
    t.equal(res.status, 405)
    t.equal(header(res.rawHeaders, 'allow'), 'PUT')
    t.same(JSON.parse(res.body), { message: 'GET is not supported here; use PUT', retcode: '000-002' })
  })

  t.test('health and readiness', async (t) => {
    t.equal((await send(port, 'GET', '/__mock/health')).status, 200)
    const ready = await send(port, 'GET', '/__mock/ready')
    t.equal(ready.status, 200)
    t.equal(JSON.parse(ready.body).status, 'ready')
  })
})
