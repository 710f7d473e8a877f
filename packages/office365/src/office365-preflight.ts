import { createPrivateKey, X509Certificate } from 'node:crypto'
import { type DnsResolver, resolverFor } from '@mailwright/core/internal'
import { type ClientCredentials, createTokenProvider, TokenError } from './token-provider.js'

/** What a run will do against Office 365, so the preflight checks what each part needs. */
export interface Office365PreflightOptions {
  /** The app's client credentials: their tokens are requested and their claims checked. */
  credentials?: ClientCredentials
  /** How mail is sent: SMTP AUTH with XOAUTH2 (default) or Graph `sendMail`. */
  send?: 'smtp' | 'graph'
  /** How tests read mail back, when they do: Graph (`Mail.Read`) or IMAP (`IMAP.AccessAsApp`). */
  read?: 'graph' | 'imap'
  /** The sending domain whose DNS is checked (MX, SPF, DKIM, DMARC). */
  domain?: string
  /** The resolver for the DNS checks: the system's (default) or an offline zone (`zoneResolver`). */
  dns?: 'system' | DnsResolver
  /** A client certificate for a certificate-based inbound connector (relay), checked before it is used. */
  clientCertificate?: { cert: string; key?: string }
  /** Deadline of each token request and DNS lookup. Default 15 s. */
  timeoutMs?: number
}

/** One preflight finding. */
export interface Office365PreflightCheck {
  /** What was checked, e.g. `token for Exchange Online`, `SPF`. */
  name: string
  /** `warn` for what works but is weak or unusual (DMARC `p=none`, an MX elsewhere). */
  status: 'ok' | 'fail' | 'warn'
  detail: string
  /** What to do, for a `fail` or `warn`. */
  fix?: string
  /** The public page that documents it. */
  source?: string
}

const EXCHANGE = 'https://outlook.office365.com'
const GRAPH = 'https://graph.microsoft.com'
const SOURCES = {
  oauth:
    'https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth',
  graphSend: 'https://learn.microsoft.com/graph/api/user-sendmail',
  graphRead: 'https://learn.microsoft.com/graph/api/user-list-messages',
  spf: 'https://learn.microsoft.com/defender-office-365/email-authentication-spf-configure',
  dkim: 'https://learn.microsoft.com/defender-office-365/email-authentication-dkim-configure',
  dmarc: 'https://learn.microsoft.com/defender-office-365/email-authentication-dmarc-configure',
  mx: 'https://learn.microsoft.com/microsoft-365/admin/get-help-with-domains/create-dns-records-at-any-dns-hosting-provider',
  connector:
    'https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365',
}

/**
 * Checks what can be checked before a message is sent to a real tenant, and names the cause a generic
 * `535 5.7.3 Authentication unsuccessful` hides:
 *
 * - each token the run needs, decoded (never printed): the audience, the application roles (`SMTP.SendAsApp`
 *   for SMTP, `Mail.Send` on Graph for `sendMail`, `Mail.Read` or `IMAP.AccessAsApp` for read-back), the
 *   tenant and app it was issued for, and whether it is an app token at all;
 * - the sending domain's DNS: MX to `*.mail.protection.outlook.com`, SPF including
 *   `spf.protection.outlook.com`, the DKIM `selector1`/`selector2` CNAMEs, the DMARC record and policy;
 * - a client certificate for a certificate connector: in date, with the sending domain among its names.
 *
 * @example
 * const checks = await office365Preflight({ credentials, domain: 'contoso.com', read: 'graph' })
 * checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.fix}`)
 */
export async function office365Preflight(
  options: Office365PreflightOptions,
): Promise<Office365PreflightCheck[]> {
  const checks: Office365PreflightCheck[] = []
  const timeoutMs = options.timeoutMs ?? 15_000
  if (options.credentials) {
    const tokens = createTokenProvider(options.credentials, { timeoutMs })
    const needs: Array<{ resource: string; label: string; role: string; why: string; source: string }> = []
    if ((options.send ?? 'smtp') === 'smtp')
      needs.push({
        resource: EXCHANGE,
        label: 'Exchange Online',
        role: 'SMTP.SendAsApp',
        why: 'SMTP AUTH (XOAUTH2)',
        source: SOURCES.oauth,
      })
    else
      needs.push({
        resource: GRAPH,
        label: 'Microsoft Graph',
        role: 'Mail.Send',
        why: 'Graph sendMail',
        source: SOURCES.graphSend,
      })
    if (options.read === 'graph')
      needs.push({
        resource: GRAPH,
        label: 'Microsoft Graph',
        role: 'Mail.Read',
        why: 'reading mail back through Graph',
        source: SOURCES.graphRead,
      })
    if (options.read === 'imap')
      needs.push({
        resource: EXCHANGE,
        label: 'Exchange Online',
        role: 'IMAP.AccessAsApp',
        why: 'reading mail back over IMAP',
        source: SOURCES.oauth,
      })
    for (const need of needs) checks.push(await tokenCheck(tokens, need, options.credentials))
  }
  if (options.domain) checks.push(...(await dnsChecks(options.domain, resolverFor(options.dns), timeoutMs)))
  if (options.clientCertificate)
    checks.push(
      certificateCheck(options.clientCertificate.cert, options.clientCertificate.key, options.domain),
    )
  return checks
}

async function tokenCheck(
  tokens: ReturnType<typeof createTokenProvider>,
  need: { resource: string; label: string; role: string; why: string; source: string },
  credentials: ClientCredentials,
): Promise<Office365PreflightCheck> {
  const name = `${need.role} for ${need.why}`
  let token: string
  try {
    token = (await tokens.getToken(`${need.resource}/.default`)).accessToken
  } catch (error) {
    if (!(error instanceof TokenError)) throw error
    return {
      name,
      status: 'fail',
      detail: `no token for ${need.label}: ${error.explanation.title}. ${error.explanation.cause}`,
      fix: error.explanation.fix,
      source: error.explanation.source,
    }
  }
  const claims = decodeClaims(token)
  if (!claims)
    return {
      name,
      status: 'warn',
      detail: `the ${need.label} token is not a JWT whose claims can be read; only the AUTH attempt will tell`,
    }
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : []
  const issued = `token for ${String(claims.aud)} (tenant ${String(claims.tid ?? '?')}, app ${String(claims.appid ?? claims.azp ?? '?')}; roles: ${roles.join(', ') || 'none'})`
  if (claims.aud !== need.resource && claims.aud !== `${need.resource}/`)
    return {
      name,
      status: 'fail',
      detail: `${issued}: the audience is not ${need.resource}`,
      fix: `Request the token for ${need.resource}/.default.`,
      source: need.source,
    }
  // A tenant given as its id must be the one that issued the token; the app must be the one asked for.
  const tenantIsId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(
    credentials.tenantId,
  )
  const app = claims.appid ?? claims.azp
  const otherApp = app !== undefined && app !== credentials.clientId
  const otherTenant = tenantIsId && claims.tid !== undefined && claims.tid !== credentials.tenantId
  if (otherApp || otherTenant)
    return {
      name,
      status: 'fail',
      detail: `${issued}: issued for another ${otherApp ? `app than ${credentials.clientId}` : `tenant than ${credentials.tenantId}`}`,
      fix: 'Check the tenant id and client id the run is configured with: they name another registration.',
      source: need.source,
    }
  if (claims.scp !== undefined && roles.length === 0)
    return {
      name,
      status: 'fail',
      detail: `${issued}: a delegated token (scp: ${String(claims.scp)}), not an application token`,
      fix: 'Client credentials need application permissions (roles), granted with admin consent.',
      source: need.source,
    }
  if (!roles.includes(need.role))
    return {
      name,
      status: 'fail',
      detail: `${issued}: no ${need.role} role, so ${need.why} is refused (for SMTP, as a bare 535 5.7.3)`,
      fix: `Add the application permission ${need.role} of ${need.label} to app ${credentials.clientId} (Entra admin center → App registrations → API permissions${need.resource === EXCHANGE ? ' → APIs my organization uses → Office 365 Exchange Online' : ' → Microsoft Graph'}) and grant admin consent.`,
      source: need.source,
    }
  return {
    name,
    status: 'ok',
    detail:
      need.resource === EXCHANGE && need.role === 'SMTP.SendAsApp'
        ? `${issued}. Exchange also needs the app's service principal (New-ServicePrincipal with the Enterprise Application's object id) and FullAccess on the mailbox: only the AUTH attempt shows those.`
        : issued,
  }
}

// The payload of a JWT, read without verifying it: the token is never printed, only what it grants.
function decodeClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1]
  if (!payload) return undefined
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

async function dnsChecks(
  domain: string,
  resolve: DnsResolver,
  timeoutMs: number,
): Promise<Office365PreflightCheck[]> {
  const lookup = async (name: string, type: string): Promise<unknown[] | string> => {
    let timer: NodeJS.Timeout | undefined
    try {
      return (await Promise.race([
        resolve(name, type),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error('no answer'), { code: 'ETIMEOUT' })),
            timeoutMs,
          )
        }),
      ])) as unknown[]
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error'
      return code === 'ENOTFOUND' || code === 'ENODATA' ? 'none' : `the lookup failed (${code})`
    } finally {
      clearTimeout(timer)
    }
  }
  const txt = (answer: unknown[] | string) =>
    typeof answer === 'string' ? [] : answer.map((r) => (Array.isArray(r) ? r.join('') : String(r)))
  const checks: Office365PreflightCheck[] = []

  const mx = await lookup(domain, 'MX')
  const exchanges =
    typeof mx === 'string' ? [] : (mx as Array<{ exchange: string }>).map((r) => r.exchange.toLowerCase())
  checks.push(
    exchanges.some((e) => e.endsWith('.mail.protection.outlook.com'))
      ? { name: 'MX', status: 'ok', detail: `${domain} MX ${exchanges.join(', ')}` }
      : {
          name: 'MX',
          status: 'warn',
          detail:
            typeof mx === 'string' && mx !== 'none'
              ? `${domain} MX: ${mx}`
              : `${domain} MX ${exchanges.join(', ') || 'none'}: not Exchange Online Protection`,
          fix: `Mail to ${domain} (replies, bounces) reaches Exchange Online only through an MX to <domain-with-dashes>.mail.protection.outlook.com.`,
          source: SOURCES.mx,
        },
  )

  const spfAnswer = await lookup(domain, 'TXT')
  const spf = txt(spfAnswer).filter((t) => /^v=spf1(\s|$)/i.test(t))
  checks.push(
    typeof spfAnswer === 'string' && spfAnswer !== 'none'
      ? {
          name: 'SPF',
          status: 'fail',
          detail: `${domain} TXT: ${spfAnswer}`,
          fix: 'Fix the DNS service, then run the preflight again.',
          source: SOURCES.spf,
        }
      : spf.length === 0
        ? {
            name: 'SPF',
            status: 'fail',
            detail: `${domain} has no SPF record`,
            fix: `Publish "v=spf1 include:spf.protection.outlook.com -all" at ${domain}.`,
            source: SOURCES.spf,
          }
        : spf.length > 1
          ? {
              name: 'SPF',
              status: 'fail',
              detail: `${domain} has ${spf.length} SPF records: receivers treat that as permerror`,
              fix: 'Merge them into one record.',
              source: SOURCES.spf,
            }
          : /(?:^|\s)[+]?include:spf\.protection\.outlook\.com(?=\s|$)/i.test(spf[0] as string)
            ? { name: 'SPF', status: 'ok', detail: `${domain} "${spf[0]}"` }
            : {
                name: 'SPF',
                status: 'fail',
                detail: `${domain} "${spf[0]}" does not include spf.protection.outlook.com`,
                fix: 'Add include:spf.protection.outlook.com before the all mechanism.',
                source: SOURCES.spf,
              },
  )

  for (const selector of ['selector1', 'selector2']) {
    const name = `${selector}._domainkey.${domain}`
    const cname = await lookup(name, 'CNAME')
    const target = typeof cname === 'string' ? undefined : String(cname[0] ?? '')
    checks.push(
      target
        ? { name: `DKIM ${selector}`, status: 'ok', detail: `${name} CNAME ${target}` }
        : {
            name: `DKIM ${selector}`,
            status: 'fail',
            detail: `${name}: ${cname === 'none' ? 'no CNAME' : cname}`,
            fix: `Publish both CNAMEs (selector1 and selector2) the Microsoft Defender portal shows for ${domain} (Email authentication settings → DKIM), then enable DKIM signing for the domain.`,
            source: SOURCES.dkim,
          },
    )
  }

  // A subdomain without its own record falls under its parent's (RFC 7489 6.6.3 uses the organizational
  // domain; walking up the labels finds it for names that are not under a multi-label public suffix).
  let dmarcName = `_dmarc.${domain}`
  let dmarcAnswer = await lookup(dmarcName, 'TXT')
  for (
    let labels = domain.split('.');
    labels.length > 2 && !txt(dmarcAnswer).some((t) => /^v=DMARC1/i.test(t));
  ) {
    labels = labels.slice(1)
    dmarcName = `_dmarc.${labels.join('.')}`
    dmarcAnswer = await lookup(dmarcName, 'TXT')
  }
  const dmarc = txt(dmarcAnswer).find((t) => /^v=DMARC1/i.test(t))
  const policy = dmarc ? /(?:^|;)\s*p\s*=\s*(\w+)/i.exec(dmarc)?.[1]?.toLowerCase() : undefined
  checks.push(
    dmarc && !policy
      ? {
          name: 'DMARC',
          status: 'fail',
          detail: `${dmarcName} "${dmarc}" has no p= tag, which RFC 7489 requires: receivers ignore the record`,
          fix: 'Add the policy, e.g. "p=quarantine".',
          source: SOURCES.dmarc,
        }
      : !dmarc
        ? {
            name: 'DMARC',
            status: 'fail',
            detail: `_dmarc.${domain}: ${typeof dmarcAnswer === 'string' && dmarcAnswer !== 'none' ? dmarcAnswer : 'no DMARC record'}`,
            fix: `Publish "v=DMARC1; p=quarantine; rua=mailto:…" at _dmarc.${domain} (start with p=none to watch reports).`,
            source: SOURCES.dmarc,
          }
        : policy === 'none'
          ? {
              name: 'DMARC',
              status: 'warn',
              detail: `${dmarcName} "${dmarc}": p=none, receivers take no action on failures`,
              fix: 'Move to p=quarantine or p=reject once the reports are clean.',
              source: SOURCES.dmarc,
            }
          : { name: 'DMARC', status: 'ok', detail: `${dmarcName} "${dmarc}"` },
  )
  return checks
}

function certificateCheck(
  pem: string,
  key: string | undefined,
  domain: string | undefined,
): Office365PreflightCheck {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(pem)
  } catch (error) {
    return {
      name: 'client certificate',
      status: 'fail',
      detail: `not a PEM certificate: ${(error as Error).message}`,
      fix: 'Give the certificate (PEM) the connector expects, with --client-key its private key.',
    }
  }
  // The names a connector can match: the subject's CN and the DNS names among the alternative names.
  const names = [
    ...new Set(
      [
        /CN=([^\n,]+)/.exec(certificate.subject)?.[1],
        ...(certificate.subjectAltName ?? '')
          .split(/,\s*/)
          .filter((n) => n.startsWith('DNS:'))
          .map((n) => n.slice(4)),
      ].filter((n): n is string => Boolean(n)),
    ),
  ]
  const now = Date.now()
  if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo))
    return {
      name: 'client certificate',
      status: 'fail',
      detail: `${names[0] ?? 'certificate'} is valid ${certificate.validFrom} to ${certificate.validTo}, not now`,
      fix: 'Renew the certificate.',
      source: SOURCES.connector,
    }
  const matches = domain
    ? names.some(
        (n) => n.toLowerCase() === domain.toLowerCase() || n.toLowerCase() === `*.${domain.toLowerCase()}`,
      )
    : true
  if (key !== undefined) {
    let pairs: boolean
    try {
      pairs = certificate.checkPrivateKey(createPrivateKey(key))
    } catch {
      pairs = false
    }
    if (!pairs)
      return {
        name: 'client certificate',
        status: 'fail',
        detail: `the private key (--client-key) is not the key of ${names[0] ?? 'the certificate'}, or not a PEM key`,
        fix: "Give the certificate's own private key: TLS fails with any other.",
        source: SOURCES.connector,
      }
  }
  return matches
    ? {
        name: 'client certificate',
        status: 'ok',
        detail: `${names.join(', ')}; valid to ${certificate.validTo}; issued by ${certificate.issuer.replace(/\n/g, ', ')}`,
      }
    : {
        name: 'client certificate',
        status: 'fail',
        detail: `names ${names.join(', ') || 'none'} do not include ${domain}`,
        fix: `A certificate connector attributes relay by a certificate name that is an accepted domain (${domain}); otherwise the relay gets 550 5.7.64 TenantAttribution.`,
        source: SOURCES.connector,
      }
}
