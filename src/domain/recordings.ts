/**
 * Recordings and playback (issue #13, `recordplay/*`): every finished call that was connected has
 * one plausible simulated recording per agent in it (no audio: a file name, times and a URL), plus
 * the recordings agents make with `record`; an agent can play a recording back (play, pause,
 * resume, fast forward/back, stop) and record (record, pause, resume, stop). State per sign-in.
 */
import type { Agent } from './agent.js'
import type { Call } from './call-engine.js'
import { agentsIn } from './call-queries.js'
import type { Clock } from './clock.js'
import { fail } from './errors.js'

export interface RecordingsView {
  readonly calls: { get(callid: string): Call | undefined, readonly finished: ReadonlyMap<string, Call> }
  readonly clock: Clock
  signedIn(agentId: string): Agent
}

export interface Recording {
  recordid: string
  callid: string
  workno: string
  filename: string
  caller: string
  called: string
  skillid: number
  begintime: number
  endtime: number
  /** Seconds. */
  duration: number
}

export interface RecordingFilter {
  workno?: string | undefined
  callid?: string | undefined
  skillid?: number | undefined
  from?: number | undefined
  to?: number | undefined
  startposition?: number | undefined
  endposition?: number | undefined
}

interface Playback { file: Recording, state: 'playing' | 'paused', position: number }
interface Recorder { filename: string, state: 'recording' | 'paused', begin: number }

/** Where the simulated files live; URLs point at the mock's host name for recordings. */
export const RECORD_ROOT = '/record/1'
export const RECORD_URL = 'https://recordings.cc-gateway-mock.invalid'

function day (ms: number): string { return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '') }

export class Recordings {
  private readonly made: Recording[] = []
  private readonly playback = new WeakMap<Agent, Playback>()
  private readonly recorder = new WeakMap<Agent, Recorder>()
  private seq = 0

  constructor (private readonly view: RecordingsView) {}

  private ofCall (c: Call): Recording[] {
    if (c.answerTime === undefined || c.endTime === undefined) return []
    return agentsIn(c).map(workno => ({
      recordid: `${c.callid}-${workno}`,
      callid: c.callid,
      workno,
      filename: `${RECORD_ROOT}/${day(c.answerTime!)}/${workno}/${c.callid}.wav`,
      caller: c.callerNumber,
      called: c.called,
      skillid: c.skillid ?? 1,
      begintime: c.answerTime!,
      endtime: c.endTime!,
      duration: Math.round((c.endTime! - c.answerTime!) / 1000)
    }))
  }

  /** Forget the agents' own recordings (a reset; the calls' recordings go with the calls). */
  clear (): void { this.made.length = 0 }

  /** Every recording, oldest first. */
  all (): Recording[] {
    const out: Recording[] = []
    for (const c of this.view.calls.finished.values()) out.push(...this.ofCall(c))
    return [...out, ...this.made].sort((a, b) => a.begintime - b.begintime)
  }

  find (filter: RecordingFilter): Recording[] {
    const first = filter.startposition ?? 1
    const last = filter.endposition ?? first + 99
    if (first < 1 || last < first) fail('INVALID_PARAMETER', 'startposition and endposition must satisfy 1 <= start <= end')
    return this.all().filter(r =>
      (filter.workno === undefined || filter.workno === '' || r.workno === filter.workno) &&
      (filter.callid === undefined || filter.callid === '' || r.callid === filter.callid) &&
      (filter.skillid === undefined || r.skillid === filter.skillid) &&
      (filter.from === undefined || r.begintime >= filter.from) &&
      (filter.to === undefined || r.begintime <= filter.to)
    ).slice(first - 1, last)
  }

  byId (recordid: string): Recording {
    const r = this.all().find(x => x.recordid === recordid)
    if (r === undefined) fail('INVALID_PARAMETER', `no recording ${recordid}`)
    return r
  }

  private byFile (filename: string): Recording {
    const r = this.all().find(x => x.filename === filename)
    if (r === undefined) fail('INVALID_PARAMETER', `no recording file ${filename}`)
    return r
  }

  url (filename: string): string { return RECORD_URL + this.byFile(filename).filename }

  /** A zip of one or more files (`;`-separated). */
  zipUrl (filenames: string): string {
    const files = filenames.split(';').map(f => f.trim()).filter(f => f !== '')
    if (files.length === 0) fail('INVALID_PARAMETER', 'filepath is required')
    for (const f of files) this.byFile(f)
    return `${RECORD_URL}/zip/${files.length === 1 ? files[0]!.split('/').pop()!.replace(/\.wav$/, '') : `batch-${files.length}`}.zip`
  }

  // ---- playback --------------------------------------------------------------------------------

  play (agentId: string, filename: string): void {
    const agent = this.view.signedIn(agentId)
    if (this.playback.has(agent)) fail('RECORD_STATE_ERROR', 'a recording is already playing; stop it first')
    this.playback.set(agent, { file: this.byFile(filename), state: 'playing', position: 0 })
  }

  private playing (agentId: string, states: Array<Playback['state']>): Playback {
    const p = this.playback.get(this.view.signedIn(agentId))
    if (p === undefined || !states.includes(p.state)) fail('RECORD_STATE_ERROR', p === undefined ? 'no recording is playing' : `the playback is ${p.state}`)
    return p
  }

  pausePlay (agentId: string): void { this.playing(agentId, ['playing']).state = 'paused' }
  resumePlay (agentId: string): void { this.playing(agentId, ['paused']).state = 'playing' }

  /** Move the playback by `seconds` (negative: back), within the recording. */
  seek (agentId: string, seconds: number): number {
    const p = this.playing(agentId, ['playing', 'paused'])
    p.position = Math.min(p.file.duration, Math.max(0, p.position + seconds))
    return p.position
  }

  stopPlay (agentId: string): void {
    this.playing(agentId, ['playing', 'paused'])
    this.playback.delete(this.view.signedIn(agentId))
  }

  playbackOf (agentId: string): { filename: string, state: string, position: number } | undefined {
    const p = this.playback.get(this.view.signedIn(agentId))
    return p === undefined ? undefined : { filename: p.file.filename, state: p.state, position: p.position }
  }

  // ---- recording -------------------------------------------------------------------------------

  record (agentId: string, filename: string | undefined): string {
    const agent = this.view.signedIn(agentId)
    if (this.recorder.has(agent)) fail('RECORD_STATE_ERROR', 'already recording; stop it first')
    const now = this.view.clock.now()
    const name = filename === undefined || filename === '' ? `${agentId}-${now}-${++this.seq}` : filename.replace(/\.wav$/, '')
    const path = `${RECORD_ROOT}/${day(now)}/${agentId}/${name}.wav`
    this.recorder.set(agent, { filename: path, state: 'recording', begin: now })
    return path
  }

  private recording (agentId: string, states: Array<Recorder['state']>): Recorder {
    const r = this.recorder.get(this.view.signedIn(agentId))
    if (r === undefined || !states.includes(r.state)) fail('RECORD_STATE_ERROR', r === undefined ? 'not recording' : `the recording is ${r.state}`)
    return r
  }

  pauseRecord (agentId: string): void { this.recording(agentId, ['recording']).state = 'paused' }
  resumeRecord (agentId: string): void { this.recording(agentId, ['paused']).state = 'recording' }

  /** Stop recording: the file joins the recordings (on the agent's current call, if any). */
  stopRecord (agentId: string): Recording {
    const r = this.recording(agentId, ['recording', 'paused'])
    const agent = this.view.signedIn(agentId)
    this.recorder.delete(agent)
    const now = this.view.clock.now()
    const call = agent.calls.length === 0 ? undefined : this.view.calls.get(agent.calls[agent.calls.length - 1]!)
    const rec: Recording = {
      recordid: `rec-${agentId}-${r.begin}`,
      callid: call?.callid ?? '',
      workno: agentId,
      filename: r.filename,
      caller: call?.callerNumber ?? '',
      called: call?.called ?? '',
      skillid: call?.skillid ?? 1,
      begintime: r.begin,
      endtime: now,
      duration: Math.round((now - r.begin) / 1000)
    }
    this.made.push(rec)
    if (this.made.length > 1000) this.made.shift()
    return rec
  }
}
