import type { ChecksConfig } from '../content-checks.js'
import { ConfigError } from './config-error.js'

type Shape = 'string' | 'number' | 'boolean' | 'strings' | 'booleans' | 'patterns'

// Every key each check takes, and the kind of value: a typo or a wrong type is named, never ignored.
const KEYS: Record<keyof ChecksConfig, Record<string, Shape>> = {
  spam: { checker: 'string', url: 'string', timeout: 'number' },
  compatibility: { clients: 'strings', failOnPartial: 'boolean', timeout: 'number' },
  links: {
    allowHosts: 'strings',
    requireHttps: 'boolean',
    forbidHosts: 'strings',
    skip: 'patterns',
    images: 'boolean',
    maxRedirects: 'number',
    timeout: 'number',
  },
  accessibility: { impact: 'string', rules: 'booleans', timeout: 'number' },
}
const CHOICES: Record<string, readonly string[]> = {
  'spam.checker': ['rspamd', 'spamassassin'],
  'accessibility.impact': ['minor', 'moderate', 'serious', 'critical'],
}

/**
 * Checks an environment's `checks` section (its keys, their types and choices) and returns it; `path` is
 * where it sits (`environments.sandbox.checks`) for the error.
 *
 * @example
 * const checks = checkChecksConfig(chosen.checks, 'environments.sandbox.checks')
 */
export function checkChecksConfig(value: unknown, path: string): ChecksConfig {
  if (value === undefined) return {}
  if (!isObject(value))
    throw new ConfigError(
      path,
      `is ${JSON.stringify(value)}`,
      'Give an object, e.g. checks: { spam: { checker: "rspamd" } }.',
    )
  for (const [check, settings] of Object.entries(value)) {
    const keys = KEYS[check as keyof ChecksConfig]
    if (!keys)
      throw new ConfigError(
        `${path}.${check}`,
        'is not a check',
        `Use one of ${Object.keys(KEYS).join(', ')}.`,
      )
    if (!isObject(settings))
      throw new ConfigError(
        `${path}.${check}`,
        `is ${JSON.stringify(settings)}`,
        'Give an object of its settings.',
      )
    for (const [key, setting] of Object.entries(settings)) {
      const shape = keys[key]
      const where = `${path}.${check}.${key}`
      if (!shape)
        throw new ConfigError(
          where,
          'is not a setting of this check',
          `Use one of ${Object.keys(keys).join(', ')}.`,
        )
      if (setting === undefined) continue
      if (!fits(setting, shape))
        throw new ConfigError(where, `is ${JSON.stringify(setting)}`, `Give ${SHAPES[shape]}.`)
      const choices = CHOICES[`${check}.${key}`]
      if (choices && !choices.includes(setting as string))
        throw new ConfigError(where, `is ${JSON.stringify(setting)}`, `Use one of ${choices.join(', ')}.`)
      // A timeout of 0 would mean none to a socket: a check that never ends.
      if (shape === 'number' && key === 'timeout' && (setting as number) <= 0)
        throw new ConfigError(where, `is ${setting}`, 'Give milliseconds above 0.')
      if (shape === 'number' && (setting as number) < 0)
        throw new ConfigError(where, `is ${setting}`, 'Give a number of 0 or more.')
    }
  }
  return value as ChecksConfig
}

const SHAPES: Record<Shape, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  strings: 'a list of strings',
  booleans: 'an object of rule ids to true or false',
  patterns: 'a list of strings or RegExps',
}

function fits(value: unknown, shape: Shape): boolean {
  switch (shape) {
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
    case 'patterns':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' || v instanceof RegExp)
    case 'booleans':
      return isObject(value) && Object.values(value).every((v) => typeof v === 'boolean')
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    default:
      return typeof value === shape
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
