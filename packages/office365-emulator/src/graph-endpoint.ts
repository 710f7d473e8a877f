import { createServer, type Server } from 'node:http'
import type { Mailboxes } from './mailboxes.js'
import type { TenantModel } from './tenant-model.js'
import type { TokenIssuer } from './token-issuer.js'

const GRAPH_AUDIENCE = 'https://graph.microsoft.com'

/**
 * The Microsoft Graph mail endpoints a test mailbox needs (GRAPH-LIST, GRAPH-MIME, GRAPH-SENDMAIL [V]):
 * list messages (`$filter=receivedDateTime ge …`, `$top`, `@odata.nextLink`), fetch the MIME (`$value`), and
 * `sendMail` with a base64 MIME body. Application permissions: Mail.Read / Mail.Send in the token's roles,
 * and the app must have access to the mailbox (FullAccess in the tenant model stands for the access policy).
 * More than `graphConcurrency` requests at once from one app on one mailbox get 429 with Retry-After.
 */
export function createGraphEndpoint(
  tenant: TenantModel,
  tokens: TokenIssuer,
  mailboxes: Mailboxes,
  submit: (mailbox: string, raw: Buffer) => Promise<void>,
  stats: { throttled: number } = { throttled: 0 },
): Server {
  // Requests in flight per app and mailbox, for the MailboxConcurrency limit (GRAPH-THROTTLE [O]).
  const open = new Map<string, number>()
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const send = (status: number, body?: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type })
      res.end(body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body))
    }
    const error = (status: number, code: string, message: string) =>
      send(status, { error: { code, message } })
    const claims = tokens.verify((req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''))
    if (!claims || claims.aud !== GRAPH_AUDIENCE || claims.tid !== tenant.tenantId) {
      return error(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.')
    }
    const match = /^\/v1\.0\/users\/([^/]+)\/(messages|sendMail)(?:\/([^/]+)(\/\$value)?)?$/.exec(
      decodeURIComponent(url.pathname),
    )
    if (!match) return error(400, 'BadRequest', `Resource not found for the segment '${url.pathname}'.`)
    const mailbox = (match[1] as string).toLowerCase()
    if (!tenant.mailboxes[mailbox])
      return error(404, 'ErrorInvalidUser', `The requested user '${mailbox}' is invalid.`)
    const allowed = (tenant.mailboxes[mailbox]?.fullAccessApps ?? []).includes(claims.appid)
    const needs = match[2] === 'sendMail' ? 'Mail.Send' : 'Mail.Read'
    if (!claims.roles.includes(needs) || !allowed) {
      return error(
        403,
        'ErrorAccessDenied',
        allowed
          ? 'Access is denied. Check credentials and try again.'
          : 'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.',
      )
    }
    const slot = `${claims.appid} ${mailbox}`
    if ((open.get(slot) ?? 0) >= tenant.graphConcurrency) {
      stats.throttled += 1
      res.setHeader('retry-after', String(tenant.graphRetryAfterSeconds))
      return error(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.')
    }
    open.set(slot, (open.get(slot) ?? 0) + 1)
    res.on('close', () => open.set(slot, (open.get(slot) ?? 1) - 1))
    if (tenant.graphLatencyMs) await new Promise((resolve) => setTimeout(resolve, tenant.graphLatencyMs))
    if (match[2] === 'sendMail') {
      if (req.method !== 'POST')
        return error(405, 'ErrorInvalidRequest', 'The OData request is not supported.')
      let body = ''
      for await (const chunk of req) body += chunk
      if (!/^[A-Za-z0-9+/=\s]+$/.test(body))
        return error(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.')
      await submit(mailbox, Buffer.from(body, 'base64'))
      return send(202)
    }
    if (match[3] && match[4]) {
      const message = mailboxes.get(mailbox, match[3])
      return message
        ? send(200, message.raw, 'message/rfc822')
        : error(404, 'ErrorItemNotFound', 'The specified object was not found in the store.')
    }
    const since = /receivedDateTime\s+ge\s+(\S+)/i.exec(url.searchParams.get('$filter') ?? '')?.[1]
    const top = Math.min(1000, Math.max(1, Number(url.searchParams.get('$top') ?? 10)))
    const skip = Number(url.searchParams.get('$skip') ?? 0)
    const all = mailboxes
      .list(mailbox)
      .filter((m) => !since || m.receivedDateTime >= new Date(since).toISOString())
      .sort((a, b) => (a.receivedDateTime < b.receivedDateTime ? 1 : -1))
    const page = all.slice(skip, skip + top)
    const next =
      skip + top < all.length
        ? `${`http://${req.headers.host}${url.pathname}`}?${new URLSearchParams({ ...Object.fromEntries(url.searchParams), $skip: String(skip + top) })}`
        : undefined
    send(200, {
      value: page.map((m) => ({
        id: m.id,
        receivedDateTime: m.receivedDateTime,
        subject: m.subject,
        internetMessageId: m.internetMessageId,
        toRecipients: m.toRecipients.map((address) => ({ emailAddress: { address } })),
      })),
      ...(next ? { '@odata.nextLink': next } : {}),
    })
  })
}
