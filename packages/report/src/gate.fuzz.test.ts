// Fuzzing of the gate's readers of outside input: policy files and reports (see core's fuzz.test-util.ts).
import fc from 'fast-check'
import { describe } from 'vitest'
import { distFile, fuzzTarget } from '../../core/src/fuzz.test-util.js'

const REPORT = distFile('report', 'index')
const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4 })

describe('fuzzing the gate', () => {
  fuzzTarget({
    name: 'parseGatePolicy',
    imports: { parse: [REPORT, 'parseGatePolicy'] },
    run: (input: unknown, { parse }) => parse(input, 'fuzz-policy.json'),
    arbitrary: fc.oneof(
      anyJson,
      fc.record(
        {
          rules: fc.array(
            fc.record(
              {
                rule: fc.constantFrom(
                  'no-failed-email-assertions',
                  'dmarc-pass',
                  'max-size',
                  'bulk-sender',
                  'same-across-environments',
                  'x',
                ),
                where: fc.oneof(
                  anyJson,
                  fc.record(
                    { environment: fc.string(), subject: fc.string(), to: fc.string() },
                    { requiredKeys: [] },
                  ),
                ),
                bytes: fc.oneof(fc.integer(), fc.string()),
                compare: fc.array(fc.constantFrom('subject', 'from', 'links', 'x')),
                environments: fc.array(fc.string(), { maxLength: 3 }),
              },
              { requiredKeys: ['rule'] },
            ),
            { maxLength: 4 },
          ),
          $schema: fc.string(),
        },
        { requiredKeys: [] },
      ),
    ),
  })

  fuzzTarget({
    name: 'evaluateGate (reports read from files)',
    imports: {
      evaluate: [REPORT, 'evaluateGate'],
      check: [REPORT, 'checkEmailReport'],
      merge: [REPORT, 'mergeEmailReports'],
    },
    run: (input: { report: unknown; policy: unknown }, { evaluate, check, merge }) => {
      const report = check(input.report, 'fuzz-report.json')
      return evaluate(merge([report, report]), {
        rules: [
          { rule: 'no-failed-email-assertions' },
          { rule: 'dmarc-pass' },
          { rule: 'max-size', kb: 100 },
          { rule: 'bulk-sender' },
          { rule: 'same-across-environments', environments: ['sandbox', 'staging'] },
        ],
      })
    },
    arbitrary: fc.record({
      report: fc.oneof(
        anyJson,
        fc.record({
          tool: fc.constant('mailwright'),
          version: fc.constantFrom(1, 2, '1'),
          tests: fc.array(
            fc.oneof(
              anyJson,
              fc.record(
                {
                  id: fc.string(),
                  title: fc.oneof(fc.string(), fc.integer()),
                  status: fc.constantFrom('passed', 'failed', 'x'),
                  environment: fc.constantFrom('sandbox', 'staging', ''),
                  emails: fc.array(anyJson, { maxLength: 3 }),
                  assertions: fc.array(anyJson, { maxLength: 3 }),
                  waits: fc.array(anyJson, { maxLength: 2 }),
                },
                { requiredKeys: [] },
              ),
            ),
            { maxLength: 4 },
          ),
        }),
      ),
      policy: fc.constant(null),
    }),
  })
})
