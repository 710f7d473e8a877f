/** An app registration as Entra ID and Exchange Online see it. */
export interface EmulatedApp {
  clientSecret: string
  /**
   * Application roles granted and consented. A list is split by resource as Entra grants them: the
   * Exchange Online roles (`SMTP.SendAsApp`, `IMAP.AccessAsApp`, `POP.AccessAsApp`, `full_access_as_app`,
   * `Exchange.ManageAsApp`) go into tokens for https://outlook.office365.com, every other role (`Mail.Send`,
   * `Mail.Read`, …) into tokens for Microsoft Graph. Or give each resource's roles yourself.
   */
  roles: string[] | { exchange?: string[]; graph?: string[] }
  /** `New-ServicePrincipal` was run in Exchange for this app (with the right object id). */
  servicePrincipal: boolean
}

/** A mailbox of the emulated tenant. */
export interface EmulatedMailbox {
  /** Mailbox switch SmtpClientAuthenticationDisabled: `null` inherits the tenant's. */
  smtpAuthDisabled?: boolean | null
  /** Basic auth password, when Basic is allowed at all. */
  password?: string
  /** Apps (client ids) with FullAccess on this mailbox. */
  fullAccessApps?: string[]
  /** Other addresses this mailbox may send as (Send As). */
  sendAs?: string[]
  /** The mailbox's MaxSendSize, bytes; larger messages are accepted, then bounced (5.2.3). Default the tenant's. */
  maxSendSize?: number
}

/** A rule of the tenant's anti-spam policy: mail it matches is marked spam (SCL 5) and goes to Junk Email. */
export interface JunkRule {
  /** The Subject contains this (case-insensitive). */
  subjectContains?: string
  /** The From address is this, or its domain is (`partner.test`). */
  from?: string
}

/** How the emulated tenant treats Basic authentication. */
export type BasicAuthMode = 'allowed' | 'disabled' | 'security-defaults' | 'conditional-access' | 'retired'

/**
 * The tenant the emulator plays: every documented failure mode is a switch here.
 * Sources: Microsoft Learn's Exchange Online pages, cited per behaviour in docs/office365-emulator.md.
 */
export interface TenantModel {
  tenantId: string
  /** Accepted domain, e.g. `contoso.test`. */
  domain: string
  mailboxes: Record<string, EmulatedMailbox>
  apps: Record<string, EmulatedApp>
  /** Tenant switch SmtpClientAuthenticationDisabled (default true: tenants made after January 2020). */
  smtpAuthDisabled: boolean
  basicAuth: BasicAuthMode
  /** Where Send As is checked: at MAIL FROM (older, 550 5.7.60) or after DATA (2025, 554 5.2.252). */
  sendAsCheck: 'mail-from' | 'after-data'
  /** Concurrent authenticated connections per mailbox (4th gets 432 4.3.2). */
  maxConnections: number
  /** Messages per minute per mailbox; over it the reply is delayed, or refused with 451 4.7.500. */
  ratePerMinute: number
  rateMode: 'delay' | 'reject'
  /** Recipients per rolling 24 hours per mailbox (554 5.2.0 …SubmissionQuotaExceededException). */
  recipientQuota: number
  /** Recipients per message (452 4.5.3). */
  maxRecipients: number
  /** Largest message (SIZE), bytes. */
  maxSize: number
  /**
   * A mailbox's default MaxSendSize (35 MB): a message above it but under SIZE is accepted with 250, then
   * bounced with `550 5.2.3 RESOLVER.RST.SendSizeLimit.Sender` in a non-delivery report.
   */
  maxSendSize: number
  /**
   * Mail from the tenant to outside recipients is accepted, then bounced with `550 5.7.708 … traffic not
   * accepted from this IP` (a new or trial tenant on low-reputation IPs).
   */
  outboundBlocked: boolean
  /** Anti-spam rules: matching mail is delivered to Junk Email with SCL 5. */
  junkRules: JunkRule[]
  /** Inbound connectors ("From your organization's email server") that attribute MX-endpoint relay to the tenant. */
  connectors: InboundConnector[]
  /** Set-OrganizationConfig -RejectDirectSend: anonymous MX mail from an accepted domain gets 550 5.7.68. */
  rejectDirectSend: boolean
  /** Certificate authorities the MX endpoint trusts for certificate connectors (stands for the public CAs). */
  trustedCa: string[]
  /** Messages per minute per sending IP on the MX endpoint before 451 4.7.500 (AS761). */
  mxRatePerMinute: number
  /**
   * Graph requests one app may have open on one mailbox at once; more get 429 "Application is over its
   * MailboxConcurrency limit." with Retry-After (Microsoft: 4).
   */
  graphConcurrency: number
  /** The Retry-After the 429 carries, in seconds. */
  graphRetryAfterSeconds: number
  /** Time each Graph request takes here, in ms (requests overlap as they would against a real service). */
  graphLatencyMs: number
}

/** An inbound connector: relay from these IPs, or from a client presenting a certificate for this domain. */
export interface InboundConnector {
  name: string
  senderIps?: string[]
  /** An accepted domain the client certificate's CN or SAN must carry (the chain must verify). */
  certificateDomain?: string
}

/**
 * A tenant with sensible defaults for tests: SMTP AUTH enabled on the mailboxes given, Basic disabled,
 * Send As checked after DATA, Microsoft's published limits.
 *
 * @example
 * const tenant = tenantModel({ domain: 'contoso.test', mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app-1'] } }, apps: { 'app-1': { clientSecret: 's', roles: ['SMTP.SendAsApp'], servicePrincipal: true } } })
 */
export function tenantModel(partial: Partial<TenantModel> & Pick<TenantModel, 'domain'>): TenantModel {
  return {
    tenantId: '00000000-0000-4000-8000-000000000001',
    mailboxes: {},
    apps: {},
    smtpAuthDisabled: true,
    basicAuth: 'disabled',
    sendAsCheck: 'after-data',
    maxConnections: 3,
    ratePerMinute: 30,
    rateMode: 'delay',
    recipientQuota: 10_000,
    maxRecipients: 500,
    maxSize: 157_286_400,
    maxSendSize: 36_700_160,
    outboundBlocked: false,
    junkRules: [],
    connectors: [],
    rejectDirectSend: false,
    trustedCa: [],
    mxRatePerMinute: 1_000,
    graphConcurrency: 4,
    graphRetryAfterSeconds: 1,
    graphLatencyMs: 0,
    ...partial,
  }
}

/** The mailbox an address delivers to, or undefined when the tenant has none (plus addressing honoured). */
export function tenantMailboxFor(tenant: TenantModel, address: string): string | undefined {
  const [local = '', domain = ''] = address.toLowerCase().split('@')
  const base = `${local.split('+')[0]}@${domain}`
  return tenant.mailboxes[base] ? base : undefined
}

const EXCHANGE_ROLES = new Set([
  'SMTP.SendAsApp',
  'IMAP.AccessAsApp',
  'POP.AccessAsApp',
  'full_access_as_app',
  'Exchange.ManageAsApp',
])

/** The roles a token for this resource (`aud`) carries: only those granted on that resource. */
export function rolesFor(app: EmulatedApp, audience: string): string[] {
  const exchange = audience === 'https://outlook.office365.com'
  if (!Array.isArray(app.roles)) return [...((exchange ? app.roles.exchange : app.roles.graph) ?? [])]
  return app.roles.filter((role) => EXCHANGE_ROLES.has(role) === exchange)
}

/** Whether SMTP AUTH is off for a mailbox: the mailbox switch wins over the tenant's (§2.2). */
export function smtpAuthDisabledFor(
  tenant: TenantModel,
  mailbox: EmulatedMailbox | undefined,
): 'tenant' | 'mailbox' | undefined {
  if (mailbox?.smtpAuthDisabled === true) return 'mailbox'
  if (mailbox?.smtpAuthDisabled === false) return undefined
  return tenant.smtpAuthDisabled ? 'tenant' : undefined
}
