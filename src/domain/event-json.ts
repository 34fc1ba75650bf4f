/**
 * Events as JSON text, serialised directly (the busiest output of the gateway): polls answer
 * `pollAnswerJson`, pushes carry `eventJson` items. Byte for byte what JSON.stringify gives for
 * the same objects (a property test compares them).
 */
import type { GatewayEvent } from './events.js'

const str = JSON.stringify

/** `{"eventType",["eventGenTime",]"workNo","content"}`; a missing content leaves the key out. */
export function eventJson (e: GatewayEvent, withGenTime: boolean): string {
  const content = e.content === undefined ? '' : `,"content":${str(e.content)}`
  return `{"eventType":${str(e.eventType)}${withGenTime ? `,"eventGenTime":${str(e.genTime)}` : ''},"workNo":${str(e.workNo)}${content}}`
}

/** A poll's answer carrying `e`: `{"message":"","retcode":"0","event":{...}}`. */
export function pollAnswerJson (e: GatewayEvent, withGenTime: boolean): string {
  return `{"message":"","retcode":"0","event":${eventJson(e, withGenTime)}}`
}
