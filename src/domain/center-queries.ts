/**
 * What the gateway's queue and call-data queries answer about the contact centre (issue #11,
 * Part D §D3.2, §D1.6, §D4): queue lengths, ACD statistics per skill, access codes, the call being
 * offered, and call-associated data. Shapes as the spec's samples; figures from the ACD.
 */
import { agentConnection, type Call } from './call-model.js'
import { fail } from './errors.js'
import type { Simulator } from './simulator.js'

export class CenterQueries {
  constructor (private readonly sim: Simulator) {}

  /** `waitnum`: customers waiting in the skills configured for the agent. */
  waitNum (agentId: string): number {
    this.sim.signedIn(agentId)
    return this.sim.center.waitingInAny(this.sim.world.skillsOf(agentId))
  }

  /** `waitnumbyagent`: customers waiting in the skills the agent is signed in to. */
  waitNumByAgent (agentId: string): number {
    return this.sim.center.waitingInAny(this.sim.signedIn(agentId).skills)
  }

  /** `skillwaitnum/{skillid}`. */
  skillWaitNum (agentId: string, skillId: number): number {
    this.sim.signedIn(agentId)
    if (!this.sim.world.skills.has(skillId)) fail('QUEUE_NO_QUEUE', `no skill ${skillId}`)
    return this.sim.center.waitingIn(skillId)
  }

  /** `POST queryacdstat`: one statistics record per known skill asked for (unknown ids are left out). */
  acdStat (agentId: string, skillIds: number[]): Array<Record<string, unknown>> {
    this.sim.signedIn(agentId)
    const now = this.sim.clock.now()
    const out: Array<Record<string, unknown>> = []
    for (const id of skillIds) {
      const skill = this.sim.world.skills.get(id)
      if (skill === undefined) continue
      const waiting = this.sim.center.queueEntries(id)
      const agents = this.sim.center.agentsOn(id)
      const f = this.sim.center.figures.get(id)
      const answered = f?.answered ?? 0
      out.push({
        pilotNbr: this.sim.world.world.accessCodes.find(c => c.skill === id)?.inno ?? '',
        deviceNo: id,
        queueSize: waiting.length,
        queueTime: Math.floor(waiting.reduce((m, w) => Math.max(m, now - w.since), 0) / 1000),
        loadFactor: 65535,
        estWaitTime: answered === 0 ? 0 : Math.round((f?.totalWaitMs ?? 0) / answered / 1000),
        loggedOnAgents: agents.loggedOn,
        availAgents: agents.idle,
        transferFlg: 0,
        transferDeviceType: 255,
        transferDeviceNo: 65535,
        skillDescrip: skill.name,
        resourceIdleRate: agents.loggedOn === 0 ? 0 : Math.round(agents.idle * 100 / agents.loggedOn),
        serviceLevel: answered === 0 ? 100 : Math.round((f?.withinServiceLevel ?? 0) * 100 / answered),
        oldCallIdEx: { dateTime: 4294967295000, dsn: 65535, server: 255, handle: 255 },
        maxQueueSize: skill.capacity ?? 100
      })
    }
    return out
  }

  /** `innoinfo`: the VDN's access codes. */
  accessCodes (agentId: string): Array<Record<string, unknown>> {
    this.sim.signedIn(agentId)
    const codes = this.sim.world.world.accessCodes
    if (codes.length === 0) fail('QUEUE_NO_ACCESS_CODE')
    return codes.map((c, i) => ({ description: c.description ?? '', id: i + 1, inno: c.inno, vdnid: 1, mediatype: 5 }))
  }

  /** `waitcallinfo/{skillid}`: the calls waiting in a skill's queue, best first. */
  waitCallInfo (agentId: string, skillId: number): Array<Record<string, unknown>> {
    this.sim.signedIn(agentId)
    if (!this.sim.world.skills.has(skillId)) fail('QUEUE_NO_QUEUE', `no skill ${skillId}`)
    const now = this.sim.clock.now()
    return this.sim.center.queueEntries(skillId).map(w => ({ ...this.sim.calls.callRecord(w.call), waittime: now - w.since }))
  }

  /** `callinfobeforeanswer`: the call being offered to the agent (ringing, or just picked up), else null. */
  callInfoBeforeAnswer (agentId: string): Record<string, unknown> | null {
    const agent = this.sim.signedIn(agentId)
    const call = this.sim.calls.ringingOf(agent) ?? this.currentCall(agentId)
    return call === undefined ? null : this.sim.calls.callRecord(call)
  }

  /** `appdata`: the call-associated data of the agent's call (or of `callId`). */
  appData (agentId: string, callId: string | undefined, encode: boolean): string {
    const call = this.callFor(agentId, callId)
    return encode ? Buffer.from(call.callappdata, 'utf8').toString('base64') : call.callappdata
  }

  /** `setcalldataex` / `PUT calldata/{agentid}`: set the call-associated data of a call the agent is in. */
  setCallData (agentId: string, callId: string | undefined, data: string | undefined, encoded: boolean): void {
    const call = this.callFor(agentId, callId)
    if (data === undefined) fail('CALLDATA_NOTHING_TO_SET')
    const text = encoded ? Buffer.from(data, 'base64').toString('utf8') : data
    if (Buffer.byteLength(text, 'utf8') > 16384) fail('INVALID_PARAMETER', 'calldata is longer than 16384 bytes')
    call.callappdata = text
  }

  /** The agent's active call, or its newest held one. */
  private currentCall (agentId: string): Call | undefined {
    const agent = this.sim.signedIn(agentId)
    for (let i = agent.calls.length - 1; i >= 0; i--) {
      const call = this.sim.calls.active.get(agent.calls[i]!)
      if (call !== undefined) return call
    }
    return undefined
  }

  /** A call the agent is in: the one named, or its current one; 400-001 when there is none. */
  private callFor (agentId: string, callId: string | undefined): Call {
    const agent = this.sim.signedIn(agentId)
    if (callId === undefined || callId === '') {
      const call = this.currentCall(agentId)
      if (call === undefined) fail('CALLDATA_NO_CALL')
      return call
    }
    const call = this.sim.calls.active.get(callId)
    if (call === undefined || agentConnection(call, agent.id) === undefined) fail('CALLDATA_NO_CALL', `no call ${callId} of agent ${agentId}`)
    return call
  }
}
