import { inspect } from 'node:util'

const REDACTED = '[redacted]'

/**
 * A secret from the environment (password, client secret, token). It never prints: `String()`, JSON,
 * `console.log` and template strings all show `[redacted]`; only `reveal()` gives the value, at the one
 * place that needs it.
 *
 * @example
 * const secret = new Secret('O365_CLIENT_SECRET', process.env.O365_CLIENT_SECRET!)
 * `${secret}` // '[redacted]'
 */
export class Secret {
  readonly name: string
  readonly #value: string

  constructor(name: string, value: string) {
    this.name = name
    this.#value = value
  }

  reveal(): string {
    return this.#value
  }

  toString(): string {
    return REDACTED
  }

  toJSON(): string {
    return REDACTED
  }

  [inspect.custom](): string {
    return `Secret(${this.name}: ${REDACTED})`
  }
}

/**
 * Replaces every occurrence of the secrets (and their base64 forms, as they appear in SMTP AUTH
 * transcripts) in a text.
 *
 * @example
 * redact('AUTH PLAIN AGFsaWNlAHMzY3JldA==', [secret]) // 'AUTH PLAIN [redacted]'
 */
export function redact(text: string, secrets: ReadonlyArray<Secret | string>): string {
  let out = text
  for (const secret of secrets) {
    const value = typeof secret === 'string' ? secret : secret.reveal()
    if (value.length < 4) continue
    out = out.split(value).join(REDACTED)
    const base64 = Buffer.from(value).toString('base64').replace(/=+$/, '')
    out = out.replace(new RegExp(`${base64.replace(/[+/]/g, '\\$&')}=*`, 'g'), REDACTED)
  }
  // Whole AUTH payloads carry the secret inside other bytes (PLAIN's \0user\0pass, XOAUTH2's user=…auth=Bearer).
  // Only a base64 initial response is one: "AUTH LOGIN XOAUTH2" (an EHLO line) names mechanisms, and
  // "AUTH LOGIN (it offers …)" is prose; protocol words stay as the server and client wrote them.
  return out
    .replace(
      /\b(AUTH\s+(?:PLAIN|XOAUTH2|LOGIN))\s+([A-Za-z0-9+/]+=*)(?![A-Za-z0-9+/=])/gi,
      (line, command: string, payload: string) =>
        /^[A-Z0-9_-]{1,20}$/.test(payload) ? line : `${command} ${REDACTED}`,
    )
    .replace(/(Bearer\s+)[\w.~+/-]+=*/g, `$1${REDACTED}`)
}
