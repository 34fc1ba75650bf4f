/**
 * `agentevent/...`: event polling (spec §4, Part B §11–§14). One event per response under `event`;
 * with nothing to deliver the request is held, then answered `{"message":"","retcode":"0"}`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { GatewayEvent } from '../../domain/events.js'
import type { PollResult } from '../../domain/simulator.js'
import { setGuid } from '../../plugins/envelope.js'
import { credentialsOf } from '../../plugins/gateway-http.js'
import { answers, eventSchema, type EventAnswer } from '../../schemas/answers.js'
import { AgentIdParams } from '../../schemas/gateway.js'

export interface EventRenderOptions { eventGenTime: boolean, emptyPoll: 'absent' | 'null' }

/** An event as polls answer it (serialised from EventSchema). */
export function renderEvent (e: GatewayEvent, withGenTime: boolean): EventAnswer {
  return withGenTime
    ? { eventType: e.eventType, eventGenTime: e.genTime, workNo: e.workNo, content: e.content }
    : { eventType: e.eventType, workNo: e.workNo, content: e.content }
}

/** A poll's answer: one event, none, or (--empty-poll null) null. */
export function pollAnswer (withGenTime: boolean): ReturnType<typeof answers> {
  return answers({ event: eventSchema(withGenTime, true), example: { message: '', retcode: '0', event: { eventType: 'AgentOther_InService', workNo: '1001', content: null } } })
}

const agentevent: FastifyPluginAsyncTypebox<EventRenderOptions> = async (app, opts) => {
  const sim = app.simulator

  app.get('/agentevent/allagentevent', { schema: { response: answers({ event: Type.Array(eventSchema(opts.eventGenTime)) }) }, config: { op: 'getAllAgentEvent', auth: 'any' } }, (req) => {
    const events = sim.allAgentEvent(credentialsOf(req))
    if (events.length === 0) req.emptyPoll = true
    return { message: '', retcode: '0', event: events.map(e => renderEvent(e, opts.eventGenTime)) }
  })

  app.get('/agentevent/:agentid', {
    schema: { params: AgentIdParams, querystring: Type.Object({ calldata: Type.Optional(Type.String()) }), response: pollAnswer(opts.eventGenTime) },
    config: { op: 'getAgentEvent', auth: 'agent' }
  }, (req, reply) => {
    const res = reply.raw
    const socket = req.raw.socket as { destroyed?: boolean } | null
    // A client that has gone away must not be handed an event: it would be lost with the socket.
    const alive = (): boolean => socket?.destroyed !== true && !res.destroyed && !res.writableEnded
    const answer = ({ event, newGuid }: PollResult): object => {
      if (newGuid !== undefined) setGuid(reply, newGuid)
      if (event !== undefined) return { message: '', retcode: '0', event: renderEvent(event, opts.eventGenTime) }
      req.emptyPoll = true
      return opts.emptyPoll === 'null' ? { message: '', retcode: '0', event: null } : { message: '', retcode: '0' }
    }
    // An event waiting (the busy path): answered synchronously, no promise per poll.
    const now = sim.pollNow(req.params.agentid, alive)
    if (now !== undefined) return answer(now)
    const cancel = sim.holdPoll(req.params.agentid, alive, (r) => { reply.send(answer(r)) })
    res.once('close', () => { if (!res.writableEnded) cancel() })
    return reply
  })
}

export default agentevent
