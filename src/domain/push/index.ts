export * from './types.js'
export { PushChannel } from './channel.js'
export { PushHub, type PushSignIn, type PushStatus } from './hub.js'
export { PUSH_CONTENT_TYPE, redactUrl } from './formats.js'
