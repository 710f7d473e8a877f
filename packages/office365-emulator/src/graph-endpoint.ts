import { createServer, type Server } from 'node:http'
import { GraphRequestError, graphMessageToMime } from './graph-message-to-mime.js'
import type { Mailboxes, MailFolder } from './mailboxes.js'
import { maySendAs } from './submission-policy.js'
import type { TenantModel } from './tenant-model.js'
import type { TokenIssuer } from './token-issuer.js'

const GRAPH_AUDIENCE = 'https://graph.microsoft.com'
// https://learn.microsoft.com/graph/api/user-sendmail: "the total message size … up to 4 MB" per request.
const GRAPH_MAX_REQUEST = 4 * 1024 * 1024

// Graph's well-known folder names, each with a stable id here (Graph's ids are opaque strings).
const FOLDERS: Record<MailFolder, { id: string; displayName: string }> = {
  inbox: { id: 'AAMkAGVmMDEzInbox', displayName: 'Inbox' },
  sentitems: { id: 'AAMkAGVmMDEzSentItems', displayName: 'Sent Items' },
  junkemail: { id: 'AAMkAGVmMDEzJunkEmail', displayName: 'Junk Email' },
}

/**
 * The Microsoft Graph mail endpoints a test mailbox needs (GRAPH-LIST, GRAPH-MIME, GRAPH-SENDMAIL [V]):
 * list messages (`$filter=receivedDateTime ge …`, `$top`, `@odata.nextLink`) of the whole mailbox or of one
 * well-known folder (`mailFolders/inbox|sentitems|junkemail/messages`, and the folder itself with its id),
 * each with its `parentFolderId`, fetch the MIME (`$value`), and `sendMail` with a JSON message or a base64
 * MIME body, saved to Sent Items unless `saveToSentItems: false`. Application permissions: Mail.Read / Mail.Send in the token's roles,
 * and the app must have access to the mailbox (FullAccess in the tenant model stands for the access policy).
 * More than `graphConcurrency` requests at once from one app on one mailbox get 429 with Retry-After.
 */
export function createGraphEndpoint(
  tenant: TenantModel,
  tokens: TokenIssuer,
  mailboxes: Mailboxes,
  /** Hands a sent message to delivery: the mailbox that sent it, its bytes, recipients and envelope sender. */
  submit: (mailbox: string, raw: Buffer, rcptTo: string[], from: string) => Promise<void>,
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
    const path = decodeURIComponent(url.pathname)
    const folderPath = /^\/v1\.0\/users\/([^/]+)\/mailFolders\/([^/]+)(\/messages)?$/.exec(path)
    const match =
      /^\/v1\.0\/users\/([^/]+)\/(messages|sendMail)(?:\/([^/]+)(\/\$value)?)?$/.exec(path) ??
      (folderPath ? [path, folderPath[1], 'messages'] : null)
    if (!match) return error(400, 'BadRequest', `Resource not found for the segment '${url.pathname}'.`)
    const folderName = folderPath?.[2]?.toLowerCase() as MailFolder | undefined
    if (folderPath && !(folderName && folderName in FOLDERS))
      return error(
        404,
        'ErrorInvalidIdMalformed',
        `Id is malformed: '${folderPath[2]}' is not a folder here.`,
      )
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
      // Graph takes at most 4 MB per request (larger attachments go through an upload session): the rest is
      // read and dropped, so the client sees the answer.
      let body = ''
      let size = 0
      for await (const chunk of req) {
        size += (chunk as Buffer).length
        if (size <= GRAPH_MAX_REQUEST) body += chunk
      }
      if (size > GRAPH_MAX_REQUEST)
        return error(
          413,
          'ErrorRequestEntityTooLarge',
          'The request is over 4 MB: send large attachments through an upload session.',
        )
      let raw: Buffer
      let rcptTo: string[]
      let from = mailbox
      let saveToSentItems = true
      if (/^application\/json/i.test(req.headers['content-type'] ?? '')) {
        // The JSON form (Graph's default): a message resource, built into MIME as Exchange would.
        try {
          const request = JSON.parse(body) as { message?: unknown; saveToSentItems?: unknown }
          const built = await graphMessageToMime(request.message, mailbox)
          const as = built.from.toLowerCase()
          if (as !== mailbox && !maySendAs(tenant, mailbox, as))
            return error(
              403,
              'ErrorSendAsDenied',
              'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.',
            )
          raw = built.raw
          rcptTo = built.rcptTo
          from = as
          saveToSentItems = request.saveToSentItems !== false
        } catch (failure) {
          if (failure instanceof GraphRequestError) return error(400, failure.code, failure.message)
          return error(
            400,
            'BadRequest',
            'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
          )
        }
      } else {
        if (!/^[A-Za-z0-9+/=\s]+$/.test(body))
          return error(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.')
        raw = Buffer.from(body, 'base64')
        rcptTo = headerRecipients(raw)
      }
      await submit(mailbox, raw, rcptTo, from)
      if (saveToSentItems) mailboxes.saveSent(mailbox, raw)
      return send(202)
    }
    if (folderPath && !folderPath[3]) {
      const folder = FOLDERS[folderName as MailFolder]
      return send(200, { id: folder.id, displayName: folder.displayName })
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
      .list(mailbox, folderName ?? 'all')
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
        parentFolderId: FOLDERS[m.folder].id,
        toRecipients: m.toRecipients.map((address) => ({ emailAddress: { address } })),
      })),
      ...(next ? { '@odata.nextLink': next } : {}),
    })
  })
}

// The envelope recipients of a MIME message sent through Graph: every To, Cc and Bcc address.
function headerRecipients(raw: Buffer): string[] {
  const head = raw.toString('latin1').split(/\r\n\r\n/)[0] ?? ''
  const recipientLines = head.split(/\r\n(?![ \t])/).filter((line) => /^(to|cc|bcc):/i.test(line))
  return recipientLines.flatMap((line) => [...line.matchAll(/[\w.+-]+@[\w.-]+/g)].map((m) => m[0]))
}
