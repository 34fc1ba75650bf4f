/**
 * The control API (issue #5): everything under /__mock/ that tests and pipelines use to see and
 * steer the simulated contact centre, described by one route table. JSON in and out; failures use
 * the gateway envelope with a meaningful HTTP status.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import Type, { type TSchema } from 'typebox'
import { ClockRunawayError, ManualClock, type Clock } from '../../domain/clock.js'
import { callState } from '../../domain/call-model.js'
import { ControlRefusal, GatewayError } from '../../domain/errors.js'
import type { JournalQuery } from '../../domain/journal.js'
import { redactUrl } from '../../domain/push/formats.js'
import type { PushOptions } from '../../domain/push/types.js'
import type { ForcedState } from '../../domain/scenario.js'
import type { ScenarioRegistry } from '../../domain/scenario-registry.js'
import type { CustomerCallInput } from '../../domain/contact-center.js'
import { AdminError } from '../../plugins/envelope.js'
import { LoginBody } from '../../schemas/gateway.js'
import { AgentStateName, CustomerCallSchema, FaultRuleSchema, ScenarioFileSchema, type FaultRuleInput, type ScenarioFile } from '../../world/world-schema.js'
import { scenarioFromData, toRule, WorldFileError } from '../../world/load-world.js'
import { agentView, callView, queuesView } from './views.js'
import { agentSequence, callSequence, toMermaid, type Sequence } from './sequence.js'

declare module 'fastify' {
  interface FastifyInstance { scenarios: ScenarioRegistry }
}

type Handler = (req: FastifyRequest, reply: FastifyReply) => unknown

interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  url: string
  summary: string
  /** The body may be left out entirely (treated as {}). */
  optionalBody?: boolean
  params?: TSchema
  querystring?: TSchema
  body?: TSchema
  handler: Handler
}

const REFUSAL_STATUS = { notFound: 404, conflict: 409, invalid: 400 } as const

/** The clock as the control API shows it: read once, so `now` and `iso` are the same instant. */
export function clockView (clock: Clock): { mode: 'virtual' | 'real', now: number, iso: string } {
  const now = clock.now()
  return { mode: clock instanceof ManualClock ? 'virtual' : 'real', now, iso: new Date(now).toISOString() }
}

const Id = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,24}$' }) })
const CallId = Type.Object({ callid: Type.String({ maxLength: 64 }) })
const Name = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) })
const JournalQuerySchema = Type.Object({
  agent: Type.Optional(Type.String()),
  operation: Type.Optional(Type.String()),
  method: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
  retcode: Type.Optional(Type.String()),
  status: Type.Optional(Type.Integer()),
  since: Type.Optional(Type.Integer()),
  until: Type.Optional(Type.Integer()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  order: Type.Optional(Type.Union([Type.Literal('newest'), Type.Literal('oldest')]))
})
const VerifySchema = Type.Object({
  match: Type.Object({
    agent: Type.Optional(Type.String()),
    operation: Type.Optional(Type.String()),
    method: Type.Optional(Type.String()),
    path: Type.Optional(Type.String()),
    retcode: Type.Optional(Type.String()),
    status: Type.Optional(Type.Integer()),
    since: Type.Optional(Type.Integer()),
    until: Type.Optional(Type.Integer()),
    body: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
  }, { additionalProperties: false }),
  count: Type.Optional(Type.Integer({ minimum: 0 })),
  atLeast: Type.Optional(Type.Integer({ minimum: 0 })),
  atMost: Type.Optional(Type.Integer({ minimum: 0 }))
}, { additionalProperties: false })

const SequenceFormat = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('mermaid')])) })

function p<T> (req: FastifyRequest): T { return req.params as T }

/** A sequence as JSON with its Mermaid text, or (?format=mermaid) the text alone. */
function sequenceAnswer (seq: Sequence, req: FastifyRequest, reply: FastifyReply): unknown {
  const mermaid = toMermaid(seq)
  if ((req.query as { format?: string }).format !== 'mermaid') return { ...seq, mermaid }
  return reply.type('text/plain; charset=utf-8').send(mermaid)
}

export function adminRoutes (app: FastifyInstance): AdminRoute[] {
  const sim = app.simulator
  const control = app.control
  const scenarios = app.scenarios
  const agentOr404 = (id: string): ReturnType<typeof sim.signedIn> => {
    const a = sim.agents.get(id)
    if (a === undefined) throw new AdminError(404, `agent ${id} is not signed in`)
    return a
  }
  const callOr404 = (callid: string): NonNullable<ReturnType<typeof sim.calls.get>> => {
    const c = sim.calls.get(callid)
    if (c === undefined) throw new AdminError(404, `no call ${callid}`)
    return c
  }
  const farEnd = (action: 'answer' | 'reject' | 'hangup' | 'hold'): Handler => (req) => {
    const call = callOr404(p<{ callid: string }>(req).callid)
    const state = callState(call)
    if (state === 'released') throw new AdminError(409, `call ${call.callid} has ended`)
    if (action === 'answer' || action === 'reject') {
      if (state !== 'alerting') throw new AdminError(409, `call ${call.callid} is ${state}, not ringing`)
      if (action === 'answer') sim.calls.farAnswer(call.callid)
      else sim.calls.farHangUp(call.callid)
    } else if (action === 'hangup') sim.calls.farHangUp(call.callid)
    else {
      if (state !== 'talking') throw new AdminError(409, `call ${call.callid} is ${state}, not talking`)
      sim.calls.farHold(call.callid)
    }
    return callView(call)
  }
  const clock = sim.clock
  const scenarioOr404 = (req: FastifyRequest): string => {
    const name = p<{ name: string }>(req).name
    if (!scenarios.has(name)) throw new AdminError(404, `no scenario named '${name}'`)
    return name
  }

  return [
    {
      method: 'POST',
      url: '/__mock/reset',
      summary: 'Everything back to start: agents signed out, calls gone, queues, history and journal empty, scenario at its first step',
      handler: () => {
        control.resetAll()
        // With a seed, GUIDs and call ids then repeat from the first (issue #14 bug 5).
        sim.opts.ids.reset()
        app.journal.clear()
        sim.faults.clear('api')
        scenarios.reset()
        return { reset: true }
      }
    },

    // agents
    {
      method: 'GET',
      url: '/__mock/agents',
      summary: 'Signed-in agents with state, session, settings and queue length',
      handler: () =>
        ({ agents: [...sim.agents.values()].map(a => agentView(sim, a)) })
    },
    { method: 'GET', url: '/__mock/agents/:id', summary: 'One signed-in agent', params: Id, handler: (req) => agentView(sim, agentOr404(p<{ id: string }>(req).id)) },
    {
      method: 'POST',
      url: '/__mock/agents/:id/login',
      summary: 'Sign an agent in on its behalf (signing out a session it has), with the defaults of the gateway\'s login: phonenum 7<id>, status 4 (idle), autoanswer, autoenteridle and releasephone true; returns its GUID',
      params: Id,
      body: LoginBody,
      optionalBody: true,
      handler: (req) => {
        const id = p<{ id: string }>(req).id
        // The gateway's `login` defaults (releasephone true), not forcelogin's (issue #14 bug 4).
        return sim.login(id, { password: '', phonenum: `7${id}`, releasephone: true, ...(req.body as Record<string, unknown>) }, 'forceLogin')
      }
    },
    {
      method: 'POST',
      url: '/__mock/agents/:id/reset',
      summary: 'Sign one agent out silently and forget its history',
      params: Id,
      handler: (req) => {
        control.resetAgent(p<{ id: string }>(req).id)
        return { reset: true }
      }
    },
    {
      method: 'PUT',
      url: '/__mock/agents/:id/state',
      summary: 'Jump to a state (idle, busy, rest, work, signedOut) without replaying calls',
      params: Id,
      body: Type.Object({ state: AgentStateName }),
      handler: (req) => {
        const id = p<{ id: string }>(req).id
        agentOr404(id)
        control.setState(id, (req.body as { state: ForcedState }).state)
        const a = sim.agents.get(id)
        return a === undefined ? { id, status: 'signedOut' } : agentView(sim, a)
      }
    },
    {
      method: 'GET',
      url: '/__mock/agents/:id/events',
      summary: 'Peek at the agent\'s event queue without draining it (push agents: the events not delivered yet)',
      params: Id,
      handler: (req) => {
        const a = agentOr404(p<{ id: string }>(req).id)
        return { events: a.push?.waiting() ?? a.queue.peek() }
      }
    },
    {
      method: 'POST',
      url: '/__mock/agents/:id/events',
      summary: 'Inject any event into the agent\'s queue',
      params: Id,
      body: Type.Object({ eventType: Type.String({ minLength: 1, maxLength: 200 }), content: Type.Optional(Type.Unknown()) }, { additionalProperties: false }),
      handler: (req) => {
        const id = p<{ id: string }>(req).id
        const a = agentOr404(id)
        const body = req.body as { eventType: string, content?: unknown }
        control.inject(id, body.eventType, body.content ?? null)
        return { queued: true, queueLength: a.queue.length }
      }
    },
    {
      method: 'GET',
      url: '/__mock/agents/:id/push',
      summary: 'Push delivery of one agent (variant, URL, delivered, pending, retries, dropped, last error); kept after sign-out',
      params: Id,
      handler: (req) => {
        const id = p<{ id: string }>(req).id
        const s = sim.push.status(id)
        if (s.push === null && s.serverWide === null) throw new AdminError(404, `agent ${id} has no push delivery`)
        return { agent: id, ...s }
      }
    },
    {
      method: 'GET',
      url: '/__mock/push',
      summary: 'Push delivery of every agent, and the push settings in force',
      handler: () => ({ settings: pushSettingsView(sim.push.opts), agents: sim.push.list() })
    },
    {
      method: 'POST',
      url: '/__mock/push/down',
      summary: 'A receiver-down window: deliveries (of one agent, or all) fail as refused for forMs',
      body: Type.Object({ agent: Type.Optional(Type.String({ pattern: '^[0-9]{1,24}$' })), forMs: Type.Integer({ minimum: 0, maximum: 86400000 }) }, { additionalProperties: false }),
      handler: (req) => {
        const body = req.body as { agent?: string, forMs: number }
        sim.push.receiverDown(body.agent, body.forMs)
        return { downUntil: clock.now() + body.forMs, agent: body.agent ?? null }
      }
    },
    {
      method: 'GET',
      url: '/__mock/agents/:id/history',
      summary: 'Every event produced for the agent (bounded), also after sign-out',
      params: Id,
      handler: (req) =>
        ({ events: sim.historyOf(p<{ id: string }>(req).id) })
    },

    // calls
    {
      method: 'GET',
      url: '/__mock/calls',
      summary: 'Active calls, and with ?all=true the recently finished ones; a page of them (offset, limit: at most 1000)',
      querystring: Type.Object({
        all: Type.Optional(Type.Boolean()),
        offset: Type.Optional(Type.Integer({ minimum: 0 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }))
      }),
      handler: (req) => {
        const q = req.query as { all?: boolean, offset?: number, limit?: number }
        const from = q.offset ?? 0
        const to = from + (q.limit ?? 1000)
        const page = []
        let i = 0
        // Walked, not copied: only the page is built, however many calls there are.
        for (const c of q.all === true ? [sim.calls.active.values(), sim.calls.finished.values()] : [sim.calls.active.values()]) {
          for (const call of c) { if (i >= from && i < to) page.push(callView(call)); i++ }
        }
        return { calls: page }
      }
    },
    {
      method: 'GET',
      url: '/__mock/agents/:id/sequence',
      summary: 'The agent\'s requests and events as a sequence diagram (lanes, steps, and the same as Mermaid text; ?format=mermaid for the text alone), also after sign-out',
      params: Id,
      querystring: SequenceFormat,
      handler: (req, reply) => sequenceAnswer(agentSequence(sim, app.journal, p<{ id: string }>(req).id), req, reply)
    },
    {
      method: 'GET',
      url: '/__mock/calls/:callid/sequence',
      summary: 'A call as a sequence diagram: one lane per party, events (keyed by callid) with time and content, requests with their retcodes (?format=mermaid: Mermaid text)',
      params: CallId,
      querystring: SequenceFormat,
      handler: (req, reply) => sequenceAnswer(callSequence(sim, app.journal, callOr404(p<{ callid: string }>(req).callid)), req, reply)
    },
    { method: 'GET', url: '/__mock/calls/:callid', summary: 'One call (active or recently finished)', params: CallId, handler: (req) => callView(callOr404(p<{ callid: string }>(req).callid)) },
    { method: 'POST', url: '/__mock/calls/:callid/answer', summary: 'The far end answers a ringing call', params: CallId, handler: farEnd('answer') },
    { method: 'POST', url: '/__mock/calls/:callid/reject', summary: 'The far end rejects a ringing call', params: CallId, handler: farEnd('reject') },
    { method: 'POST', url: '/__mock/calls/:callid/hangup', summary: 'The far end hangs up', params: CallId, handler: farEnd('hangup') },
    {
      method: 'POST',
      url: '/__mock/customers',
      summary: 'A customer calls in: to an access code (to), a skill queue (skillid) or one idle agent (agent)',
      body: CustomerCallSchema,
      handler: (req) => ({ callid: control.customerCall(req.body as CustomerCallInput) })
    },
    {
      method: 'GET',
      url: '/__mock/queues',
      summary: 'Skill queues: waiting customers (best first), agents on the skill, and the figures so far',
      handler: () => ({ queues: queuesView(sim) })
    },
    { method: 'POST', url: '/__mock/calls/:callid/hold', summary: 'The far end puts the call on hold (no agent event: the gateway has none)', params: CallId, handler: farEnd('hold') },

    // journal
    {
      method: 'GET',
      url: '/__mock/journal',
      summary: 'Gateway requests served, newest first (?order=oldest for oldest first; limit keeps the first in that order), filtered by agent, operation, method, path, retcode, status, since, until',
      querystring: JournalQuerySchema,
      handler: (req) => {
        const q = req.query as JournalQuery & { limit?: number, order?: 'newest' | 'oldest' }
        const entries = app.journal.find(q, q.limit ?? Infinity, q.order ?? 'newest')
        return { entries, size: app.journal.size, limit: app.journal.limit }
      }
    },
    { method: 'GET', url: '/__mock/journal/count', summary: 'How many journal entries match', querystring: JournalQuerySchema, handler: (req) => ({ count: app.journal.count(req.query as JournalQuery) }) },
    { method: 'DELETE', url: '/__mock/journal', summary: 'Empty the journal', handler: () => { app.journal.clear(); return { cleared: true } } },
    {
      method: 'POST',
      url: '/__mock/journal/verify',
      summary: 'Did a described request happen (exactly / at least / at most) N times? With the nearest misses when not',
      body: VerifySchema,
      handler: (req) =>
        app.journal.verify(req.body as Parameters<typeof app.journal.verify>[0])
    },

    // faults
    { method: 'GET', url: '/__mock/faults', summary: 'Armed fault rules with their counters', handler: () => ({ rules: sim.faults.list() }) },
    {
      method: 'POST',
      url: '/__mock/faults',
      summary: 'Arm a fault rule (same shape as in scenario files)',
      body: FaultRuleSchema,
      handler: (req, reply) => {
        reply.code(201)
        return sim.faults.arm(toRule(req.body as FaultRuleInput), 'api')
      }
    },
    { method: 'DELETE', url: '/__mock/faults', summary: 'Clear every fault rule armed through the API (scenario rules stay)', handler: () => { sim.faults.clear('api'); return { cleared: true } } },
    {
      method: 'DELETE',
      url: '/__mock/faults/:ruleId',
      summary: 'Remove one fault rule',
      params: Type.Object({ ruleId: Type.String() }),
      handler: (req) => {
        if (!sim.faults.remove(p<{ ruleId: string }>(req).ruleId)) throw new AdminError(404, `no fault rule ${p<{ ruleId: string }>(req).ruleId}`)
        return { removed: true }
      }
    },

    // clock
    {
      method: 'GET',
      url: '/__mock/clock',
      summary: 'The simulator\'s time',
      handler: () => clockView(clock)
    },
    {
      method: 'POST',
      url: '/__mock/clock/advance',
      summary: 'Move the virtual clock forward; every due timer fires in order',
      body: Type.Object({ ms: Type.Integer({ minimum: 0, maximum: 31536000000 }) }, { additionalProperties: false }),
      handler: (req) => {
        if (!(clock instanceof ManualClock)) throw new AdminError(409, 'the clock is real; start with --clock virtual to move it by hand')
        try {
          clock.advance((req.body as { ms: number }).ms)
        } catch (err) {
          if (err instanceof ClockRunawayError) throw new AdminError(409, err.message)
          throw err
        }
        return clockView(clock)
      }
    },

    // scenarios
    { method: 'GET', url: '/__mock/scenarios', summary: 'Loaded scenarios; which one is active; timeline progress', handler: () => ({ scenarios: scenarios.list() }) },
    {
      method: 'POST',
      url: '/__mock/scenarios',
      summary: 'Load (or replace) a scenario, as JSON or as YAML (content type application/yaml), in the shape of a scenario file; ?activate=true activates it',
      body: ScenarioFileSchema,
      querystring: Type.Object({ activate: Type.Optional(Type.Boolean()) }),
      handler: (req, reply) => {
        const data = req.body as ScenarioFile
        if (data.name === undefined || data.name === '') throw new AdminError(400, 'a scenario loaded through the API needs a name')
        // A file path would let API callers read the mock's files: only the shipped default.
        if (data.extends !== undefined && data.extends !== 'default') throw new AdminError(400, `extends: through the API only 'default' can be extended, not '${data.extends}'`)
        let scenario
        try {
          scenario = scenarioFromData(data, 'api')
        } catch (err) {
          if (err instanceof WorldFileError) throw new AdminError(400, err.problems.join('; '))
          throw err
        }
        scenarios.add(scenario)
        if ((req.query as { activate?: boolean }).activate === true) scenarios.activate(data.name)
        reply.code(201)
        return { scenarios: scenarios.list() }
      }
    },
    { method: 'POST', url: '/__mock/scenarios/deactivate', summary: 'No active scenario: the default world, no scenario faults or timeline', handler: () => { scenarios.deactivate(); return { scenarios: scenarios.list() } } },
    {
      method: 'POST',
      url: '/__mock/scenarios/:name/activate',
      summary: 'Make a loaded scenario the active one',
      params: Name,
      handler: (req) => {
        scenarios.activate(scenarioOr404(req))
        return { scenarios: scenarios.list() }
      }
    },
    {
      method: 'POST',
      url: '/__mock/scenarios/:name/reset',
      summary: 'Back to the first step (the active scenario only)',
      params: Name,
      handler: (req) => {
        const name = scenarioOr404(req)
        if (scenarios.active?.name !== name) throw new AdminError(409, `scenario '${name}' is not active`)
        scenarios.reset()
        return { scenarios: scenarios.list() }
      }
    },
    {
      method: 'DELETE',
      url: '/__mock/scenarios/:name',
      summary: 'Unload a scenario',
      params: Name,
      handler: (req) => {
        scenarios.remove(scenarioOr404(req))
        return { scenarios: scenarios.list() }
      }
    }
  ]
}

/** The push settings as the control API shows them (the whitelist and server URL with secrets redacted). */
function pushSettingsView (o: PushOptions): Record<string, unknown> {
  return { ...o, whitelist: o.whitelist.map(redactUrl), serverUrl: redactUrl(o.serverUrl) }
}

/** A simulator refusal seen through the control API: not signed in 404, bad values 400, else 409. */
function adminStatus (key: GatewayError['key']): number {
  if (key === 'NOT_SIGNED_IN') return 404
  if (key === 'INVALID_PARAMETER' || key === 'LOGIN_PARAM_EMPTY' || key === 'LOGIN_PARAM_INVALID' || key === 'LOGIN_AGENT_TYPE_INVALID') return 400
  return 409
}

/** Register the table. GatewayErrors from the simulator become 404 (not signed in) or 409. */
export async function registerAdmin (app: FastifyInstance): Promise<void> {
  for (const r of adminRoutes(app)) {
    const route: RouteOptions = {
      method: r.method,
      url: r.url,
      schema: {
        summary: r.summary,
        // (summary and tags are read by @fastify/swagger)
        tags: ['control'],
        ...(r.params === undefined ? {} : { params: r.params }),
        ...(r.querystring === undefined ? {} : { querystring: r.querystring }),
        ...(r.body === undefined ? {} : { body: r.body })
      } as RouteOptions['schema'],
      config: { op: `__mock.${r.method.toLowerCase()}:${r.url}`, auth: 'none' },
      ...(r.optionalBody === true ? { preValidation: async (req: FastifyRequest) => { if (req.body === undefined || req.body === null) req.body = {} } } : {}),
      handler: async (req, reply) => {
        try {
          const answer = await r.handler(req, reply)
          // Actions (reset, scenario activated, fault armed, ...) at info; reads stay at debug.
          if (r.method !== 'GET') req.log.info({ op: route.config?.op, url: req.url }, `control API: ${r.method} ${req.url.split('?')[0] ?? ''}`)
          return answer
        } catch (err) {
          if (err instanceof GatewayError) throw new AdminError(adminStatus(err.key), `${err.retcode} ${err.message}`)
          if (err instanceof ControlRefusal) throw new AdminError(REFUSAL_STATUS[err.kind], err.message)
          throw err
        }
      }
    }
    app.route(route)
  }
}
