import { type GateRuleKey, WHERE_SCHEMA } from './gate-rule.js'
import { GATE_RULES } from './gate-rules.js'

/**
 * The JSON Schema of `mailwright.gate.json`, built from the rules' definitions (rules/): editors check a
 * policy with it (`"$schema"`), and it accepts and refuses what the gate does. The CLI publishes it as
 * `mailwright/schemas/mailwright.gate.schema.json`.
 *
 * @example
 * writeFileSync('mailwright.gate.schema.json', `${JSON.stringify(gateSchema(), null, 2)}\n`)
 */
export function gateSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://mailwright.dev/schemas/mailwright.gate.schema.json',
    title: 'mailwright.gate.json',
    description:
      'The release policy `mailwright gate` checks the email reports against. The gate validates the same rules itself and names the key, the value and the fix for each problem.',
    type: 'object',
    additionalProperties: false,
    required: ['rules'],
    properties: {
      $schema: { type: 'string' },
      rules: {
        type: 'array',
        minItems: 1,
        items: {
          oneOf: GATE_RULES.map((definition) => {
            const keys = Object.entries(definition.keys as Record<string, GateRuleKey>)
            return {
              description: definition.description,
              type: 'object',
              additionalProperties: false,
              required: ['rule', ...keys.filter(([, key]) => key.required).map(([name]) => name)],
              properties: {
                rule: { const: definition.rule },
                ...Object.fromEntries(keys.map(([name, key]) => [name, key.schema])),
              },
            }
          }),
        },
      },
    },
    definitions: { where: WHERE_SCHEMA },
  }
}
