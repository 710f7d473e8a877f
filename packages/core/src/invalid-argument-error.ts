import { MailwrightError } from './mailwright-error.js'

/**
 * A value given to Mailwright is not usable: names the parameter, the value and the accepted form.
 *
 * @example
 * throw new InvalidArgumentError('timeout', -1, 'a number of milliseconds >= 0')
 */
export class InvalidArgumentError extends MailwrightError {
  readonly parameter: string
  readonly value: unknown
  /** What would have been accepted, as the message words it. */
  readonly expected: string

  constructor(parameter: string, value: unknown, expected: string, options?: ErrorOptions) {
    super('INVALID_ARGUMENT', `Invalid ${parameter}: ${describeValue(value)}. Expected ${expected}.`, options)
    this.parameter = parameter
    this.value = value
    this.expected = expected
  }
}

function describeValue(value: unknown): string {
  if (value instanceof RegExp) return String(value)
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === undefined) return 'undefined'
  try {
    const json = JSON.stringify(value)
    return json.length > 120 ? `${json.slice(0, 117)}...` : json
  } catch {
    return String(value)
  }
}
