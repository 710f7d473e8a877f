import { readFileSync } from 'node:fs'
import { gateSchema, parseGatePolicy } from '@mailwright/report'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'

// The published JSON Schema (for editors: "$schema" in mailwright.gate.json) and the gate's own checks must
// accept and refuse the same policies.
const schema = JSON.parse(
  readFileSync(new URL('../schemas/mailwright.gate.schema.json', import.meta.url), 'utf8'),
)
const ajv = new Ajv({ allErrors: true, formats: { regex: (text: string) => isRegex(text) } })
const validate = ajv.compile(schema)

function isRegex(text: string): boolean {
  try {
    new RegExp(text)
    return true
  } catch {
    return false
  }
}

const good = [
  { rules: [{ rule: 'no-failed-email-assertions' }] },
  {
    $schema: './mailwright.gate.schema.json',
    rules: [{ rule: 'dmarc-pass', where: { subject: '^Verify', environment: 'staging' } }],
  },
  {
    rules: [
      { rule: 'max-size', kb: 64 },
      { rule: 'bulk-sender', where: { from: '^news@' } },
    ],
  },
  {
    rules: [
      {
        rule: 'same-across-environments',
        environments: ['sandbox', 'staging'],
        compare: ['subject', 'links'],
      },
    ],
  },
  JSON.parse(
    readFileSync(
      new URL('../../../examples/playwright-signup/mailwright.gate.json', import.meta.url),
      'utf8',
    ),
  ),
]
const bad = [
  {},
  { rules: [] },
  { rules: [{ rule: 'dmarc' }] },
  { rules: [{ rule: 'max-size' }] },
  { rules: [{ rule: 'max-size', kb: 0 }] },
  { rules: [{ rule: 'max-size', kb: 'big' }] },
  { rules: [{ rule: 'dmarc-pass', where: { body: 'x' } }] },
  { rules: [{ rule: 'dmarc-pass', where: { subject: '(' } }] },
  { rules: [{ rule: 'no-failed-email-assertions', kb: 1 }] },
  { rules: [{ rule: 'same-across-environments', environments: ['sandbox'] }] },
  { rules: [{ rule: 'same-across-environments', environments: ['a', 'b'], compare: ['body'] }] },
  { rules: [{ rule: 'no-failed-email-assertions' }], extra: true },
]

describe('mailwright.gate.schema.json', () => {
  it('is the schema the gate rules define (node scripts/gate-schema.ts writes it)', () => {
    expect(schema).toEqual(gateSchema())
  })

  it.each(good.map((p) => [JSON.stringify(p), p]))('accepts %s, as the gate does', (_text, policy) => {
    expect(validate(policy), JSON.stringify(validate.errors)).toBe(true)
    expect(() => parseGatePolicy(policy, 'p.json')).not.toThrow()
  })

  it.each(bad.map((p) => [JSON.stringify(p), p]))('refuses %s, as the gate does', (_text, policy) => {
    expect(validate(policy)).toBe(false)
    expect(() => parseGatePolicy(policy, 'p.json')).toThrow(/^\[Mailwright\] p\.json: /)
  })
})
