/**
 * Sign-in sessions and their GUIDs (spec §1). A GUID names one session of one agent; sign-out,
 * forced sign-in elsewhere and forced sign-out end it for good. With dynamic rotation (AUTHMODE 2)
 * a session gets a new GUID on each poll and handshake; the previous one keeps working for a short
 * grace period so a request already in flight is not refused.
 */
import type { Clock } from './clock.js'
import type { IdSource } from './ids.js'

export interface Session {
  agentId: string
  guid: string
  /** The GUID in use before the last rotation (still working for the grace period). */
  previousGuid: string | undefined
  /** Every rotated-out GUID still in its grace period, oldest first, with when it stops working. */
  retired: Array<{ guid: string, until: number }>
  open: boolean
}

/**
 * Rotated-out GUIDs kept working per session (issue #16, finding 9): each for the whole grace
 * period, however many rotations follow — a client polling faster than this many times per grace
 * period loses its oldest ones early.
 */
export const MAX_RETIRED_GUIDS = 64

export type AuthMode = 'compat' | 'strict' | 'off'

export interface Credentials {
  /** Value of the `Guid` header (any case), if sent. */
  header: string | undefined
  /** Every JSESSIONID value found in `Cookie` headers. */
  cookies: string[]
}

export type AuthVerdict =
  | { ok: true }
  | { ok: false, reason: 'missing' | 'unknown' | 'other-agent', owner?: string, acceptedBy?: AuthMode }

const ALLOWED: AuthVerdict = Object.freeze({ ok: true })

export class SessionStore {
  private readonly byGuid = new Map<string, Session>()

  constructor (private readonly clock: Clock, private readonly ids: IdSource, private readonly graceMs: number) {}

  open (agentId: string): Session {
    const session: Session = { agentId, guid: this.ids.guid(), previousGuid: undefined, retired: [], open: true }
    this.byGuid.set(session.guid, session)
    return session
  }

  close (session: Session): void {
    session.open = false
    this.expire(session)
  }

  /** The session's GUIDs stop working, but the agent stays signed in (a GUID expiry fault). */
  expire (session: Session): void {
    this.byGuid.delete(session.guid)
    for (const r of session.retired) this.byGuid.delete(r.guid)
    session.retired = []
    session.previousGuid = undefined
  }

  /**
   * Issue a new GUID for `session` (dynamic mode); every previous one stays valid for the grace
   * period from its own rotation (at most MAX_RETIRED_GUIDS of them).
   */
  rotate (session: Session): string {
    const now = this.clock.now()
    const retired = session.retired
    while (retired.length > 0 && (retired[0]!.until < now || retired.length >= MAX_RETIRED_GUIDS)) this.byGuid.delete(retired.shift()!.guid)
    retired.push({ guid: session.guid, until: now + this.graceMs })
    session.previousGuid = session.guid
    session.guid = this.ids.guid()
    this.byGuid.set(session.guid, session)
    return session.guid
  }

  lookup (guid: string): Session | undefined {
    const s = this.byGuid.get(guid)
    if (s === undefined || !s.open) return undefined
    if (guid !== s.guid && !(this.clock.now() <= (s.retired.find(r => r.guid === guid)?.until ?? -Infinity))) {
      this.byGuid.delete(guid)
      return undefined
    }
    return s
  }

  /** Does a request with `creds` may act for `agentId` under `mode`? (issue #2 auth modes) */
  check (agentId: string, creds: Credentials, mode: AuthMode): AuthVerdict {
    if (mode === 'off') return ALLOWED
    const headerSession = creds.header === undefined ? undefined : this.lookup(creds.header)
    // Nearly every request: the agent's own GUID in the header, which every mode accepts whatever
    // the cookies say — answered without looking them up or building anything.
    if (headerSession?.agentId === agentId) return ALLOWED
    const cookieSessions = creds.cookies.map(c => this.lookup(c)).filter((s): s is Session => s !== undefined)
    if (creds.header === undefined && creds.cookies.length === 0) return { ok: false, reason: 'missing' }
    if (mode === 'strict') {
      if (cookieSessions.some(s => s.agentId === agentId)) return ALLOWED
    } else if (creds.header === undefined && cookieSessions.length > 0) {
      // compat: a Guid header must be this agent's own (above); without one, clients sharing one
      // cookie jar send the last signed-in agent's cookie (Part B §8).
      return ALLOWED
    }
    const other = [headerSession, ...cookieSessions].find(s => s !== undefined && s.agentId !== agentId)
    if (other === undefined) return { ok: false, reason: 'unknown' }
    return { ok: false, reason: 'other-agent', owner: other.agentId, acceptedBy: creds.header === undefined ? 'compat' : 'off' }
  }

  /** The agents whose live sessions `creds` names (header and cookies), each once. */
  owners (creds: Credentials): string[] {
    const out = new Set<string>()
    for (const g of [creds.header, ...creds.cookies]) {
      const s = g === undefined ? undefined : this.lookup(g)
      if (s !== undefined) out.add(s.agentId)
    }
    return [...out]
  }

  clear (): void { this.byGuid.clear() }
}
