import { contentCheckViolations, defineGateRule, type EmailFilter, REQUIRE, WHERE } from '../gate-rule.js'

/** `{ "rule": "client-compatibility", "require"?: true, "where"?: { … } }` */
export interface ClientCompatibilityRule {
  rule: 'client-compatibility'
  require?: boolean
  where?: EmailFilter
}

/** No picked email a test checked (`toBeCompatibleWith`) uses a feature its clients do not support. */
export const clientCompatibility = defineGateRule<ClientCompatibilityRule>({
  rule: 'client-compatibility',
  description:
    'No picked email a test checked with toBeCompatibleWith uses an HTML or CSS feature its clients do not support (by caniemail).',
  keys: { require: REQUIRE, where: WHERE },
  evaluate(report, rule) {
    return contentCheckViolations(report, rule, 'compatibility', 'toBeCompatibleWith', (result) =>
      [...result.unsupported, ...(result.failOnPartial ? result.partial : [])].map(
        (f) =>
          `${result.unsupported.includes(f) ? 'not supported' : 'partly supported'} by ${f.clients.join(', ')}: ${f.feature} (${f.url})`,
      ),
    )
  },
})
