/**
 * The fuzz suite's sweep (fuzz-kit.ts) once more over the call families with the issue #13 call
 * control (transfer, canceltransfer, innerhelp, confjoin, connecthold, dropcall, disconnect, mute,
 * DTMF, holdlist, snatchpickup, other agents' hold lists) and supervision (qualitycontrol, in a
 * world where 1001 is an inspector and 1002 keeps a call going): every kind of hostile input, then
 * more random combinations than the whole-API sweep gives these routes.
 */
import t from 'tap'
import { CALL_FAMILIES, sweep } from './fuzz-kit.js'

t.setTimeout(240000)

t.test('voicecall and calldata routes, every kind of hostile input: the documented envelope, no 5xx, no state change when refused', async (t) => {
  await sweep(t, { select: r => CALL_FAMILIES.test(r.path), runs: 150, light: () => true })
})

t.test('qualitycontrol routes with an inspector: the documented envelope, no 5xx, no state change when refused', async (t) => {
  const scenario = { name: 'fuzz-qc', extends: 'default', agents: [{ id: '1001', roles: ['inspector'] }, { id: '1002' }, { id: '1003' }] }
  await sweep(t, { select: r => /\/qualitycontrol\//.test(r.path), runs: 150, light: () => true, scenario })
})
