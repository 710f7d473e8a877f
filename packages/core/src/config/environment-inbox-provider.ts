import { connectInboxServer, type InboxProvider } from '../connect-inbox-server.js'
import { ConfigError } from './config-error.js'
import { loadOffice365 } from './load-office365.js'
import type { ResolvedEnvironment } from './resolve-environment.js'
import type { Secret } from './secret.js'
import { sendingProfileOf } from './sending-profile-of.js'

/**
 * Where an environment's inboxes live: the local capture (`local()`, the runner's own server), an inbox
 * server reached over HTTP, or a real mailbox read through Graph or IMAP.
 *
 * @example
 * const provider = await environmentInboxProvider(environment, { local: () => startLocal() })
 */
export async function environmentInboxProvider(
  environment: ResolvedEnvironment,
  options: { local(): Promise<InboxProvider> },
): Promise<InboxProvider> {
  const inbox = environment.inbox as { type: string } & Record<string, unknown>
  const key = `environments.${environment.name}.inbox`
  switch (inbox.type) {
    case 'local':
      return options.local()
    case 'server':
      return connectInboxServer(inbox.url as string)
    case 'graph': {
      const office365 = await loadOffice365(key)
      return office365.connectGraphInbox({
        mailbox: inbox.mailbox,
        credentials: {
          tenantId: inbox.tenantId,
          clientId: inbox.clientId,
          clientSecret: inbox.clientSecret as Secret,
          loginUrl: inbox.loginUrl,
        },
        graphUrl: inbox.graphUrl,
        pollMs: inbox.pollMs,
        // For what Exchange's stamp leaves out (the DMARC policy), and for mail it did not stamp.
        profile: sendingProfileOf(environment),
      })
    }
    case 'imap': {
      const office365 = await loadOffice365(key)
      return office365.connectImapInbox({
        host: inbox.host,
        port: inbox.port,
        secure: inbox.secure,
        user: inbox.user,
        password: inbox.password,
        accessToken: inbox.accessToken,
      })
    }
    default:
      throw new ConfigError(
        `${key}.type`,
        `is "${inbox.type}", which the runner fixtures do not support yet`,
        'Use "local", "server", "graph" or "imap".',
      )
  }
}
