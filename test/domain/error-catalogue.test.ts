/**
 * Guards the error catalogue the way fastify's errors.test.js guards its table (style §2, §7):
 * keys and codes unique and well formed, every single code of spec §7 and Part C §3 present with
 * the right meaning, and every key the source names really in the table.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { errorCatalogue, type ErrorKey } from '../../src/domain/error-catalogue.js'
import { GatewayError, fail } from '../../src/domain/errors.js'
import { build, GW } from '../helper.js'

const entries = Object.entries(errorCatalogue) as Array<[ErrorKey, { retcode: string, message: string, status: number }]>
const byCode = new Map(entries.map(([key, e]) => [e.retcode, key]))

/** Every single (not range) code of spec §7 plus Part C §3's additions: code → key, meaning. */
const documented: Array<[string, ErrorKey, RegExp]> = [
  ['000-001', 'WRONG_EVENT_METHOD', /event/i],
  ['000-002', 'INVALID_PARAMETER', /param/i],
  ['000-003', 'NO_RIGHT', /no right/i],
  ['000-004', 'AGENT_SWITCHING_OVER', /switch/i],
  ['000-005', 'INSPECTOR_IS_SELF', /inspect/i],
  ['000-006', 'MESSAGE_PARAMETER_ERROR', /message parameter/i],
  ['000-007', 'CALLED_REPEATEDLY', /repeated/i],
  ['999-001', 'SERVER_CONFIG_INVALID', /config/i],
  ['100-001', 'LOGIN_PARAM_EMPTY', /sign-in param.*(empty|invalid)/i],
  ['100-002', 'ALREADY_SIGNED_IN', /already signed in/i],
  ['100-003', 'LOGIN_CTI_EXCEPTION', /CTI/],
  ['100-004', 'WRONG_PASSWORD', /password/i],
  ['100-005', 'LOGOUT_PARAM_INVALID', /sign-out param/i],
  ['100-006', 'NOT_SIGNED_IN', /not signed in/i],
  ['100-007', 'OPERATION_EXCEPTION', /exception/i],
  ['100-008', 'ALREADY_SIGNED_OUT', /already signed out/i],
  ['100-009', 'STATE_NOT_ALLOWED', /state/i],
  ['100-010', 'LOGOUT_WRONG_STATE', /state.*sign-out|sign-out.*state/i],
  ['100-011', 'LOGIN_PARAM_INVALID', /invalid parameter at sign-in/i],
  ['100-012', 'LOGIN_AGENT_TYPE_INVALID', /agent type/i],
  ['100-013', 'PHONE_INVALID', /phone/i],
  ['100-014', 'PHONE_OUT_OF_RANGE', /range/i],
  ['100-015', 'FORCE_LOGIN_DISABLED', /forced|kicked/i],
  ['100-016', 'LOGIN_IP_INVALID', /IP/],
  ['100-017', 'UPORTAL_AUTH_FAILED', /uPortal/i],
  ['100-018', 'VDN_MISMATCH', /vdnId/i],
  ['100-019', 'SKILL_QUERY_PARAM_INVALID', /skill/i],
  ['100-020', 'PASSWORD_EXPIRED', /password.*expired/i],
  ['100-021', 'SIGN_IN_IN_PROGRESS', /signing in/i],
  ['110-016', 'ACCOUNT_LOCKED', /locked/i],
  ['200-001', 'WRONG_OUTBOUND_NUMBER', /outbound number/i],
  ['200-002', 'NO_CALL_TO_ANSWER', /no call to answer/i],
  ['200-003', 'MUTE_NO_CALL', /^mute.*no call/i],
  ['200-004', 'MUTE_WRONG_STATE', /^mute.*state/i],
  ['200-005', 'CONNECT_HOLD_NO_CALL', /connect.?hold.*no call/i],
  ['200-006', 'CONNECT_HOLD_NO_HELD_CALL', /connect.?hold.*no held call/i],
  ['200-007', 'UNMUTE_NO_CALL', /unmute.*no call/i],
  ['200-008', 'UNMUTE_WRONG_STATE', /unmute.*state/i],
  ['200-009', 'PLAY_VOICE_NO_CALL', /play.?voice.*no call/i],
  ['200-010', 'CONFERENCE_NO_CALL', /three-party.*no call/i],
  ['200-011', 'CONFERENCE_NO_HELD_CALL', /three-party.*no held call/i],
  ['200-012', 'TRANSFER_NO_CALL', /transfer.*no call/i],
  ['200-013', 'HOLD_NO_CALL', /^hold.*no call/i],
  ['200-014', 'HOLD_WRONG_STATE', /^hold.*state/i],
  ['200-015', 'UNHOLD_NO_HELD_CALL', /unhold.*no held call/i],
  ['200-016', 'UNHOLD_WRONG_STATE', /unhold.*state/i],
  ['200-017', 'RELEASE_NO_CALL', /release.*no call/i],
  ['200-018', 'INNER_CALL_NOT_ALLOWED', /internal|inner|consult/i],
  ['400-001', 'CALLDATA_NO_CALL', /call data.*no call/i],
  ['400-002', 'CALLDATA_NOTHING_TO_SET', /nothing to set/i],
  ['400-003', 'CALLDATA_NO_HELD_CALL', /no held call/i]
]

t.test('the catalogue is a well-formed table', async (t) => {
  t.test('every key is SCREAMING_SNAKE and appears once', async (t) => {
    const keys = entries.map(([k]) => k)
    t.equal(new Set(keys).size, keys.length)
    for (const k of keys) t.match(k, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, k)
  })

  t.test('every retcode has the form NNN-NNN and belongs to one key only', async (t) => {
    const codes = entries.map(([, e]) => e.retcode)
    for (const [k, e] of entries) t.match(e.retcode, /^\d{3}-\d{3}$/, k)
    const dupes = codes.filter((c, i) => codes.indexOf(c) !== i)
    t.same(dupes, [], 'no retcode is used twice')
  })

  t.test('every message is a non-empty single line', async (t) => {
    for (const [k, e] of entries) {
      t.type(e.message, 'string', k)
      t.ok(e.message.trim().length > 0, `${k} has a message`)
      t.notMatch(e.message, /\n/, `${k} is one line`)
    }
  })

  t.test('no entry claims success: "0" is not an error code', async (t) => {
    t.notOk(byCode.has('0'))
  })

  t.test('every vendor code is answered with HTTP 200 (Part B §1: business failures in a 200 body)', async (t) => {
    t.same(Object.entries(errorCatalogue).filter(([, e]) => e.status !== 200).map(([key]) => key), [])
  })
})

t.test('the gateway answers an error with its entry\'s status and envelope', async (t) => {
  const { app } = await build(t)
  const cases: Array<[string, ErrorKey]> = [
    [`${GW}/onlineagent/1001/agentstatus`, 'NOT_SIGNED_IN'], // nobody signed in as 1001
    [`${GW}/onlineagent/1001x/agentstatus`, 'INVALID_PARAMETER'] // validation
  ]
  for (const [url, key] of cases) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, errorCatalogue[key].status, `${key}: status`)
    t.equal(res.json().retcode, errorCatalogue[key].retcode, `${key}: retcode`)
  }
})

t.test('every single code documented in spec §7 and Part C §3 is present with its meaning', async (t) => {
  for (const [code, key, meaning] of documented) {
    t.equal(byCode.get(code), key, `${code} is ${key}`)
    t.match(errorCatalogue[key]?.message ?? '', meaning, `${code} ${key} means ${String(meaning)}`)
  }
})

t.test('the codes the seed lists for callinner are all present', async (t) => {
  for (const code of ['000-002', '100-006', '100-007', '200-018']) t.ok(byCode.has(code), code)
})

t.test('000-003 keeps the real captured text, typo included', async (t) => {
  t.equal(errorCatalogue.NO_RIGHT.retcode, '000-003')
  t.equal(errorCatalogue.NO_RIGHT.message, 'no right to invite resouce')
})

t.test('GatewayError carries the key and retcode, and a detail replaces the message', async (t) => {
  const plain = new GatewayError('NOT_SIGNED_IN')
  t.equal(plain.key, 'NOT_SIGNED_IN')
  t.equal(plain.retcode, '100-006')
  t.equal(plain.message, errorCatalogue.NOT_SIGNED_IN.message)
  t.equal(plain.name, 'GatewayError')
  t.ok(plain instanceof Error)
  const detailed = new GatewayError('INVALID_PARAMETER', 'called: must be digits')
  t.equal(detailed.message, 'called: must be digits')
  t.equal(detailed.retcode, '000-002')
  t.throws(() => fail('RELEASE_NO_CALL'), { name: 'GatewayError', key: 'RELEASE_NO_CALL', retcode: '200-017' })
})

// ---- every key named in the source is a catalogue key ------------------------------------------

const root = fileURLToPath(new URL('../../', import.meta.url))

function tsFiles (dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return tsFiles(p)
    return p.endsWith('.ts') ? [p] : []
  })
}

function keysNamedIn (file: string): Array<{ key: string, where: string }> {
  const text = readFileSync(file, 'utf8')
  const found: Array<{ key: string, where: string }> = []
  const patterns = [/fail\('([A-Z_]+)'/g, /GatewayError\('([A-Z_]+)'/g]
  // The agent machine's rules answer a bare key (`() => 'NOT_SIGNED_IN'`, `error: 'X'`).
  if (file.endsWith('agent-machine.ts')) patterns.push(/(?:=>|\?|:)\s*'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const line = text.slice(0, m.index).split('\n').length
      found.push({ key: m[1]!, where: `${file.slice(root.length)}:${line}` })
    }
  }
  return found
}

t.test('every error key named in src/domain, src/routes and src/plugins is in the catalogue', async (t) => {
  const files = ['src/domain', 'src/routes', 'src/plugins'].flatMap(d => tsFiles(join(root, d)))
  const named = files.flatMap(keysNamedIn)
  t.ok(named.length >= 10, `found ${named.length} keys named in the source (the scan works)`)
  const unknown = named.filter(n => !(n.key in errorCatalogue))
  t.same(unknown, [], 'no unknown key')
})
