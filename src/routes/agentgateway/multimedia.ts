/**
 * The multimedia families the mock does not simulate yet (issue #13): text chat, multimedia
 * conference, agent conference, ECC red/black lists and third-party control. Each interface
 * answers HTTP 200 with 100-007 and a message saying it is not simulated (never a 404), after the
 * usual agent and GUID checks, journalled under the vendor's method name. Real text-chat
 * simulation is a later step (docs/coverage.md).
 */
import type { FastifyInstance, HTTPMethods } from 'fastify'
import { notSimulated } from './route-kit.js'

/** [method, path, vendor's method name]. Path parameters keep the gateway's names; thirdcontrol's unnamed one is `:arg`. */
export const MULTIMEDIA: ReadonlyArray<[HTTPMethods, string, string]> = [
  ['PUT', '/agentconf/:agentid/answeragentconf', 'answerAgentConf'],
  ['PUT', '/agentconf/:agentid/applytoshiftpresident', 'applyToShiftPresident'],
  ['PUT', '/agentconf/:agentid/playvoicetoconf', 'playVoiceToConf'],
  ['PUT', '/agentconf/:agentid/prolongtime', 'prolongTime'],
  ['DELETE', '/agentconf/:agentid/rejectagentconf', 'rejectAgentConf'],
  ['POST', '/agentconf/:agentid/requestagentconf', 'requestAgentConf'],
  ['DELETE', '/agentconf/:agentid/requestleaveagentconf', 'requestLeaveAgentConf'],
  ['PUT', '/agentconf/:agentid/stopvoicetoconf', 'stopVoiceToConf'],
  ['GET', '/eccconfig/:agentid/allblacklist', 'queryAllBlackList'],
  ['GET', '/eccconfig/:agentid/allredlist', 'queryAllRedList'],
  ['DELETE', '/eccconfig/:agentid/blacklist', 'deleteBlackList'],
  ['POST', '/eccconfig/:agentid/blacklist', 'addBlackList'],
  ['DELETE', '/eccconfig/:agentid/redlist', 'deleteRedList'],
  ['POST', '/eccconfig/:agentid/redlist', 'addRedList'],
  ['POST', '/multimediaconf/:agentid/getconfstate', 'getConfState'],
  ['PUT', '/multimediaconf/:agentid/inviteconf', 'inviteConf'],
  ['POST', '/multimediaconf/:agentid/joinconfresult', 'joinConfResult'],
  ['PUT', '/multimediaconf/:agentid/requestconf', 'requestConf'],
  ['DELETE', '/multimediaconf/:agentid/stopconf', 'stopConf'],
  ['GET', '/textchat/:agentid/mediafile', 'queryMediaFile'],
  ['POST', '/textchat/:agentid/mediafile', 'uploadMediaFile'],
  ['POST', '/textchat/:agentid/sendmessagewithoutcall', 'sendMessageWithoutCall'],
  ['PUT', '/textchat/:agentid/sendmessagewithoutcall', 'sendMessageWithoutCallEx'],
  ['PUT', '/textchat/:agentid/answer/:callid', 'textChatAnswer'],
  ['PUT', '/textchat/:agentid/chatmessage', 'chat'],
  ['DELETE', '/textchat/:agentid/drop/:callid', 'textChatDrop'],
  ['PUT', '/textchat/:agentid/internalcall/:destno', 'textChatInternalCall'],
  ['DELETE', '/textchat/:agentid/reject/:callid', 'textChatReject'],
  ['POST', '/textchat/:agentid/transfer', 'textChatTransfer'],
  ['PUT', '/thirdcontrol/:agentid/callanswer/:arg', 'thirdControlCallAnswer'],
  ['PUT', '/thirdcontrol/:agentid/callout/:arg', 'thirdControlCallOut'],
  ['PUT', '/thirdcontrol/:agentid/setstatus/:arg', 'thirdControlSetStatus'],
  // Video and multimedia interfaces of the voice families.
  ['POST', '/qualitycontrol/:agentid/deleteVideoTask', 'deleteVideoTask'],
  ['GET', '/qualitycontrol/:agentid/queryvideorecordfile', 'queryVideoRecordFile'],
  ['POST', '/qualitycontrol/:agentid/startOrStopVideoPlay', 'startOrStopVideoPlay'],
  ['POST', '/qualitycontrol/:agentid/startVideoMonitor', 'startVideoMonitor'],
  ['POST', '/qualitycontrol/:agentid/startVideoOperation', 'startVideoOperation'],
  ['POST', '/qualitycontrol/:agentid/stopVideoMonitor', 'stopVideoMonitor'],
  ['POST', '/querymonitor/:agentid/setmaxchatnum/:vdnid/:chatnum', 'setMaxChatNum'],
  ['POST', '/voicecall/:agentid/requestcall/:callid/:skilltype', 'requestAppointedCall']
]

export default async function multimedia (app: FastifyInstance): Promise<void> {
  for (const [method, path, op] of MULTIMEDIA) notSimulated(app, method, path, op)
}
