/**
 * Gateway answers serialised from their response schemas (src/schemas/answers.ts): byte for byte
 * what JSON.stringify writes for the same objects, and exact on a real socket.
 */
import SerializerSelector from '@fastify/fast-json-stringify-compiler'
import fc from 'fast-check'
import t from 'tap'
import Type, { type TSchema } from 'typebox'
import { request } from 'undici'
import { buildApp } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'
import { pollAnswer, renderEvent } from '../../src/routes/agentgateway/agentevent.js'
import { answers, ENVELOPE, eventSchema } from '../../src/schemas/answers.js'
import { GW, signIn } from '../helper.js'

/** The serialiser Fastify builds for a route's 200 answer (the same compiler, default options). */
const compile = (schema: { 200: TSchema }): (doc: unknown) => string =>
  SerializerSelector()({}, {})({ schema: schema[200], method: 'GET', url: '/', httpStatus: '200' })

const text = fc.string({ unit: 'binary' })
const event = fc.record({
  eventType: text,
  workNo: text,
  genTime: fc.oneof(fc.integer(), fc.double()),
  content: fc.oneof(fc.constant(undefined), fc.constant(null), fc.jsonValue(), fc.dictionary(text, fc.jsonValue()))
})

t.test('the plain envelope: same bytes as JSON.stringify, whatever the result', async (t) => {
  const write = compile(ENVELOPE)
  const result = fc.oneof(fc.constant(undefined), fc.constant(null), fc.jsonValue(), fc.dictionary(text, fc.jsonValue()))
  fc.assert(fc.property(text, fc.constantFrom('0', '000-002', '100-006'), result, (message, retcode, result) => {
    const doc = result === undefined ? { message, retcode } : { message, retcode, result }
    return write(doc) === JSON.stringify(doc)
  }), { seed: 20261129, numRuns: 2000 })
  t.equal(write({ message: 'success', retcode: '0', result: {} }), '{"message":"success","retcode":"0","result":{}}')
})

t.test('poll answers and all-agent answers: same bytes as JSON.stringify', async (t) => {
  // By --event-gen-time: the route's serialisers for one poll and for all agents' events.
  const poll = [false, true].map(withGenTime => compile(pollAnswer(withGenTime)))
  const all = [false, true].map(withGenTime => compile(answers({ event: Type.Array(eventSchema(withGenTime)) })))
  fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 3 }), fc.boolean(), (events, withGenTime) => {
    const one = { message: '', retcode: '0', event: renderEvent(events[0]!, withGenTime) }
    const many = { message: '', retcode: '0', event: events.map(e => renderEvent(e, withGenTime)) }
    const i = Number(withGenTime)
    return poll[i]!(one) === JSON.stringify(one) && all[i]!(many) === JSON.stringify(many)
  }), { seed: 20261129, numRuns: 2000 })
  for (const p of poll) {
    t.equal(p({ message: '', retcode: '0', event: null }), '{"message":"","retcode":"0","event":null}')
    t.equal(p({ message: '', retcode: '0' }), '{"message":"","retcode":"0"}')
  }
})

t.test('on a real socket: exact bytes and content type of serialised answers', async (t) => {
  const app = await buildApp({ pollWaitMs: 0, emptyPoll: 'null' }, { clock: new ManualClock(), logger: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}${GW}`
  const guid = await signIn(app, '1001')
  /** Asserts the exact body, content type and length of an answer. */
  const answersExactly = async (method: 'GET' | 'POST', path: string, body: string, headers: Record<string, string> = { guid }): Promise<void> => {
    const res = await request(`${base}${path}`, { method, headers })
    t.same({ type: res.headers['content-type'], length: res.headers['content-length'], body: await res.body.text() },
      { type: 'application/json;charset=UTF-8', length: String(Buffer.byteLength(body)), body }, `${method} ${path}`)
  }
  await answersExactly('POST', '/onlineagent/1001/saybusy', '{"message":"success","retcode":"0","result":{}}')
  await answersExactly('GET', '/onlineagent/1001/agentstatus', '{"message":"","retcode":"0","result":{"agentState":3,"isWorking":false}}')
  for (let i = 0; i < 2; i++) await app.inject({ method: 'GET', url: `${GW}/agentevent/1001`, headers: { guid } }) // the sign-in events
  await answersExactly('GET', '/agentevent/1001', '{"message":"","retcode":"0","event":{"eventType":"AgentState_SetNotReady_Success","workNo":"1001","content":{"reason":"0"}}}')
  await answersExactly('GET', '/agentevent/1001', '{"message":"","retcode":"0","event":null}')
  await answersExactly('GET', '/onlineagent/1001/agentstatus', '{"message":"no right to invite resouce","retcode":"000-003"}', { guid: 'nope' })
})
