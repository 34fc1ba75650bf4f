/**
 * Every CC-Gateway result code (spec §7 and Part C §3) as one table: retcode, message and the HTTP
 * status of the answer. Domain code names errors by key only; `plugins/envelope.ts` (`failure`,
 * `fromError`) renders a key into the gateway's `{"message","retcode"}` envelope and the gateway's
 * error handler (`plugins/gateway-http.ts`) answers it with the entry's status. The real gateway
 * reports business failures inside an HTTP 200 body, so every vendor code's status is 200.
 * Messages are English renderings of Huawei's meanings; 000-003 keeps the real captured text.
 */

/** The HTTP status of every answer carrying a vendor code (Part B §1): business failures included. */
export const VENDOR_CODE_STATUS = 200

interface CatalogueEntry { readonly retcode: string, readonly message: string, readonly status: number }

function entry (retcode: string, message: string, status = VENDOR_CODE_STATUS): CatalogueEntry { return { retcode, message, status } }

export const errorCatalogue = {
  // 000: request and credential errors
  WRONG_EVENT_METHOD: entry('000-001', 'wrong method used to fetch agent events'),
  INVALID_PARAMETER: entry('000-002', 'parameters or address passed in the URL are invalid'),
  NO_RIGHT: entry('000-003', 'no right to invite resouce'),
  AGENT_SWITCHING_OVER: entry('000-004', 'the agent is being switched over'),
  INSPECTOR_IS_SELF: entry('000-005', 'the agent to be inspected is the inspector'),
  MESSAGE_PARAMETER_ERROR: entry('000-006', 'message parameter error'),
  CALLED_REPEATEDLY: entry('000-007', 'the interface was called repeatedly'),
  SERVER_CONFIG_INVALID: entry('999-001', 'server configuration is invalid'),

  // 100: sign-in, sign-out and agent state
  LOGIN_PARAM_EMPTY: entry('100-001', 'sign-in parameters are empty or invalid'),
  ALREADY_SIGNED_IN: entry('100-002', 'the agent has already signed in'),
  LOGIN_CTI_EXCEPTION: entry('100-003', 'CTI exception during sign-in'),
  WRONG_PASSWORD: entry('100-004', 'wrong user name or password'),
  LOGOUT_PARAM_INVALID: entry('100-005', 'sign-out parameters are invalid'),
  NOT_SIGNED_IN: entry('100-006', 'the agent has not signed in'),
  OPERATION_EXCEPTION: entry('100-007', 'exception while executing the agent operation'),
  ALREADY_SIGNED_OUT: entry('100-008', 'the agent has already signed out'),
  STATE_NOT_ALLOWED: entry('100-009', 'setting the agent state failed'),
  LOGOUT_WRONG_STATE: entry('100-010', 'the agent state does not allow sign-out'),
  LOGIN_PARAM_INVALID: entry('100-011', 'invalid parameter at sign-in'),
  LOGIN_AGENT_TYPE_INVALID: entry('100-012', 'invalid agent type at sign-in'),
  PHONE_INVALID: entry('100-013', 'the phone is invalid when binding the agent phone'),
  PHONE_OUT_OF_RANGE: entry('100-014', 'the signed-in phone is outside the configured range'),
  FORCE_LOGIN_DISABLED: entry('100-015', 'the agent has signed in and may not be forced out'),
  LOGIN_IP_INVALID: entry('100-016', 'invalid IP address at sign-in'),
  UPORTAL_AUTH_FAILED: entry('100-017', 'uPortal authentication failed'),
  VDN_MISMATCH: entry('100-018', 'the sign-in vdnId differs from the playback vdnId'),
  SKILL_QUERY_PARAM_INVALID: entry('100-019', 'invalid parameter when querying skill queues'),
  PASSWORD_EXPIRED: entry('100-020', 'the agent password has expired'),
  SIGN_IN_IN_PROGRESS: entry('100-021', 'the agent is signing in; do not call again'),

  // 110: account and password management
  MODIFY_PASSWORD_FAILED: entry('110-002', 'modifying the password failed'),
  OLD_PASSWORD_WRONG: entry('110-003', 'the old password is wrong'),
  ACCOUNT_LOCKED: entry('110-016', 'the account is locked'),
  PASSWORD_LENGTH_INVALID: entry('110-020', 'the password must be 8 to 30 characters long'),
  ACCOUNT_LOCKED_TEMPORARILY: entry('110-021', 'the account is locked'),

  // 101: agent conference
  NO_CONFERENCE: entry('101-001', 'no conference'),
  NOT_CONFERENCE_CHAIRMAN: entry('101-002', 'the agent is not the conference chairman'),

  // 200: call control
  WRONG_OUTBOUND_NUMBER: entry('200-001', 'wrong outbound number'),
  NO_CALL_TO_ANSWER: entry('200-002', 'no call to answer'),
  MUTE_NO_CALL: entry('200-003', 'mute: no call'),
  MUTE_WRONG_STATE: entry('200-004', 'mute: wrong call state'),
  CONNECT_HOLD_NO_CALL: entry('200-005', 'connect hold: no call'),
  CONNECT_HOLD_NO_HELD_CALL: entry('200-006', 'connect hold: no held call'),
  UNMUTE_NO_CALL: entry('200-007', 'unmute: no call'),
  UNMUTE_WRONG_STATE: entry('200-008', 'unmute: wrong call state'),
  PLAY_VOICE_NO_CALL: entry('200-009', 'play voice: no call'),
  CONFERENCE_NO_CALL: entry('200-010', 'three-party call: no call'),
  CONFERENCE_NO_HELD_CALL: entry('200-011', 'three-party call: no held call'),
  TRANSFER_NO_CALL: entry('200-012', 'transfer: no call'),
  HOLD_NO_CALL: entry('200-013', 'hold: no call'),
  HOLD_WRONG_STATE: entry('200-014', 'hold: wrong call state'),
  UNHOLD_NO_HELD_CALL: entry('200-015', 'unhold: no held call'),
  UNHOLD_WRONG_STATE: entry('200-016', 'unhold: wrong call state'),
  RELEASE_NO_CALL: entry('200-017', 'release: no call'),
  INNER_CALL_NOT_ALLOWED: entry('200-018', 'internal call or consultation not allowed in the current call state'),
  DISCONNECT_NO_CALL: entry('200-023', 'release a given number: no call'),
  DISCONNECT_NO_NUMBER: entry('200-024', 'release a given number: the number is not in the call'),
  DROPCALL_NO_CALL: entry('200-025', 'no call can be droped'),
  NO_CALL_EXISTS: entry('200-026', 'no call exists'),

  // 300: agent-group queries
  GROUP_NO_RIGHT: entry('300-001', 'agent-group query: no right'),
  GROUP_NO_AGENT: entry('300-002', 'agent-group query: no such agent'),
  GROUP_NO_GROUP: entry('300-003', 'agent-group query: no such group'),
  GROUP_QUERY_FAILED: entry('300-004', 'agent-group query failed'),

  // 400: call data
  CALLDATA_NO_CALL: entry('400-001', 'call data: no call'),
  CALLDATA_NOTHING_TO_SET: entry('400-002', 'call data: nothing to set'),
  CALLDATA_NO_HELD_CALL: entry('400-003', 'call data: no held call'),

  // 500: record and playback
  RECORD_STATE_ERROR: entry('500-001', 'record or playback state error'),

  // 600: queue devices
  QUEUE_NO_SKILL: entry('600-001', 'queue device: no skill configured'),
  QUEUE_NO_QUEUE: entry('600-002', 'queue device: no queue configured'),
  QUEUE_NO_ACCESS_CODE: entry('600-003', 'queue device: no access code configured'),
  QUEUE_NO_IVR: entry('600-004', 'queue device: no IVR configured'),
  QUEUE_QUERY_FAILED: entry('600-005', 'queue device query failed'),

  // 700, 800, 900: text chat, video, quality inspection
  TEXT_CHAT_ERROR: entry('700-001', 'text chat operation failed'),
  VIDEO_PLAYBACK_ERROR: entry('800-001', 'video playback failed'),
  INSPECTION_ERROR: entry('900-001', 'quality-inspection operation failed'),
  // 900-002 … 900-005: meanings chosen for the mock (docs/decisions.md, supervision).
  INSPECTOR_NO_RIGHT: entry('900-002', 'the agent has no quality-inspection right'),
  INSPECTED_NOT_SIGNED_IN: entry('900-003', 'the inspected agent has not signed in'),
  INSPECTED_NOT_TALKING: entry('900-004', 'the inspected agent has no call'),
  INSPECTED_WRONG_STATE: entry('900-005', 'the inspected agent is in a state that does not allow the operation')
} as const satisfies Record<string, CatalogueEntry>

export type ErrorKey = keyof typeof errorCatalogue
