/**
 * The event sequences of a voice call, in one place (spec Part C §6; docs/call-flows.md draws them).
 * Each phase lists, per side, the events in the order an agent polls them. Phone events
 * (PhoneAlerting, PhoneOffhook) are sent only when that agent's phone is on-hook, PhoneRelease only
 * when it goes back on-hook (`releasephone`). The state event that ends a call (Ready, Work, ...)
 * comes from the agent machine after the phase's events.
 */
import type { CallFeature } from './call-model.js'
import type { EventType } from './events.js'

export type CallPhase =
  | 'dial' // caller, right after callinner/callout succeeds
  | 'offer' // called agent, pre-occupied then its phone rings
  | 'alerting' // caller, when the far end rings
  | 'presentManual' // called agent with autoanswer off
  | 'presentAuto' // called agent with autoanswer on
  | 'presentInbound' // agent offered a customer's call by the ACD, autoanswer off (Part D §D1.2)
  | 'connect' // both, when the call is answered (caller first)
  | 'releaser' // the side that hung up
  | 'released' // the other side
  | 'insideCallFail' // caller of an internal call that could not connect
  | 'callOutFail' // caller of a call-out that could not connect
  | 'callerCancel' // caller that hung up before the far end answered (internal call or call-out)
  | 'noAnswer' // called agent that let a manual-answer call ring out
  | 'hold'
  | 'unhold'
  | 'partyLeft' // agents still in a call of three or more when one party leaves it
  | 'handedOver' // an agent whose far party joined another call (connecthold, transfer complete)
  | 'transferred' // transferring agent, success mode: the result (0 the target answered, 1 it did not)
  | 'transferFailed' // transferring agent, talk / three-party mode: the target could not be reached
  | 'conference' // the agent that brought a third party in (three-party transfer, confjoin, help)
  | 'consultFail' // the agent asking for help: the helper could not be reached
  | 'supervise' // inspector joining an agent's call (listen, insert or whisper; supervision.ts)
  | 'beQcStart' // inspected agent: an inspector began listening, inserting or whispering
  | 'beQcStop' // inspected agent: the inspection ended (the inspector left or switched mode)
  | 'intercept' // inspector that took the call over from the inspected agent
  | 'intercepted' // inspected agent whose call an inspector took over
  | 'snatch' // agent picking up a colleague's ringing call (snatchpickup)
  | 'snatched' // agent whose ringing call a colleague picked up

export type CallFlow = Record<CallPhase, EventType[]>

export const defaultCallFlow: CallFlow = {
  dial: ['AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook', 'AgentState_Busy'],
  offer: ['AgentState_Busy', 'AgentOther_PhoneAlerting'],
  alerting: ['AgentEvent_Customer_Alerting'],
  presentManual: ['AgentOther_PhoneOffhook', 'AgentEvent_Ringing'],
  presentAuto: ['AgentOther_PhoneOffhook', 'AgentEvent_Auto_Answer'],
  presentInbound: ['AgentOther_PhoneOffhook', 'AgentEvent_Ringing', 'AgentEvent_Customer_Alerting'],
  connect: ['AgentEvent_Talking'],
  releaser: ['AgentEvent_Call_Release', 'AgentOther_PhoneRelease'],
  released: ['AgentEvent_Customer_Release', 'AgentOther_PhoneRelease'],
  insideCallFail: ['AgentEvent_Inside_Call_Fail', 'AgentOther_PhoneRelease'],
  callOutFail: ['AgentOther_PhoneRelease', 'AgentEvent_Call_Out_Fail', 'AgentEvent_Connect_Fail'],
  // Dev guide, outbound scenario step 3: "agent hangs up / never picks up".
  callerCancel: ['AgentEvent_Call_Out_Fail', 'AgentEvent_Connect_Fail', 'AgentOther_PhoneRelease'],
  noAnswer: ['AgentEvent_No_Answer', 'AgentOther_PhoneRelease'],
  hold: ['AgentEvent_Hold'],
  unhold: ['AgentEvent_Talking'],
  partyLeft: ['AgentEvent_Customer_Release'],
  handedOver: ['AgentEvent_Talking'],
  transferred: ['AgentEvent_SuccTransResult'],
  transferFailed: ['AgentEvent_Connect_Fail', 'AgentEvent_Talking'],
  conference: ['AgentEvent_Conference'],
  consultFail: ['AgentEvent_Consult_Fail'],
  // qualitycontrol pages (addsupervise, addinsert, requestwhisperagent): the inspector's phone rings
  // and goes off-hook; the inspected agent hears AgentOther_BeQcStart (cec_07_0542).
  supervise: ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook'],
  beQcStart: ['AgentOther_BeQcStart'],
  beQcStop: ['AgentOther_BeQcStop'],
  // Dev guide "intercept" (cec_05_1442): the inspector talks, the inspected agent is released.
  intercept: ['AgentEvent_Talking'],
  intercepted: ['AgentEvent_Call_Release', 'AgentEvent_Customer_Release', 'AgentOther_PhoneRelease'],
  // Part D §D2.3 (cec_07_0387): the picking agent's phone rings and goes off-hook; it answers at
  // once (phase connect: Talking).
  snatch: ['AgentState_Busy', 'AgentOther_PhoneAlerting', 'AgentOther_PhoneOffhook'],
  snatched: ['AgentEvent_Customer_Release', 'AgentOther_PhoneRelease']
}

/** What an event's content is built from. */
export interface CallView {
  callid: string
  feature: CallFeature
  /** Number shown as caller (the caller agent's id for an internal call). */
  caller: string
  /** The called agent's id, or the dialled number. */
  called: string
  /** For this side: the other party's number (Customer_Release.number). */
  otherParty: string
  /** For this side: it was the caller. */
  isCaller: boolean
  internal: boolean
  /** The shown caller number is the calling agent's id. */
  callerIsAgent: boolean
  /** The agent that transferred the call to this side ('' when none). */
  transfrom: string
  /** AgentEvent_SuccTransResult: 0 the transfer succeeded. */
  result?: number
  /** AgentEvent_Conference: the other parties, the original one first. */
  partner?: string
  /** AgentOther_BeQcStart / BeQcStop: 8 listen, 9 insert, 20172 whisper; and the inspector. */
  qcType?: number
  qcAgentId?: string
}

/** `content` of each call event, keys and value types as the spec's examples (§5.1, Part C §1). */
export function callEventContent (type: EventType, call: CallView, hungUpByThisSide: boolean): unknown {
  switch (type) {
    case 'AgentOther_PhoneAlerting':
    case 'AgentState_Busy':
      return null
    case 'AgentOther_PhoneOffhook':
      return { type: 'main' }
    case 'AgentOther_PhoneRelease':
      return { phoneState: hungUpByThisSide ? 2 : 3 }
    case 'AgentEvent_Customer_Alerting':
      return { callid: call.callid, otherPhoneWorkno: '', otherPhone: call.otherParty, type: 'main' }
    case 'AgentEvent_Ringing':
    case 'AgentEvent_Auto_Answer':
      // Agents as caller are shown with an `a` prefix (spec §5.1, Part C §1).
      return {
        caller: call.callerIsAgent ? `a${call.caller}` : call.caller,
        transfer: call.transfrom === '' ? 'no' : 'yes',
        callid: call.callid,
        transfrom: call.transfrom,
        called: call.called,
        type: 'main',
        mediaAbility: '1',
        feature: call.feature,
        ...(type === 'AgentEvent_Auto_Answer' ? { mediaType: 5 } : { mediaType: '5' })
      }
    case 'AgentEvent_Talking':
      return { caller: call.caller, callid: call.callid, called: call.called, feature: call.feature, type: 'main', mediaAbility: '1' }
    case 'AgentEvent_Customer_Release':
      return { callid: call.callid, number: call.otherParty }
    case 'AgentEvent_SuccTransResult':
      // Key `callId` in camel case, result a number (Part D §D2.1).
      return { result: call.result ?? 0, callId: call.callid }
    case 'AgentEvent_Conference':
      return { callid: call.callid, partner: call.partner ?? '' }
    case 'AgentOther_BeQcStart':
    case 'AgentOther_BeQcStop':
      // Numbers, as the doc example `{qcType:8,qcAgentId:30169}` (cec_07_0542).
      return { qcType: call.qcType ?? 8, qcAgentId: Number(call.qcAgentId ?? 0) }
    default:
      // Call_Release, Hold, No_Answer, Inside_Call_Fail, Call_Out_Fail, Connect_Fail, Consult_Fail: the bare callid.
      return call.callid
  }
}
