/**
 * TypeBox shapes of the gateway's requests, named after the vendor's fields (spec §2, §3, §6 and
 * the seed). Types are lenient where real clients are (Part B §10): the validator coerces "4" and
 * "false"; extra fields are accepted. Values the interfaces constrain are checked here.
 */
import Type from 'typebox'

/** 101–999999 without leading zeros (spec §0: new docs). */
export const AGENT_ID_PATTERN = '^(10[1-9]|1[1-9][0-9]|[2-9][0-9]{2}|[1-9][0-9]{3,5})$'
export const agentIdRe = new RegExp(AGENT_ID_PATTERN)

export const AgentIdParams = Type.Object({ agentid: Type.String({ pattern: AGENT_ID_PATTERN }) })

export const LoginBody = Type.Object({
  password: Type.Optional(Type.String({ maxLength: 32 })),
  phonenum: Type.Optional(Type.String({ maxLength: 24 })),
  autoanswer: Type.Optional(Type.Boolean()),
  autoenteridle: Type.Optional(Type.Boolean()),
  releasephone: Type.Optional(Type.Boolean()),
  agenttype: Type.Optional(Type.Integer()),
  status: Type.Optional(Type.Integer()),
  ip: Type.Optional(Type.String({ maxLength: 15 })),
  callBackUri: Type.Optional(Type.String({ maxLength: 200 })),
  serviceToken: Type.Optional(Type.String({ maxLength: 50 })),
  /** Older push variant (Part D §D5.2): "URL that receives the events, max 512 characters". */
  pushUrl: Type.Optional(Type.String({ maxLength: 512 }))
}, {
  additionalProperties: true,
  examples: [{ password: '', phonenum: '71001', autoanswer: false, autoenteridle: true, releasephone: true, status: 4 }]
})

/** The seed's callinner body; callout shares it (spec §6). */
export const DialBody = Type.Object({
  called: Type.String({ pattern: '^[0-9*#]{1,24}$' }),
  caller: Type.Optional(Type.String({ pattern: '^[0-9]{0,24}$' })),
  skillid: Type.Optional(Type.Integer({ minimum: 0 })),
  // 16 KB; byte length is checked after validation (maxLength counts characters).
  callappdata: Type.Optional(Type.String()),
  // "This parameter is invalid for internal calls" (seed): an int if present, otherwise ignored.
  mediaability: Type.Optional(Type.Integer())
}, { additionalProperties: true, examples: [{ called: '9001' }, { called: '5550100', caller: '10086', callappdata: 'order=42' }] })

export const CALLAPPDATA_MAX_BYTES = 16384

export const SayBusyQuery = Type.Object({
  // A string: clients send `?reason=` empty as well as absent (Part B §17); parsed by the route.
  reason: Type.Optional(Type.String({ maxLength: 10 })),
  prolong: Type.Optional(Type.Boolean())
})

export const RestParams = Type.Object({
  agentid: Type.String({ pattern: AGENT_ID_PATTERN }),
  time: Type.Integer({ minimum: 1, maximum: 86399 }),
  restcause: Type.Integer({ minimum: 0, maximum: 255 })
})

export const FlagParams = Type.Object({
  agentid: Type.String({ pattern: AGENT_ID_PATTERN }),
  flag: Type.String()
})

export const CallIdQuery = Type.Object({ callid: Type.Optional(Type.String({ maxLength: 64 })) })
