import { MailwrightError } from '../mailwright-error.js'
import { matchesPattern, wildcard } from '../wildcard.js'

/** A recipient rule: `*@contoso.com`, `qa+*@contoso.com`, an exact address, or a RegExp. */
export type RecipientRule = string | RegExp

/**
 * A real send was refused before any connection: a recipient is outside the environment's allowlist.
 *
 * @example
 * catch (e) { if (e instanceof RecipientNotAllowedError) console.log(e.address, e.rules) }
 */
export class RecipientNotAllowedError extends MailwrightError {
  readonly address: string
  readonly environment: string
  readonly rules: readonly RecipientRule[]

  constructor(address: string, environment: string, rules: readonly RecipientRule[]) {
    const shown = rules.length
      ? rules.map((r) => (typeof r === 'string' ? r : String(r))).join(', ')
      : '(none: the allowlist is empty)'
    super(
      'RECIPIENT_NOT_ALLOWED',
      `Refused to send to ${address} in environment "${environment}": it matches none of allowRecipients [${shown}]. Nothing was sent. Send to an allowed test address (an inbox fixture's address is), or add a rule to allowRecipients in mailwright.config.ts.`,
    )
    this.address = address
    this.environment = environment
    this.rules = rules
  }
}

/**
 * Whether an address matches a rule. `*` in a string rule matches any run of characters except `@`;
 * matching ignores case.
 *
 * @example
 * recipientAllowed('qa+t1@contoso.com', ['*@contoso.com']) // true
 */
export function recipientAllowed(address: string, rules: readonly RecipientRule[]): boolean {
  const normalized = address.trim().toLowerCase()
  return rules.some((rule) => {
    if (rule instanceof RegExp) return matchesPattern(normalized, rule)
    return wildcard(rule.trim(), '[^@]').test(normalized)
  })
}

/**
 * Refuses the whole send when any recipient (To, Cc, Bcc or envelope) is not allowed, naming the first.
 *
 * @example
 * guardRecipients(['qa+t1@contoso.com', 'ceo@gmail.com'], ['*@contoso.com'], 'staging') // throws for ceo@gmail.com
 */
export function guardRecipients(
  recipients: readonly string[],
  rules: readonly RecipientRule[],
  environment: string,
): void {
  for (const address of recipients) {
    if (!recipientAllowed(address, rules)) throw new RecipientNotAllowedError(address, environment, rules)
  }
}
