/**
 * The request pipeline, in one place: every hook a request passes through, in the order it
 * passes. Plugins provide their stages (`app.pipeline.provide`); app.ts installs them all at once,
 * in the order listed here, whatever the order the plugins were registered in. A stage a plugin
 * leaves out (the journal at --journal-size 0, the log line at --log-level warn) costs nothing.
 *
 *   onRequest       access        admin-access.ts   plain request target; for the control API:
 *                                                   Host, Origin, token, body type
 *   preValidation   faults        faults.ts         an armed fault rule answers, delays or breaks
 *                                                   the request before anything else is checked
 *                   credentials   gateway-http.ts   the exact JSON content type; the agent signed
 *                                                   in, its GUID
 *   (Fastify: the route's own preValidation, schema validation, the handler, serialisation)
 *   onResponse      journal       journal.ts        the request in the journal
 *                   accessLog     gateway-http.ts   the request's log line (vendor's method name)
 *   onRequestAbort  journal, accessLog              the same for a request its client gave up
 */
import type { FastifyInstance, onRequestAbortHookHandler, onRequestHookHandler, onResponseHookHandler, preValidationHookHandler } from 'fastify'

interface HookHandlers {
  onRequest: onRequestHookHandler
  preValidation: preValidationHookHandler
  onResponse: onResponseHookHandler
  onRequestAbort: onRequestAbortHookHandler
}
export type PipelineHook = keyof HookHandlers

/** The stages in the order a request meets them. */
export const PIPELINE = [
  ['onRequest', 'access'],
  ['preValidation', 'faults'],
  ['preValidation', 'credentials'],
  ['onResponse', 'journal'],
  ['onResponse', 'accessLog'],
  ['onRequestAbort', 'journal'],
  ['onRequestAbort', 'accessLog']
] as const satisfies ReadonlyArray<readonly [PipelineHook, string]>

type Stage = typeof PIPELINE[number]
type StageOf<H extends PipelineHook> = Extract<Stage, readonly [H, string]>[1]

declare module 'fastify' {
  interface FastifyInstance { pipeline: Pipeline }
}

/** What `install` needs of a Fastify instance. */
export interface HookTarget { addHook: (hook: PipelineHook, handler: HookHandlers[PipelineHook]) => unknown }

export class Pipeline {
  private readonly provided = new Map<string, HookHandlers[PipelineHook]>()
  private done = false
  /** The stages installed, `hook:stage`, in the order installed. */
  readonly installed: string[] = []

  /** A plugin's stage; installed later, in pipeline order. */
  provide<H extends PipelineHook> (hook: H, stage: StageOf<H>, handler: HookHandlers[H]): void {
    if (this.done) throw new Error(`pipeline stage ${hook}:${stage} provided after the pipeline was installed`)
    const key = `${hook}:${stage}`
    if (this.provided.has(key)) throw new Error(`pipeline stage ${key} provided twice`)
    this.provided.set(key, handler)
  }

  /** Adds every provided stage's hook to `app`, in pipeline order. Once, before the routes. */
  install (app: HookTarget): void {
    if (this.done) throw new Error('the pipeline is installed once')
    this.done = true
    for (const [hook, stage] of PIPELINE) {
      const handler = this.provided.get(`${hook}:${stage}`)
      if (handler === undefined) continue
      app.addHook(hook, handler)
      this.installed.push(`${hook}:${stage}`)
    }
  }
}

/** A pipeline for `app`, for its plugins to provide stages to. */
export function createPipeline (app: FastifyInstance): Pipeline {
  const pipeline = new Pipeline()
  app.decorate('pipeline', pipeline)
  return pipeline
}
