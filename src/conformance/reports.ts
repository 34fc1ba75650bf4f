/**
 * The conformance results as people and CI read them: a terminal table (a row per check as it
 * finishes), JUnit XML (a testcase per check: failure, skipped or passed) and a self-contained
 * HTML page (a section per check with its expectations and its requests and events).
 */
import type { Outcome } from './expectations.js'
import type { CheckResult } from './runner.js'
import { itemLine } from './timeline.js'

const LABEL: Record<Outcome, string> = { passed: 'passed', failed: 'FAILED', notExercised: 'not exercised' }

export const tableHeader = (): string => `${'check'.padEnd(26)} ${'result'.padEnd(14)} ${'time'.padStart(7)}  detail\n${'-'.repeat(100)}\n`

export function tableRow (r: CheckResult): string {
  const detail = r.summary.length > 160 ? `${r.summary.slice(0, 157)}...` : r.summary
  return `${r.name.padEnd(26)} ${LABEL[r.outcome].padEnd(14)} ${`${(r.durationMs / 1000).toFixed(1)}s`.padStart(7)}  ${detail}\n`
}

export function tableSummary (results: CheckResult[]): string {
  const n = (o: Outcome): number => results.filter(r => r.outcome === o).length
  return `\n${n('passed')} passed, ${n('failed')} failed, ${n('notExercised')} not exercised\n`
}

const xml = (s: string): string => s
  // Characters XML 1.0 cannot carry at all.
  // eslint-disable-next-line no-control-regex
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function expectationText (r: CheckResult): string {
  return r.expectations.map(x => [`[${LABEL[x.outcome]}] expected: ${x.expected}`, `  ${x.detail}`, ...x.excerpt.map(l => `  ${l}`)].join('\n')).join('\n')
}

export function junitXml (results: CheckResult[], suite = 'cc-gateway-mock conformance'): string {
  const failures = results.filter(r => r.outcome === 'failed').length
  const skipped = results.filter(r => r.outcome === 'notExercised').length
  const time = (results.reduce((s, r) => s + r.durationMs, 0) / 1000).toFixed(3)
  const cases = results.map(r => {
    const head = `    <testcase classname="conformance" name="${xml(r.name)}" time="${(r.durationMs / 1000).toFixed(3)}"`
    const out = `      <system-out>${xml([...r.notes, expectationText(r)].join('\n'))}</system-out>\n`
    if (r.outcome === 'failed') return `${head}>\n      <failure message="${xml(r.summary)}" type="conformance">${xml(expectationText(r))}</failure>\n${out}    </testcase>`
    if (r.outcome === 'notExercised') return `${head}>\n      <skipped message="not exercised: ${xml(r.summary)}"/>\n${out}    </testcase>`
    return `${head}>\n${out}    </testcase>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(suite)}" tests="${results.length}" failures="${failures}" skipped="${skipped}" time="${time}">\n` +
    `  <testsuite name="${xml(suite)}" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`
}

const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const MAX_ROWS = 400

function section (r: CheckResult): string {
  const rows = r.timeline.slice(0, MAX_ROWS).map(i => {
    const line = itemLine(i, r.origin)
    return `<tr class="${i.kind}"><td>${html(line.slice(0, 10).trim())}</td><td>${html(line.slice(12))}</td></tr>`
  })
  const more = r.timeline.length > MAX_ROWS ? `<p>… and ${r.timeline.length - MAX_ROWS} more</p>` : ''
  const expectations = r.expectations.map(x => `<li class="${x.outcome}"><b>${LABEL[x.outcome]}</b> — expected: ${html(x.expected)}<br>${html(x.detail)}` +
    (x.excerpt.length > 0 ? `<pre>${html(x.excerpt.join('\n'))}</pre>` : '') + '</li>').join('\n')
  return `<section id="${html(r.name)}" class="${r.outcome}">
<h2>${html(r.name)} <span class="badge ${r.outcome}">${LABEL[r.outcome]}</span></h2>
<p>${html(r.title === r.name ? '' : r.title)} ${html(r.description)}</p>
${r.notes.map(n => `<p class="note">${html(n)}</p>`).join('\n')}
<ul>${expectations}</ul>
<details${r.outcome === 'passed' ? '' : ' open'}><summary>Requests and events (${r.timeline.length})</summary>
<table><thead><tr><th>time</th><th>request or event</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>${more}</details>
</section>`
}

export function htmlReport (results: CheckResult[], meta: { agent: string, url: string, date: string, clientOutput: string[] }): string {
  const summary = tableSummary(results).trim()
  const index = results.map(r => `<tr><td><a href="#${html(r.name)}">${html(r.name)}</a></td><td class="${r.outcome}">${LABEL[r.outcome]}</td><td>${(r.durationMs / 1000).toFixed(1)} s</td><td>${html(r.summary)}</td></tr>`).join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Client conformance report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
pre{background:#f6f6f6;padding:6px;overflow-x:auto}
.passed{color:#176f2c}.failed{color:#b00020}.notExercised{color:#8a6d00}
.badge{font-size:70%;border:1px solid;padding:1px 6px;border-radius:8px}
tr.event td{background:#f3f7ff}section{border-top:1px solid #ccc;margin-top:1.5em}.note{font-style:italic}
</style></head><body>
<h1>Client conformance report</h1>
<p>Agent ${html(meta.agent)} against ${html(meta.url)} — ${html(meta.date)} — ${html(summary)}</p>
<table><thead><tr><th>check</th><th>result</th><th>time</th><th>detail</th></tr></thead><tbody>
${index}
</tbody></table>
${results.map(section).join('\n')}
<section><h2>Client output (last lines)</h2><pre>${html(meta.clientOutput.join('\n'))}</pre></section>
</body></html>
`
}
