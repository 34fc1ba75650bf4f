/**
 * Compile each route's schema validator on its first use instead of at start-up. Fastify compiles
 * every route's Ajv validators before listening; with ~90 routes (the control API's scenario and
 * fault-rule schemas are large) that dominated the time to ready. Behaviour is unchanged: the same
 * @fastify/ajv-compiler with the same options builds the same validator, a little later.
 */
import AjvCompiler from '@fastify/ajv-compiler'

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
