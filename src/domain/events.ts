/**
 * Gateway events as the poll interface delivers them (spec §5, Part C §1): one object
 * `{eventType, workNo, content}` per poll response. `genTime` is kept for the optional
 * `eventGenTime` key newer gateways add (Part C §0).
 */

export type EventType =
  | 'AgentOther_InService' | 'AgentOther_ShutdownService'
  | 'AgentState_Ready' | 'AgentState_Busy' | 'AgentState_Work'
  | 'AgentState_SetNotReady_Success' | 'AgentState_CancelNotReady_Success'
  | 'AgentState_SetRest_Success' | 'AgentState_CancelRest_Success' | 'AgentState_Rest_Timeout'
  | 'AgentState_SetWork_Success' | 'AgentState_CancelWork_Success'
  | 'AgentOther_PhoneAlerting' | 'AgentOther_PhoneOffhook' | 'AgentOther_PhoneRelease'
  | 'AgentEvent_Customer_Alerting' | 'AgentEvent_Ringing' | 'AgentEvent_Auto_Answer'
  | 'AgentEvent_Talking' | 'AgentEvent_Hold' | 'AgentEvent_No_Answer'
  | 'AgentEvent_Call_Release' | 'AgentEvent_Customer_Release'
  | 'AgentEvent_Inside_Call_Fail' | 'AgentEvent_Call_Out_Fail' | 'AgentEvent_Connect_Fail'
  | 'AgentEvent_SuccTransResult' | 'AgentEvent_Conference' | 'AgentEvent_Consult_Fail'
  | 'AgentOther_BeQcStart' | 'AgentOther_BeQcStop' | 'QC_AgentState_Notify'

/** Any event type: scenario and admin injection may name types the simulator never produces. */
export interface GatewayEvent {
  eventType: string
  workNo: string
  content: unknown
  genTime: number
}

/** An event before it is addressed to an agent and stamped. */
export interface EventSpec { eventType: EventType, content: unknown }

export function ev (eventType: EventType, content: unknown = null): EventSpec {
  return { eventType, content }
}
