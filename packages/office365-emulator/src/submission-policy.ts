// What Exchange Online answers, as pure decisions: each failure mode of the client-submission endpoint
// (smtp.office365.com:587) and of the tenant's MX endpoint (port 25) is one small function of the tenant
// model and the session's facts, tested directly (submission-policy.test.ts). The wire — framing, STARTTLS,
// sockets — is submission-listener.ts. Replies are the documented and published texts.
import { OFFICE365_REPLIES } from '@mailwright/core'
import { smtpAuthDisabledFor, type TenantModel, tenantMailboxFor } from './tenant-model.js'
import type { TokenClaims } from './token-issuer.js'

/** A refusal (or any reply) to send as is; undefined means "go on". */
export type Reply = string

const EXO_AUDIENCE = 'https://outlook.office365.com'

/** Which endpoint a session plays. */
export type Endpoint = 'submission' | 'mx'

/** The EHLO keywords: AUTH only after STARTTLS and never on the MX endpoint, STARTTLS only before it. */
export function ehloLines(options: {
  hostname: string
  remote: string
  maxSize: number
  tls: boolean
  endpoint: Endpoint
}): string[] {
  return [
    `${options.hostname} Hello [${options.remote}]`,
    `SIZE ${options.maxSize}`,
    'PIPELINING',
    'DSN',
    'ENHANCEDSTATUSCODES',
    // The MX endpoint never offers AUTH (as published EHLO transcripts of *.mail.protection.outlook.com show).
    ...(options.tls ? (options.endpoint === 'mx' ? [] : ['AUTH LOGIN XOAUTH2']) : ['STARTTLS']),
    '8BITMIME',
    'BINARYMIME',
    'CHUNKING',
    'SMTPUTF8',
  ]
}

/** AUTH <mechanism>: refused before EHLO, twice, on the MX endpoint, before STARTTLS, or for PLAIN. */
export function authCommandRefusal(options: {
  greeted: boolean
  authenticated: boolean
  endpoint: Endpoint
  tls: boolean
  mechanism: string
  hostname: string
}): Reply | undefined {
  if (!options.greeted) return '503 5.5.2 Send hello first'
  if (options.authenticated) return '503 5.5.2 Auth command already specified'
  if (
    options.endpoint === 'mx' ||
    !options.tls ||
    !['LOGIN', 'XOAUTH2'].includes(options.mechanism.toUpperCase())
  )
    return `504 5.7.4 Unrecognized authentication type [${options.hostname}]`
  return undefined
}

/** The exact XOAUTH2 initial response: `user=<name>^Aauth=Bearer <token>^A^A` (MS-OAUTH); undefined if not. */
export function parseXoauth2(encoded: string): { user: string; bearer: string } | undefined {
  const fields = Buffer.from(encoded, 'base64').toString().split('\u0001')
  const user = fields[0]?.startsWith('user=') ? fields[0].slice(5).toLowerCase() : ''
  const bearer = fields[1]?.startsWith('auth=Bearer ') ? fields[1].slice(12) : ''
  if (fields.length !== 4 || fields[2] !== '' || fields[3] !== '' || !user || !bearer) return undefined
  return { user, bearer }
}

/** The 535 for SMTP AUTH switched off, tenant-wide or for the mailbox (the mailbox switch wins). */
export function smtpAuthDisabledReply(level: 'tenant' | 'mailbox', hostname: string): Reply {
  const what = level === 'tenant' ? 'the Tenant' : 'the Mailbox'
  return `535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for ${what}. Visit https://aka.ms/smtp_auth_disabled for more information. [${hostname}]`
}

/**
 * XOAUTH2 with a token: refused when SMTP AUTH is off for the mailbox, or unless the token is for Exchange
 * Online, of this tenant, with SMTP.SendAsApp, from an app with a service principal that has full access to
 * the mailbox.
 */
export function xoauth2Refusal(
  tenant: TenantModel,
  user: string,
  claims: TokenClaims | undefined,
  hostname: string,
): Reply | undefined {
  const mailbox = tenant.mailboxes[user]
  const disabled = smtpAuthDisabledFor(tenant, mailbox)
  if (disabled) return smtpAuthDisabledReply(disabled, hostname)
  const app = claims ? tenant.apps[claims.appid] : undefined
  const ok =
    claims !== undefined &&
    claims.aud === EXO_AUDIENCE &&
    claims.tid === tenant.tenantId &&
    claims.roles.includes('SMTP.SendAsApp') &&
    app?.servicePrincipal === true &&
    mailbox !== undefined &&
    (mailbox.fullAccessApps ?? []).includes(claims.appid)
  return ok ? undefined : `535 5.7.3 Authentication unsuccessful [${hostname}]`
}

/** AUTH LOGIN with a password: refused as the tenant's Basic-auth setting or the credentials say. */
export function basicAuthRefusal(
  tenant: TenantModel,
  user: string,
  password: string,
  hostname: string,
): Reply | undefined {
  const mailbox = tenant.mailboxes[user]
  const disabled = smtpAuthDisabledFor(tenant, mailbox)
  if (disabled) return smtpAuthDisabledReply(disabled, hostname)
  switch (tenant.basicAuth) {
    case 'retired':
      return '550 5.7.30 Basic authentication is not supported for Client Submission.'
    case 'disabled':
      return `535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [${hostname}]`
    case 'security-defaults':
      return "535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator."
    case 'conditional-access':
      return '535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.'
  }
  if (!mailbox?.password || mailbox.password !== password)
    return `535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [${hostname}]`
  return undefined
}

/**
 * A mailbox's connections sending at once (from MAIL FROM to the end of DATA): the one past the tenant's
 * limit gets 432 at MAIL FROM, a transient refusal the client retries. Authenticating is never refused
 * for it: Microsoft counts connections that submit ("sender thread limit exceeded").
 */
export function concurrentSendersRefusal(sending: number, tenant: TenantModel): Reply | undefined {
  return sending > tenant.maxConnections ? OFFICE365_REPLIES.concurrency : undefined
}

/** MAIL FROM before EHLO, or without AUTH on the submission endpoint (530 carries the earlier 535). */
export function mailCommandRefusal(options: {
  greeted: boolean
  endpoint: Endpoint
  authenticated: boolean
  lastAuthError: string | undefined
  hostname: string
}): Reply | undefined {
  if (!options.greeted) return '503 5.5.2 Send hello first'
  if (options.endpoint === 'submission' && !options.authenticated) {
    const earlier = options.lastAuthError ? ` Error: ${options.lastAuthError}` : ''
    return `530 5.7.57 Client not authenticated to send mail. [${options.hostname}]${earlier}`
  }
  return undefined
}

/** The MAIL FROM address, lower-cased, or the refusal: a second MAIL, bad syntax, a SIZE over the limit. */
export function parseMailFrom(
  argument: string,
  options: { maxSize: number; alreadyGiven: boolean },
): { address: string } | { reply: Reply } {
  if (options.alreadyGiven) return { reply: '503 5.5.2 Sender already specified' }
  const match = /^FROM:\s*<([^>]*)>(.*)$/i.exec(argument)
  if (!match) return { reply: '501 5.5.4 Invalid arguments' }
  const size = /\bSIZE=(\d+)/i.exec(match[2] as string)?.[1]
  if (size && Number(size) > options.maxSize)
    return { reply: '552 5.3.4 Message size exceeds fixed maximum message size' }
  return { address: (match[1] as string).toLowerCase() }
}

/** Whether the authenticated mailbox may send as this address: itself, or a Send As grant. */
export function maySendAs(tenant: TenantModel, user: string, address: string): boolean {
  return (
    address === user || (tenant.mailboxes[user]?.sendAs ?? []).map((a) => a.toLowerCase()).includes(address)
  )
}

/** Send As checked at MAIL FROM (the tenant's `sendAsCheck: 'mail-from'`): 5.7.60. */
export function sendAsAtMailRefusal(tenant: TenantModel, user: string, from: string): Reply | undefined {
  return tenant.sendAsCheck === 'mail-from' && !maySendAs(tenant, user, from)
    ? '550 5.7.60 SMTP; Client does not have permissions to send as this sender'
    : undefined
}

/** The inbound connector a sender matches: by its IP, or by a name on its verified certificate. */
export function matchingConnector(
  tenant: TenantModel,
  ip: string,
  certificateNames: readonly string[],
): string | undefined {
  for (const connector of tenant.connectors) {
    if (connector.senderIps?.includes(ip)) return connector.name
    const domain = connector.certificateDomain?.toLowerCase()
    if (
      domain &&
      certificateNames.some((n) => n.toLowerCase() === domain || n.toLowerCase() === `*.${domain}`)
    )
      return connector.name
  }
  return undefined
}

/** RCPT TO after MAIL, well formed, within the tenant's recipient limit. */
export function rcptCommand(
  argument: string,
  options: { mailGiven: boolean; recipients: number; maxRecipients: number },
): { address: string } | { reply: Reply } {
  if (!options.mailGiven) return { reply: '503 5.5.2 Need mail command' }
  const match = /^TO:\s*<([^>]+)>/i.exec(argument)
  if (!match) return { reply: '501 5.5.4 Invalid arguments' }
  if (options.recipients >= options.maxRecipients) return { reply: '452 4.5.3 Too many recipients' }
  return { address: match[1] as string }
}

/** MX-endpoint recipients: relay needs a connector; Direct send reaches only the tenant's own mailboxes. */
export function mxRecipientRefusal(
  tenant: TenantModel,
  options: { address: string; mailFrom: string | undefined; connector: string | undefined; hostname: string },
): Reply | undefined {
  const domain = options.address.split('@')[1]?.toLowerCase()
  const fromDomain = options.mailFrom?.split('@')[1]?.toLowerCase()
  if (domain !== tenant.domain.toLowerCase())
    return options.connector
      ? undefined
      : `550 5.7.64 TenantAttribution; Relay Access Denied [${options.hostname}]`
  if (!options.connector && tenant.rejectDirectSend && fromDomain === tenant.domain.toLowerCase())
    return '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources'
  if (!tenantMailboxFor(tenant, options.address))
    return `550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [${options.hostname}]`
  return undefined
}

/** The header From address of a message, lower-cased (for Send As checked after DATA). */
export function headerFrom(raw: Buffer): string | undefined {
  return /^From:.*?<?([^<>\s]+@[^<>\s]+)>?\s*$/im
    .exec(raw.toString('latin1').split(/\r\n\r\n/)[0] ?? '')?.[1]
    ?.toLowerCase()
}

/** What the submission endpoint does with a message after DATA. */
export type SubmissionVerdict =
  | { action: 'refuse'; reply: Reply }
  /** Over the minute's rate with `rateMode: 'delay'`: accepted once this many ms have passed (throttled). */
  | { action: 'accept'; delayMs: number }

/**
 * The submission endpoint after DATA, in Exchange's order: the size, Send As (when checked after DATA, for
 * the envelope and the header From), the 24-hour recipient quota, and the per-minute rate (refused with
 * 4.7.500, or carried over as documented).
 */
export function submissionVerdict(
  tenant: TenantModel,
  options: {
    user: string
    mailFrom: string
    recipients: number
    raw: Buffer
    /** Recipients this mailbox sent to in the last 24 hours. */
    recipientsToday: number
    /** When this mailbox's messages of the last minute were sent (ms). */
    minute: readonly number[]
    now: number
    remote: string
  },
): SubmissionVerdict {
  if (options.raw.length > tenant.maxSize)
    return { action: 'refuse', reply: '552 5.3.4 Message size exceeds fixed maximum message size' }
  const from = headerFrom(options.raw)
  if (
    tenant.sendAsCheck === 'after-data' &&
    (!maySendAs(tenant, options.user, options.mailFrom) || (from && !maySendAs(tenant, options.user, from)))
  ) {
    const as = from && !maySendAs(tenant, options.user, from) ? from : options.mailFrom
    return {
      action: 'refuse',
      reply: `554 5.2.252 SendAsDenied; ${options.user} not allowed to send as ${as}; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message.`,
    }
  }
  if (options.recipientsToday + options.recipients > tenant.recipientQuota)
    return {
      action: 'refuse',
      reply: OFFICE365_REPLIES.quota,
    }
  if (options.minute.length >= tenant.ratePerMinute) {
    if (tenant.rateMode === 'reject')
      return {
        action: 'refuse',
        reply: throttled(options.remote),
      }
    // Documented: "Any excess in message submissions is throttled and successively carried over".
    return { action: 'accept', delayMs: Math.max(0, 60_000 - (options.now - (options.minute[0] as number))) }
  }
  return { action: 'accept', delayMs: 0 }
}

/** The MX endpoint after DATA: the size, then the per-minute rate of the sending IP (4.7.500). */
export function mxVerdict(
  tenant: TenantModel,
  options: { raw: Buffer; minute: readonly number[]; ip: string },
): Reply | undefined {
  if (options.raw.length > tenant.maxSize) return '552 5.3.4 Message size exceeds fixed maximum message size'
  if (options.minute.length >= tenant.mxRatePerMinute) return throttled(options.ip)
  return undefined
}

// The capture inbox's `office365-throttling` fault gives the same reply: one text for both.
function throttled(clientAddress: string): Reply {
  return OFFICE365_REPLIES.throttling.replace('{clientAddress}', clientAddress)
}
