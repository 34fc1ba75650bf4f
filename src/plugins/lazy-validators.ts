/**
 * Compile each route's schema validator and response serializer on its first use instead of at
 * start-up. Fastify compiles every route's Ajv validators and fast-json-stringify serializers
 * before listening; with ~90 routes (the control API's scenario and fault-rule schemas are large)
 * that dominated the time to ready. Behaviour is unchanged: the same @fastify/ajv-compiler and
 * @fastify/fast-json-stringify-compiler with the same options build the same functions, a little
 * later. Routes that share one response schema object (most gateway routes answer the plain
 * envelope, src/schemas/answers.ts) share one serializer.
 */
import AjvCompiler from '@fastify/ajv-compiler'
import SerializerSelector from '@fastify/fast-json-stringify-compiler'

type Validator = ((data: unknown) => unknown) & { errors?: unknown }
type Compile = (routeSchema: unknown) => Validator
type BuildValidator = (externalSchemas: unknown, options: unknown) => Compile

export function lazyValidatorFactory (): BuildValidator {
  const base = (AjvCompiler as unknown as () => BuildValidator)()
  return (externalSchemas, options) => {
    const compile = base(externalSchemas, options)
    return (routeSchema) => {
      let real: Validator | undefined
      const lazy: Validator = (data) => {
        real ??= compile(routeSchema)
        const result = real(data)
        lazy.errors = real.errors
        return result
      }
      return lazy
    }
  }
}

type Serializer = (doc: unknown) => string
type SerializerFactory = SerializerSelector.SerializerFactory
type RouteDefinition = SerializerSelector.RouteDefinition

export function lazySerializerFactory (): SerializerFactory {
  const base = SerializerSelector()
  return (externalSchemas, options) => {
    const compile = base(externalSchemas, options)
    // Keyed by the schema object: a schema shared by many routes is compiled once.
    const compiled = new WeakMap<object, Serializer>()
    return (route: RouteDefinition) => {
      const key = route.schema as object
      let real: Serializer | undefined
      return (doc) => {
        if (real === undefined) {
          real = compiled.get(key) ?? compile(route)
          compiled.set(key, real)
        }
        return real(doc)
      }
    }
  }
}
