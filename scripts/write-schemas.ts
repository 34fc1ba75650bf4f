/**
 * Writes the JSON Schemas of the files people write by hand, from the TypeBox schemas the mock
 * validates them with (src/world/world-schema.ts): docs/schema/scenario.schema.json (--scenario),
 * docs/schema/world.schema.json (a world without faults or timeline), docs/schema/roster.schema.json (--agents). Editors that read
 * `# yaml-language-server: $schema=...` (VS Code's YAML extension, JetBrains, Neovim) complete and
 * check the files with them. `--check` only compares and exits 1 when one is stale; a test does too.
 */
import { fileURLToPath } from 'node:url'
import { writeOrCheck } from './generated-file.js'
import { ScenarioFileSchema, WorldFileSchema } from '../src/world/world-schema.js'

export const SCHEMA_DIR = fileURLToPath(new URL('../docs/schema/', import.meta.url))

const agentSchema = (WorldFileSchema.properties.agents as unknown as { items: unknown }).items

/** File name → JSON Schema. */
export function renderSchemas (): Record<string, string> {
  const document = (name: string, title: string, description: string, schema: unknown): string =>
    JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: `https://cc-gateway-mock.invalid/schema/${name}`,
      title,
      description,
      // TypeBox schemas are JSON Schema; JSON.stringify leaves out its symbol-keyed bookkeeping.
      ...JSON.parse(JSON.stringify(schema)) as object
    }, null, 2) + '\n'
  return {
    'scenario.schema.json': document('scenario.schema.json', 'cc-gateway-mock scenario',
      'A scenario file (--scenario): the world (agents, skills, simulated colleagues, external numbers), gateway settings, fault rules and a timeline. See docs/scenarios.md.',
      ScenarioFileSchema),
    'world.schema.json': document('world.schema.json', 'cc-gateway-mock world',
      'A world file: agents, skills, simulated colleagues and external numbers (a scenario without faults, timeline or gateway settings).',
      WorldFileSchema),
    'roster.schema.json': document('roster.schema.json', 'cc-gateway-mock agent roster',
      'An agent roster file (--agents): a list of agents, or an object with an agents list. Enables password checks and skills.',
      { anyOf: [{ type: 'array', items: agentSchema }, { type: 'object', properties: { agents: { type: 'array', items: agentSchema } }, required: ['agents'], additionalProperties: false }] })
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, text] of Object.entries(renderSchemas())) writeOrCheck(SCHEMA_DIR + name, text, 'schemas')
}
