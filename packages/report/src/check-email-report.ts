import { type EmailReport, REPORT_VERSION } from './email-report.js'
import { GateInputError } from './gate-input-error.js'

// The report's layout as the gate reads it: a value's type, `?` when it may be absent.
type Shape = 'string' | 'number' | 'boolean' | Shape[] | { [key: string]: Shape | `${string}?` }
const string = 'string'
const number = 'number'
const boolean = 'boolean'

const EMAIL: Shape = {
  id: string,
  from: 'string?',
  to: [string],
  cc: [string],
  recipients: [string],
  subject: string,
  size: number,
  links: [string],
  auth: 'auth?',
  bulkSender: 'bulkSender?',
  checks: 'checks?',
}
const FINDING: Shape = { feature: string, clients: [string], url: string }
const OPTIONAL: Record<string, Shape> = {
  auth: {
    spf: 'string?',
    dkim: [{ result: string, domain: 'string?' }],
    dmarc: 'dmarc?',
    source: string,
  },
  dmarc: { result: string, domain: 'string?' },
  bulkSender: [{ requirement: string, met: boolean }],
  checks: {
    spam: 'spam?',
    compatibility: 'compatibility?',
    links: 'links?',
    accessibility: 'accessibility?',
  },
  spam: { checker: string, score: number, threshold: number, symbols: [{ name: string, score: number }] },
  compatibility: { clients: [string], failOnPartial: boolean, unsupported: [FINDING], partial: [FINDING] },
  links: {
    ok: number,
    notChecked: [string],
    failing: [{ url: string, outcome: string, status: 'number?', reason: 'string?' }],
  },
  accessibility: {
    impact: string,
    violations: [{ id: string, impact: string, help: string, helpUrl: string, elements: number }],
  },
}
const TEST: Shape = {
  key: string,
  title: string,
  file: string,
  status: string,
  retry: number,
  environment: string,
  project: 'string?',
  emails: [EMAIL],
  assertions: [{ matcher: string, not: boolean, passed: boolean, email: 'string?', message: 'string?' }],
  waits: [{ title: string, outcome: string, error: 'string?' }],
}

/**
 * Checks that a value read from `file` is a Mailwright report the gate can judge, naming the first key
 * that is missing or of the wrong type.
 *
 * @example
 * const report = checkEmailReport(JSON.parse(text), 'mailwright-report.json')
 */
export function checkEmailReport(value: unknown, file: string): EmailReport {
  const report = value as Partial<EmailReport> | null
  if (report?.tool !== 'mailwright' || !Array.isArray(report.tests))
    throw new GateInputError(
      `${file} is not a Mailwright report (no "tool": "mailwright" with "tests"). Give the mailwright-report.json files the Mailwright reporters write.`,
    )
  if (report.version !== REPORT_VERSION)
    throw new GateInputError(
      `${file} is a version ${JSON.stringify(report.version)} report; this gate reads version ${REPORT_VERSION}. Use the same Mailwright version for the run and the gate.`,
    )
  for (const [i, test] of report.tests.entries()) check(test, TEST, `tests[${i}]`, file)
  return report as EmailReport
}

function check(value: unknown, shape: Shape, path: string, file: string): void {
  const wrong = (expected: string): never => {
    const shown = JSON.stringify(value)
    throw new GateInputError(
      `${file}: ${path} is ${shown === undefined ? 'missing' : shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}; expected ${expected}. The file is damaged or was not written by a Mailwright reporter.`,
    )
  }
  if (typeof shape === 'string') {
    if (typeof value !== shape || (shape === 'number' && !Number.isFinite(value))) wrong(`a ${shape}`)
    return
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) wrong('a list')
    for (const [i, item] of (value as unknown[]).entries())
      check(item, shape[0] as Shape, `${path}[${i}]`, file)
    return
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) wrong('an object')
  for (const [key, spec] of Object.entries(shape)) {
    const item = (value as Record<string, unknown>)[key]
    if (typeof spec === 'string' && spec.endsWith('?')) {
      if (item === undefined) continue
      const name = spec.slice(0, -1)
      check(item, (OPTIONAL[name] ?? name) as Shape, `${path}.${key}`, file)
    } else check(item, spec as Shape, `${path}.${key}`, file)
  }
}
