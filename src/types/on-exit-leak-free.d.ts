/** The part of on-exit-leak-free (no types of its own) the logger uses. */
declare module 'on-exit-leak-free' {
  /** Calls `fn(obj)` on process exit unless `obj` was garbage-collected first (held weakly). */
  export function register<T extends object> (obj: T, fn: (obj: T, event: 'exit') => void): void
  export function unregister (obj: object): void
  const onExit: { register: typeof register, unregister: typeof unregister }
  export default onExit
}
