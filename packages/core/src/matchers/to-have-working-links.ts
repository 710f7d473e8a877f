import type { CheckedLink, LinkCheckOptions, LinkCheckResult } from '../content-checks.js'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import { currentCheckContext, runContentCheck } from '../run-content-check.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

const SHOWN_LINKS = 25

/**
 * Requests every link and image of the email and passes when each answers below 400 (after redirects),
 * none is `http:` where `https:` is required, and none points at a forbidden host (`localhost` or the
 * sandbox, in a staging email). Only loopback hosts and `allowHosts` are requested: links elsewhere are
 * listed as not checked, never fetched. Needs `@mailwright/checks`.
 *
 * @example
 * await expect(email).toHaveWorkingLinks()
 * await expect(email).toHaveWorkingLinks({ allowHosts: ['staging.example.com'], requireHttps: true })
 */
export async function toHaveWorkingLinks(
  this: MatcherState,
  received: unknown,
  options: LinkCheckOptions = {},
): Promise<MatcherResult> {
  const email = assertEmail(received, 'toHaveWorkingLinks')
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError(
      'toHaveWorkingLinks() options',
      options,
      '{ allowHosts?, requireHttps?, forbidHosts?, images? }',
    )
  const context = currentCheckContext()
  const settings: LinkCheckOptions = { ...context.checks.links, ...options }
  const result = await runContentCheck<LinkCheckResult>(
    email,
    'links',
    'expect(email).toHaveWorkingLinks()',
    { links: settings, sandbox: context.sandbox },
    (checks) => checks.checkLinks(email, settings, context),
  )
  const count = (outcome: CheckedLink['outcome']) => result.links.filter((l) => l.outcome === outcome).length
  const failing = result.links.filter((l) => l.outcome === 'broken' || l.outcome === 'problem')
  const listed = [...failing, ...result.links.filter((l) => l.outcome === 'not-checked')].slice(
    0,
    SHOWN_LINKS,
  )
  return {
    pass: failing.length === 0,
    name: 'toHaveWorkingLinks',
    email,
    check: result,
    actual: result.links,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHaveWorkingLinks',
        isNot: this.isNot,
        args: Object.keys(options).length ? show(options) : '',
        expected:
          'every link and image to answer below 400, with no http: where https: is required and no forbidden host',
        received:
          result.links.length === 0
            ? 'no links or images'
            : `${count('ok')} ok, ${count('broken')} broken, ${count('problem')} with a problem, ${count('not-checked')} not checked`,
        details: listed.map(linkLine),
        email,
      }),
  }
}

/** One link as a failure (and the report) shows it. */
export function linkLine(link: CheckedLink): string {
  const label = { ok: 'ok', broken: 'broken', problem: 'problem', 'not-checked': 'not checked' }[link.outcome]
  const via = link.redirects?.length ? ` → ${link.redirects.join(' → ')}` : ''
  const status = link.status === undefined ? '' : ` ${link.status}`
  const text = link.text ? ` "${link.text}"` : ''
  return `  ${label.padEnd(11)} ${link.element === 'image' ? 'image ' : ''}${link.url}${via}${status}${text}${link.reason ? ` — ${link.reason}` : ''}`
}
