import type {
  CompatibilityCheckOptions,
  CompatibilityCheckResult,
  CompatibilityFinding,
  EmailClientName,
} from '../content-checks.js'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import { currentCheckContext, runContentCheck } from '../run-content-check.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

// A failure lists this many features of each kind.
const SHOWN_FINDINGS = 20

/**
 * Passes when the email's HTML and CSS use no feature that one of the clients does not support, by the
 * caniemail data (caniemail.com). Clients are caniemail's names (`gmail.desktop-webmail`,
 * `outlook.windows`) or families (`gmail`, `outlook-windows`, `apple-mail`, `outlook`); with none given,
 * `checks.compatibility.clients` of the environment. A failure lists each feature, the clients, and its
 * caniemail page. Partly supported features are listed and fail only with `{ failOnPartial: true }`.
 * Needs `@mailwright/checks`.
 *
 * @example
 * await expect(email).toBeCompatibleWith(['gmail', 'outlook-windows', 'apple-mail'])
 */
export async function toBeCompatibleWith(
  this: MatcherState,
  received: unknown,
  clients?: readonly EmailClientName[],
  options: CompatibilityCheckOptions = {},
): Promise<MatcherResult> {
  const email = assertEmail(received, 'toBeCompatibleWith')
  const context = currentCheckContext()
  const asked = clients ?? context.checks.compatibility?.clients
  if (!Array.isArray(asked) || asked.length === 0 || !asked.every((c) => typeof c === 'string' && c))
    throw new InvalidArgumentError(
      'toBeCompatibleWith() clients',
      clients,
      "a list of email clients, e.g. ['gmail', 'outlook-windows', 'apple-mail'] (or set checks.compatibility.clients in mailwright.config.ts)",
    )
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('toBeCompatibleWith() options', options, '{ failOnPartial?: boolean }')
  const settings: CompatibilityCheckOptions = {
    ...(context.checks.compatibility?.failOnPartial === undefined
      ? {}
      : { failOnPartial: context.checks.compatibility.failOnPartial }),
    ...options,
  }
  const result = await runContentCheck<CompatibilityCheckResult>(
    email,
    'caniemail',
    'expect(email).toBeCompatibleWith()',
    { compatibility: [asked, settings] },
    (checks) => checks.checkCompatibility(email, asked, settings),
  )
  const failing = result.failOnPartial ? [...result.unsupported, ...result.partial] : result.unsupported
  const args = [show(clients ?? asked), ...(Object.keys(options).length ? [show(options)] : [])].join(', ')
  return {
    pass: failing.length === 0,
    name: 'toBeCompatibleWith',
    email,
    check: result,
    expected: result.clients,
    actual: failing,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toBeCompatibleWith',
        isNot: this.isNot,
        args,
        expected: `no HTML or CSS feature that ${result.clients.join(', ')} ${result.failOnPartial ? 'support only partly or not at all' : 'do not support'}`,
        received:
          failing.length === 0
            ? 'every feature it uses is supported'
            : `${result.unsupported.length} unsupported, ${result.partial.length} partly supported feature(s)`,
        details: [
          ...findingLines('Not supported:', result.unsupported),
          ...findingLines(
            result.failOnPartial
              ? 'Partly supported:'
              : 'Partly supported (not failing; { failOnPartial: true } to fail):',
            result.partial,
          ),
          `Data: caniemail, updated ${result.dataDate}.`,
        ],
        email,
      }),
  }
}

function findingLines(title: string, findings: CompatibilityFinding[]): string[] {
  if (findings.length === 0) return []
  const shown = findings.slice(0, SHOWN_FINDINGS)
  return [
    title,
    ...shown.flatMap((f) => [`  ${f.feature} — ${f.clients.join(', ')}`, `    ${f.url}`]),
    ...(findings.length > shown.length ? [`  … and ${findings.length - shown.length} more`] : []),
  ]
}
