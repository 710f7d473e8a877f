// Writes the published JSON Schema of mailwright.gate.json from the gate rules' definitions
// (packages/report/src/rules/), so the schema editors use and the gate's own checks cannot drift apart.
// packages/cli/src/gate-schema.test.ts fails when the checked-in file is not what this writes.
//
//   node scripts/gate-schema.ts   (after pnpm build)
import { writeFileSync } from 'node:fs'
import { gateSchema } from '@mailwright/report'

const GATE_SCHEMA_FILE = new URL('../packages/cli/schemas/mailwright.gate.schema.json', import.meta.url)

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(GATE_SCHEMA_FILE, `${JSON.stringify(gateSchema(), null, 2)}\n`)
  console.log(`wrote ${GATE_SCHEMA_FILE.pathname}`)
}
