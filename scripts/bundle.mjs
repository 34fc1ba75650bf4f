// Bundles the CLI into dist/cli.bundle.js: one file loads far faster than the ~1,000 modules it
// is made of (TypeBox alone is hundreds), which is most of the mock's start-up time. The library
// (dist/index.js) stays plain tsc output. Packages that load files or workers at run time stay
// external: pino and its transports, and the lazily loaded TLS and OpenAPI generators.
import { build } from 'esbuild'

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  legalComments: 'linked',
  external: ['pino', 'pino-pretty', 'thread-stream', 'selfsigned', '@fastify/swagger', 'swagger-ui-dist'],
  // CommonJS packages inside an ESM bundle still call require().
  banner: { js: "import { createRequire as __ccgmCreateRequire } from 'node:module'; const require = __ccgmCreateRequire(import.meta.url);" },
  logLevel: 'warning'
})
