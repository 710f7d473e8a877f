import { connectInboxServer, type InboxProvider } from '../connect-inbox-server.js'
import { ConfigError } from './config-error.js'
import { loadOffice365 } from './load-office365.js'
import { loadTestcontainers } from './load-testcontainers.js'
import type { ResolvedEnvironment } from './resolve-environment.js'
import type { Secret } from './secret.js'
import { sendingProfileOf } from './sending-profile-of.js'

/**
 * Where an environment's inboxes live: the local capture (`local()`, the runner's own server), an inbox
 * server reached over HTTP, a Mailpit or MailDev container (the run's, or one started here), or a real
 * mailbox read through Graph or IMAP.
 *
 * @example
 * const provider = await environmentInboxProvider(environment, { local: () => startLocal() })
 */
export async function environmentInboxProvider(
  environment: ResolvedEnvironment,
  options: {
    local(): Promise<InboxProvider>
    /** The run's capture container (startRunContainer's `description`); without it one is started here. */
    runContainer?: string
  },
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
        allowPlaintextAuth: inbox.allowPlaintextAuth,
        user: inbox.user,
        password: inbox.password,
        accessToken: inbox.accessToken,
      })
    }
    case 'container': {
      const testcontainers = await loadTestcontainers(key)
      const profile = sendingProfileOf(environment)
      if (options.runContainer) {
        return testcontainers.connectCaptureServer(JSON.parse(options.runContainer), { profile })
      }
      // No global setup started one: this process gets its own, stopped on close().
      const started = await testcontainers.startCaptureContainer(inbox.server as string, {
        image: inbox.image as string | undefined,
        profile,
        ports: inbox.ports as { smtp?: number; api?: number } | undefined,
      })
      const provider = await started.inboxProvider()
      return {
        ...provider,
        close: async () => {
          await provider.close?.()
          await started.stop()
        },
      }
    }
    default:
      throw new ConfigError(
        `${key}.type`,
        `is "${inbox.type}", which the runner fixtures do not support yet`,
        'Use "local", "server", "container", "graph" or "imap".',
      )
  }
}
