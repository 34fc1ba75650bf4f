/**
 * The import rules of docs/architecture.md, checked on the sources (issue #17): the domain never
 * imports Fastify, a route or a plugin; routes and plugins never import each other's internals
 * the wrong way; and no module reaches itself again through value imports (an import cycle). The
 * sources are parsed with TypeScript's own parser, so `import type` is told apart from a value import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))

interface Import { target: string, typeOnly: boolean }

function sourceFiles (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : []
  })
}

/** Every import and re-export of a file: a `src/`-relative path for local modules, `pkg:name` for packages. */
function importsOf (file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false)
  const out: Import[] = []
  const add = (spec: ts.Expression | undefined, typeOnly: boolean): void => {
    if (spec === undefined || !ts.isStringLiteral(spec)) return
    const name = spec.text
    const target = name.startsWith('.') ? relative(SRC, resolve(dirname(file), name.replace(/\.js$/, '.ts'))) : `pkg:${name}`
    out.push({ target, typeOnly })
  }
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause
      const bindings = clause?.namedBindings
      const allTypes = clause !== undefined && (clause.isTypeOnly ||
        (clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every(e => e.isTypeOnly)))
      add(node.moduleSpecifier, allTypes)
    } else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly)
  }
  // Dynamic imports (`await import('./x.js')`) are value imports too.
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) add(n.arguments[0], false)
    ts.forEachChild(n, visit)
  }
  visit(source)
  return out
}

const graph = new Map(sourceFiles(SRC).map(f => [relative(SRC, f), importsOf(f)]))

t.test('the parser sees the imports (the rules below are not vacuous)', async (t) => {
  t.ok(graph.size > 50, `${graph.size} source files`)
  t.ok(graph.get('app.ts')?.some(i => i.target === 'pkg:fastify' && !i.typeOnly), 'app.ts imports fastify')
  t.ok(graph.get('domain/simulator.ts')?.some(i => i.target === 'domain/call-engine.ts' && !i.typeOnly), 'simulator imports the call engine')
  t.ok(graph.get('domain/call-help.ts')?.some(i => i.target === 'domain/call-engine.ts' && i.typeOnly), 'call-help imports the engine for its types only')
})

t.test('the domain imports neither Fastify nor a route, a plugin or the HTTP-side modules', async (t) => {
  const forbidden = (target: string): boolean =>
    /^pkg:(fastify|@fastify\/|light-my-request|undici)/.test(target) || /^(routes|plugins|world|conformance|push)\//.test(target) ||
    ['app.ts', 'server.ts', 'cli.ts', 'logger.ts', 'config.ts'].includes(target)
  const offences = [...graph].filter(([f]) => f.startsWith('domain/')).flatMap(([f, imports]) => imports.filter(i => forbidden(i.target)).map(i => `${f} → ${i.target}`))
  t.same(offences, [])
})

t.test('routes and plugins do not import the app, the server or the command line', async (t) => {
  const offences = [...graph].filter(([f]) => /^(routes|plugins)\//.test(f))
    .flatMap(([f, imports]) => imports.filter(i => ['app.ts', 'server.ts', 'cli.ts'].includes(i.target)).map(i => `${f} → ${i.target}`))
  t.same(offences, [])
})

t.test('no import cycle through value imports', async (t) => {
  const cycles: string[] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (file: string): void => {
    state.set(file, 'open')
    path.push(file)
    for (const { target, typeOnly } of graph.get(file) ?? []) {
      if (typeOnly || !graph.has(target)) continue
      if (state.get(target) === 'open') cycles.push([...path.slice(path.indexOf(target)), target].join(' → '))
      else if (!state.has(target)) visit(target)
    }
    path.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file)
  t.same(cycles, [])
})
