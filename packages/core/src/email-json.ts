import type { EmailAuth } from './auth/email-auth.js'
import type { CapturedEmail, EmailEnvelope } from './captured-email.js'
import { type ParseEmailOptions, parseEmail } from './parse-email.js'

/**
 * An email as the HTTP API sends it: the readable parsed fields, the capture's own warnings, and (when
 * asked for) the raw bytes in base64 so a client can rebuild the exact same {@link CapturedEmail}.
 */
export interface EmailJson extends Record<string, unknown> {
  id: string
  envelope: EmailEnvelope
  receivedAt: string
  captureWarnings: string[]
  raw?: string
  auth?: EmailAuth
  viewUrl?: string
}

/**
 * Serialises an email for the HTTP API.
 *
 * @example
 * res.end(JSON.stringify(emailToJson(email, { captureWarnings: [], includeRaw: true })))
 */
export function emailToJson(
  email: CapturedEmail,
  options: { captureWarnings: readonly string[]; includeRaw: boolean },
): EmailJson {
  const json = email.toJSON() as EmailJson
  json.receivedAt = email.receivedAt.toISOString()
  json.captureWarnings = [...options.captureWarnings]
  if (options.includeRaw) json.raw = email.raw.toString('base64')
  return json
}

/**
 * Rebuilds a {@link CapturedEmail} from its JSON (raw included) with the same parser the server uses.
 *
 * @example
 * const email = await emailFromJson(body.emails[0])
 */
export async function emailFromJson(
  json: EmailJson,
  options: ParseEmailOptions = {},
): Promise<CapturedEmail> {
  if (typeof json.raw !== 'string') {
    throw new TypeError(`email ${json.id} came without its raw bytes; request it with include=raw`)
  }
  return parseEmail(
    Buffer.from(json.raw, 'base64'),
    {
      id: json.id,
      envelope: json.envelope,
      receivedAt: new Date(json.receivedAt),
      warnings: json.captureWarnings,
      auth: json.auth,
      ...(typeof json.viewUrl === 'string' ? { viewUrl: json.viewUrl } : {}),
    },
    options,
  )
}
