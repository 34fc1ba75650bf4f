/**
 * The model-based test of call control (issue #13), shared by test/reliability/callctl-model.test.ts
 * (call control) and callctl-model-qc.test.ts (supervision among call control): the commands, the
 * invariants checked after every step, and the run. fast-check generates sequences of customers
 * calling agents, holds and retrieves, consultations, transfers in every mode, help, conference,
 * connecthold, dropcall, disconnect, mute, DTMF, supervision (inspectors 1001 and 1004 listening,
 * inserting, whispering, switching, stopping, intercepting, dropping calls and forcing states),
 * customers hanging up and the clock moving. After every step, from the control API:
 *
 * - an agent is connected (talking) in at most one active call;
 * - held calls are resumable: an agent with held calls and nothing talking gets `0` from gethold
 *   (checked by the gethold step whenever that holds), and every held leg belongs to a live call;
 * - membership agrees: the calls an agent lists are exactly the live calls with a leg of it, an
 *   agent in a call is occupied and one without a call is not;
 * - no event lost: each agent's queued events are exactly the tail of the events produced;
 * - an inspector's leg is in a live call where the agent it inspects has a live leg, and the
 *   inspector is in no other call.
 */
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../../src/domain/clock.js'
import { admin, build, call, GW } from '../helper.js'

const AGENTS = ['1001', '1002', '1003'] as const
/** Inspectors: 1001 also takes calls, 1004 only inspects. */
const INSPECTORS = ['1001', '1004'] as const

interface Real { app: FastifyInstance, clock: ManualClock }
interface CallV { callid: string, state: string, legs: Array<{ agentId: string, state: string, supervise?: string }> }
interface AgentV { id: string, status: string, calls: string[] }
interface M { guid: Map<string, string>, steps: Map<string, number> }

async function json<T> (r: Real, url: string): Promise<T> { return (await admin(r.app, 'GET', url)).json() as T }

async function views (r: Real): Promise<{ calls: Map<string, CallV>, agents: Map<string, AgentV> }> {
  const calls = new Map((await json<{ calls: CallV[] }>(r, '/__mock/calls?all=true')).calls.map(c => [c.callid, c]))
  const agents = new Map((await json<{ agents: AgentV[] }>(r, '/__mock/agents')).agents.map(a => [a.id, a]))
  return { calls, agents }
}

async function invariants (m: M, r: Real, name: string): Promise<void> {
  const { calls, agents } = await views(r)
  for (const a of agents.values()) {
    const live = [...calls.values()].filter(c => c.state !== 'released' && c.legs.some(l => l.agentId === a.id))
    const talking = live.filter(c => c.legs.some(l => l.agentId === a.id && l.state === 'talking'))
    if (talking.length > 1) throw new Error(`${name}: ${a.id} talks in ${talking.length} calls`)
    const listed = [...a.calls].sort()
    const withLeg = live.map(c => c.callid).sort()
    if (JSON.stringify(listed) !== JSON.stringify(withLeg)) throw new Error(`${name}: ${a.id} lists ${listed} but has legs in ${withLeg}`)
    if ((a.calls.length > 0) !== (a.status === 'occupied')) throw new Error(`${name}: ${a.id} is ${a.status} with ${a.calls.length} calls`)
    for (const id of a.calls) if (calls.get(id)?.state === 'released') throw new Error(`${name}: ${a.id} holds released call ${id}`)
    const hist = (await json<{ events: unknown[] }>(r, `/__mock/agents/${a.id}/history`)).events
    const queue = (await json<{ events: unknown[] }>(r, `/__mock/agents/${a.id}/events`)).events
    if (JSON.stringify(hist.slice(hist.length - queue.length)) !== JSON.stringify(queue)) throw new Error(`${name}: ${a.id}: queued events are not the last produced ones`)
    const inspecting = live.filter(c => c.legs.some(l => l.agentId === a.id && l.supervise !== undefined))
    if (inspecting.length > 0 && live.length !== 1) throw new Error(`${name}: inspector ${a.id} is in ${live.length} calls`)
  }
  for (const c of calls.values()) {
    if (c.state === 'released') continue
    for (const l of c.legs) {
      if (l.supervise !== undefined && !c.legs.some(p => p.supervise === undefined && p.state !== 'released' && p.agentId !== l.agentId)) throw new Error(`${name}: inspector ${l.agentId} left alone in ${c.callid}`)
    }
  }
}

export type Cmd = fc.AsyncCommand<M, Real>

const step = (name: string, run: (m: M, r: Real) => Promise<void>): Cmd => ({
  check: () => true,
  run: async (m, r) => {
    await run(m, r)
    m.steps.set(name.split(' ')[1] ?? name, (m.steps.get(name.split(' ')[1] ?? name) ?? 0) + 1)
    await invariants(m, r, name)
  },
  toString: () => name
})

const agentArb = fc.constantFrom(...AGENTS)
const other = (a: string, i: number): string => AGENTS.filter(x => x !== a)[i % 2]!

async function gw (m: M, r: Real, a: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown, family = 'voicecall'): Promise<{ retcode: string, result?: unknown }> {
  const res = (await call(r.app, m.guid.get(a) ?? '', method, `/${family}/${a}/${path}`, body)).json()
  const op = `ok:${path.split(/[/?]/)[0]!.replace(/^\d+$/, 'stop')}`
  if (res.retcode === '0') m.steps.set(op, (m.steps.get(op) ?? 0) + 1)
  return res
}

/** The agent's held and talking calls, from the control API. */
async function legsOf (r: Real, a: string): Promise<{ held: string[], active: boolean, current: string | undefined, inspects: string | undefined }> {
  const { calls } = await views(r)
  const held: string[] = []
  let active = false
  let current: string | undefined
  let inspects: string | undefined
  for (const c of calls.values()) {
    if (c.state === 'released') continue
    for (const l of c.legs) {
      if (l.agentId !== a) continue
      if (l.state === 'held') held.push(c.callid)
      else { active = true; current = c.callid }
      if (l.supervise !== undefined) inspects = c.legs.find(p => p.supervise === undefined && p.agentId !== a)?.agentId
    }
  }
  return { held, active, current, inspects }
}

const customerCmd = agentArb.map(a => step(`${a} customer`, async (_m, r) => { await admin(r.app, 'POST', '/__mock/customers', { from: '13900001111', agent: a }) }))
const helpCmd = fc.tuple(agentArb, fc.nat(1), fc.constantFrom(1, 2)).map(([a, i, mode]) => step(`${a} innerhelp ${other(a, i)} mode ${mode}`, async (m, r) => {
  await gw(m, r, a, 'POST', 'innerhelp', { dstaddress: other(a, i), mode })
}))

const inspectorArb = fc.constantFrom(...INSPECTORS)
const qc = (m: M, r: Real, s: string, method: 'PUT' | 'POST' | 'DELETE', path: string): Promise<unknown> => gw(m, r, s, method, path, undefined, 'qualitycontrol')
const superviseCmd = fc.tuple(inspectorArb, agentArb, fc.constantFrom('PUT addsupervise/', 'PUT addinsert/', 'POST requestwhisperagent?whisperagentid=')).map(([s, a, op]) =>
  step(`${s} ${op.split(' ')[1]!.replace(/[/?].*/, '')} ${a}`, async (m, r) => {
    // A customer first when the agent has no call, so inspections often find someone talking.
    if ((await legsOf(r, a)).held.length === 0 && !(await legsOf(r, a)).active) await admin(r.app, 'POST', '/__mock/customers', { from: '13900001111', agent: a })
    await qc(m, r, s, op.split(' ')[0] as 'PUT', `${op.split(' ')[1]!}${a}`)
  }))
const followCmd = fc.tuple(inspectorArb, agentArb, fc.constantFrom('POST switch/', 'POST switch/', 'DELETE ', 'PUT intercept/', 'PUT intercept/', 'POST requeststopwhisperagent?whisperagentid=', 'POST forcebusy/', 'POST forceidle/', 'POST forcerest/')).map(([s, a, op]) =>
  step(`${s} ${op.split(' ')[1]!.replace(/[/?].*/, '') || 'stop'} ${a}`, async (m, r) => {
    // Switch, stop and intercept name an inspection in progress when there is one.
    let by: string = s
    let target: string = a
    if (!op.startsWith('POST force')) {
      for (const i of [s, ...INSPECTORS]) { const of = (await legsOf(r, i)).inspects; if (of !== undefined) { by = i; target = of; break } }
    }
    await qc(m, r, by, op.split(' ')[0] as 'POST', `${op.split(' ')[1]!}${target}${op.endsWith('forcerest/') ? '/60/1' : ''}`)
  }))
export const supervisionCmds = [
  superviseCmd,
  superviseCmd,
  superviseCmd,
  followCmd,
  followCmd,
  followCmd,
  fc.tuple(inspectorArb, fc.nat(2)).map(([s, type]) => step(`${s} requestswitchinsertwhisperagent ${type}`, async (m, r) => { await qc(m, r, s, 'POST', `requestswitchinsertwhisperagent?switchtype=${type}`) })),
  fc.tuple(inspectorArb, fc.nat(20)).map(([s, i]) => step(`${s} forcedropcall #${i}`, async (m, r) => {
    const live = [...(await views(r)).calls.values()].filter(c => c.state !== 'released')
    // Seldom a live call (a dropped call takes every supervision in it along).
    await qc(m, r, s, 'POST', `forcedropcall/${i % 4 === 0 ? live[i % Math.max(1, live.length)]?.callid ?? '1-1' : '1-1'}`)
  }))
]

/** Customers, help and consultations weigh more, so runs reach calls of two and three parties. */
export const commands = [
  customerCmd,
  customerCmd,
  customerCmd,
  helpCmd,
  helpCmd,
  fc.tuple(agentArb, fc.nat(1)).map(([a, i]) => step(`${a} callinner ${other(a, i)}`, async (m, r) => { await gw(m, r, a, 'PUT', 'callinner', { called: other(a, i) }) })),
  agentArb.map(a => step(`${a} customer`, async (_m, r) => { await admin(r.app, 'POST', '/__mock/customers', { from: '13900001111', agent: a }) })),
  fc.tuple(agentArb, fc.nat(1)).map(([a, i]) => step(`${a} callinner ${other(a, i)}`, async (m, r) => { await gw(m, r, a, 'PUT', 'callinner', { called: other(a, i) }) })),
  agentArb.map(a => step(`${a} hold`, async (m, r) => { await gw(m, r, a, 'POST', 'hold') })),
  agentArb.map(a => step(`${a} gethold`, async (m, r) => {
    const { held, active } = await legsOf(r, a)
    const res = await gw(m, r, a, 'POST', 'gethold')
    if (held.length > 0 && !active && res.retcode !== '0') throw new Error(`${a} could not resume a held call: ${JSON.stringify(res)}`)
  })),
  fc.tuple(agentArb, fc.nat(1), fc.constantFrom([2, 0], [2, 2], [2, 4], [1, 0], [1, 2], [5, 3], [5, 4], [5, 1])).map(([a, i, [dt, mode]]) =>
    step(`${a} transfer ${dt}/${mode}`, async (m, r) => {
      await gw(m, r, a, 'POST', 'transfer', { devicetype: dt, mode, address: dt === 2 ? other(a, i) : dt === 1 ? '1' : '5550100' })
    })),
  agentArb.map(a => step(`${a} canceltransfer`, async (m, r) => { await gw(m, r, a, 'POST', 'canceltransfer') })),
  agentArb.map(a => step(`${a} confjoin`, async (m, r) => {
    // The agent named, or one that has both a held and a talking call to join.
    let by: string = a
    for (const b of AGENTS) { const l = await legsOf(r, b); if (l.held.length > 0 && l.active) { by = b; break } }
    const { held } = await legsOf(r, by)
    await gw(m, r, by, 'POST', 'confjoin', { callid: held[0] ?? 'none' })
  })),
  agentArb.map(a => step(`${a} connecthold`, async (m, r) => {
    const { held } = await legsOf(r, a)
    await gw(m, r, a, 'POST', `connecthold/${held[0] ?? 'none'}`)
  })),
  agentArb.map(a => step(`${a} dropcall`, async (m, r) => {
    const { held } = await legsOf(r, a)
    await gw(m, r, a, 'POST', `dropcall/${held[0] ?? (await legsOf(r, a)).current ?? 'none'}`)
  })),
  fc.tuple(agentArb, fc.nat(1)).map(([a, i]) => step(`${a} disconnect ${other(a, i)}`, async (m, r) => { await gw(m, r, a, 'POST', `disconnect/${other(a, i)}`) })),
  fc.tuple(agentArb, fc.nat(1)).map(([a, i]) => step(`${a} snatchpickup ${other(a, i)}`, async (m, r) => { await gw(m, r, a, 'PUT', `snatchpickup?destWorkNo=${other(a, i)}`) })),
  fc.tuple(agentArb, fc.constantFrom('beginmute', 'endmute', 'seconddial/1#', 'beginmutevideo', 'endmutevideo')).map(([a, op]) => step(`${a} ${op}`, async (m, r) => { await gw(m, r, a, 'POST', op) })),
  fc.tuple(agentArb, fc.constantFrom('answer', 'release')).map(([a, op]) => step(`${a} ${op}`, async (m, r) => {
    await gw(m, r, a, op === 'answer' ? 'PUT' : 'DELETE', op)
  })),
  fc.nat(20).map(i => step(`customer#${i} hangs-up`, async (_m, r) => {
    const live = [...(await views(r)).calls.values()].filter(c => c.state !== 'released')
    const c = live[i % Math.max(1, live.length)]
    if (c !== undefined && i % 3 === 0) await admin(r.app, 'POST', `/__mock/calls/${c.callid}/hangup`)
  })),
  agentArb.map(a => step(`${a} drains`, async (m, r) => {
    for (let i = 0; i < 200; i++) { const b = (await call(r.app, m.guid.get(a) ?? '', 'GET', `/agentevent/${a}`)).json(); if (b.event === undefined) break }
  })),
  fc.integer({ min: 0, max: 40000 }).map(ms => step(`clock advances ${ms} ms`, async (_m, r) => { r.clock.advance(ms) }))
]

export async function runModel (t: Pick<typeof import('tap')['default'], 'equal' | 'ok'>, cmdArbs: Array<fc.Arbitrary<Cmd>>, numRuns: number, ops: string[]): Promise<void> {
  const roles = (id: string): string[] => [...(INSPECTORS.includes(id as '1004') ? ['inspector'] : []), ...(id === '1002' || id === '1003' ? ['pickup'] : [])]
  const agents = [...AGENTS, '1004'].map(id => ({ id, roles: roles(id) }))
  const world = { name: 'cc-model', extends: 'default', colleagues: [], agents }
  let runs = 0
  const total = new Map<string, number>()
  await fc.assert(fc.asyncProperty(fc.commands(cmdArbs, { maxCommands: 60, size: 'medium' }), fc.boolean(), async (cmds, manual) => {
    const { app, clock } = await build({ teardown: () => {} })
    try {
      if ((await admin(app, 'POST', '/__mock/scenarios', world)).statusCode !== 201) throw new Error('scenario')
      await admin(app, 'POST', '/__mock/scenarios/cc-model/activate')
      const m: M = { guid: new Map(), steps: new Map() }
      for (const [i, a] of [...AGENTS, '1004'].entries()) {
        const res = await app.inject({ method: 'PUT', url: `${GW}/onlineagent/${a}/forcelogin`, payload: { password: '', phonenum: `7${a}`, autoanswer: !(manual && i === 2), releasephone: true } })
        m.guid.set(a, String(res.headers['set-guid']).replace('JSESSIONID=', ''))
      }
      await fc.asyncModelRun(() => ({ model: m, real: { app, clock } }), cmds)
      runs++
      for (const [k, v] of m.steps) total.set(k, (total.get(k) ?? 0) + v)
    } finally { await app.close() }
  }), { seed: 20261129, numRuns, endOnFailure: true })
  t.equal(runs, numRuns, 'every run checked')
  const reached = ops.map(op => total.get(`ok:${op}`) ?? 0)
  t.ok(reached.every(n => n > 0), `the runs reached every operation successfully (${JSON.stringify(Object.fromEntries(total))})`)
}
