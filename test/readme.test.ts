/** The README stays true: every option documented, the quick start commands, the client example as tested. */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { optionTable } from '../src/config.js'

const readme = readFileSync('README.md', 'utf8')

t.test('the README documents every option with its environment twin', async (t) => {
  for (const o of Object.values(optionTable)) {
    t.ok(readme.includes(`| \`--${o.flag}\` | \`${o.env}\` |`), `--${o.flag} / ${o.env}`)
  }
})

t.test('the quick start has the two commands', async (t) => {
  t.ok(readme.includes('npm ci && npm start'))
  t.ok(readme.includes('npm ci && npm test'))
})

t.test('the in-process example is the one test/client.test.ts runs', async (t) => {
  const test = readFileSync('test/client.test.ts', 'utf8')
  const tested = test.split('// --- README example starts ---\n')[1]?.split('  // --- README example ends ---')[0] ?? ''
  const lines = tested.split('\n').map(l => l.replace(/^ {2}/, '')).join('\n').trim()
  t.ok(lines.length > 100)
  t.ok(readme.includes(lines), 'README shows the tested example verbatim')
})
