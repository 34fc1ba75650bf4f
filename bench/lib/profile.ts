/**
 * Summarise a V8 .cpuprofile (node --cpu-prof): self time by function and by module (package,
 * mock source file, node internals), as shares of the busy (non-idle) time.
 */
import { readFileSync } from 'node:fs'
import { ROOT_DIR } from './context.js'

interface CallFrame { functionName: string, url: string, lineNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame }
interface CpuProfile { nodes: ProfileNode[], samples: number[], timeDeltas: number[] }

export interface HotSpot { name: string, ms: number, share: number }
export interface ProfileSummary { file: string, busyMs: number, idleMs: number, functions: HotSpot[], modules: HotSpot[] }

function shortUrl (url: string): string {
  let u = url.replace(/^file:\/\//, '')
  if (u.startsWith(ROOT_DIR)) u = u.slice(ROOT_DIR.length + 1)
  const nm = u.lastIndexOf('node_modules/')
  if (nm >= 0) u = u.slice(nm + 'node_modules/'.length)
  return u
}

function moduleOf (frame: CallFrame): string {
  const fn = frame.functionName
  if (frame.url === '') return fn.startsWith('(') ? fn : '(native/V8)'
  const u = shortUrl(frame.url)
  if (u.startsWith('node:')) return 'node: core'
  if (u.startsWith('dist/') || u.startsWith('bench/')) return u
  const parts = u.split('/')
  return parts[0]!.startsWith('@') ? `${parts[0]!}/${parts[1] ?? ''}` : parts[0]!
}

export function summariseProfile (file: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(p.nodes.map(n => [n.id, n]))
  const fnMs = new Map<string, number>()
  const modMs = new Map<string, number>()
  let idleMs = 0
  let busyMs = 0
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]!)
    const ms = (p.timeDeltas[i] ?? 0) / 1000
    if (node === undefined) continue
    const f = node.callFrame
    if (f.functionName === '(idle)') { idleMs += ms; continue }
    busyMs += ms
    const name = f.url === '' ? (f.functionName === '' ? '(anonymous native)' : f.functionName) : `${f.functionName === '' ? '(anonymous)' : f.functionName} ${shortUrl(f.url)}:${f.lineNumber + 1}`
    fnMs.set(name, (fnMs.get(name) ?? 0) + ms)
    const mod = moduleOf(f)
    modMs.set(mod, (modMs.get(mod) ?? 0) + ms)
  }
  const rank = (m: Map<string, number>): HotSpot[] => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), share: busyMs === 0 ? 0 : Math.round(ms / busyMs * 1000) / 10 }))
  return { file: shortUrl(file), busyMs: Math.round(busyMs), idleMs: Math.round(idleMs), functions: rank(fnMs), modules: rank(modMs) }
}
