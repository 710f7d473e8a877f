import { ConfigError, type ConfigValue, type Secret } from '@mailwright/core'
import { definePlugin, type ResolvedConfig } from '@mailwright/core/plugin'

/** A mailbox reached through Microsoft Graph with an app's client credentials (read back, or sendMail). */
export interface GraphMailboxConfig {
  mailbox: string
  tenantId: ConfigValue
  clientId: ConfigValue
  clientSecret: ConfigValue
  /** Graph and login.microsoftonline.com stand-ins: for the emulator only. */
  graphUrl?: string
  loginUrl?: string
}

/** `inbox: { type: 'graph', … }`: a real test mailbox read through Microsoft Graph. */
export interface GraphInboxConfig extends GraphMailboxConfig {
  /** How often Graph is asked for new mail, in ms. Default 2,000. */
  pollMs?: number
}

/** `inbox: { type: 'imap', … }`: a real test mailbox read over IMAP (Exchange Online, Dovecot, …). */
export interface ImapInboxConfig {
  host: string
  port?: number
  user: ConfigValue
  password?: ConfigValue
  accessToken?: ConfigValue
  secure?: boolean
  /** Log in without TLS when the server offers no STARTTLS: only for a test server on a trusted network. */
  allowPlaintextAuth?: boolean
}

/** `transport: { type: 'office365-smtp', … }`: SMTP AUTH submission to smtp.office365.com:587. */
export interface Office365SmtpConfig {
  user: string
  auth: 'oauth2' | 'basic'
  host?: string
  port?: number
  tenantId?: ConfigValue
  clientId?: ConfigValue
  clientSecret?: ConfigValue
  password?: ConfigValue
  /** Extra CA (PEM) and certificate name, and a login.microsoftonline.com stand-in: for the emulator only. */
  ca?: string
  servername?: string
  loginUrl?: string
}

/** `transport: { type: 'office365-relay', … }`: relay through the tenant's inbound connector. */
export interface Office365RelayConfig {
  /** The tenant's MX endpoint, e.g. `contoso-com.mail.protection.outlook.com`. */
  host: string
  port?: number
  /** For a certificate connector: the client certificate chain (PEM) and its key (a secret: `env()`). */
  clientCertificate?: ConfigValue
  clientKey?: ConfigValue
  /** Extra CA (PEM) and certificate name: for the emulator only. */
  ca?: string
  servername?: string
}

declare module '@mailwright/core' {
  interface InboxTypes {
    graph: GraphInboxConfig
    imap: ImapInboxConfig
  }
  interface TransportTypes {
    'office365-smtp': Office365SmtpConfig
    'office365-relay': Office365RelayConfig
    graph: GraphMailboxConfig
  }
}

/** A resolved Graph mailbox config as the Graph inbox and sendMail transport take it. */
function graphMailbox(config: ResolvedConfig<GraphMailboxConfig>) {
  return {
    mailbox: config.mailbox,
    credentials: {
      tenantId: config.tenantId,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      loginUrl: config.loginUrl,
    },
    graphUrl: config.graphUrl,
  }
}

const GRAPH_REQUIRED = ['mailbox', 'tenantId', 'clientId', 'clientSecret'] as const
const GRAPH_KEYS = [...GRAPH_REQUIRED, 'graphUrl', 'loginUrl'] as const

/**
 * Office 365's inbox types (`graph`, `imap`) and transports (`office365-smtp`, `office365-relay`, `graph`
 * sendMail). MSAL and imapflow are loaded only when one of them connects.
 *
 * @example
 * // package.json of this package names it: "mailwright": { "plugin": "./dist/plugin.js" }
 * import office365Plugin from '@mailwright/office365/plugin'
 */
const office365Plugin = definePlugin({
  name: '@mailwright/office365',
  inboxTypes: [
    {
      type: 'graph',
      required: GRAPH_REQUIRED,
      keys: [...GRAPH_KEYS, 'pollMs'],
      async connect(config, context) {
        const { connectGraphInbox } = await import('./graph-inbox.js')
        return connectGraphInbox({
          ...graphMailbox(config),
          pollMs: config.pollMs,
          // For what Exchange's stamp leaves out (the DMARC policy), and for mail it did not stamp.
          profile: context.profile,
        })
      },
    },
    {
      type: 'imap',
      required: ['host', 'user'],
      keys: ['host', 'port', 'user', 'password', 'accessToken', 'secure', 'allowPlaintextAuth'],
      async connect(config, context) {
        const { connectImapInbox } = await import('./imap-inbox.js')
        return connectImapInbox({
          // For mail no trusted receiver stamped: verdicts computed from the raw message.
          profile: context.profile,
          host: config.host,
          port: config.port,
          secure: config.secure,
          allowPlaintextAuth: config.allowPlaintextAuth,
          user: config.user,
          password: config.password,
          accessToken: config.accessToken,
        })
      },
    },
  ],
  transportTypes: [
    {
      type: 'office365-smtp',
      required: ['user', 'auth'],
      keys: [
        'user',
        'auth',
        'host',
        'port',
        'tenantId',
        'clientId',
        'clientSecret',
        'password',
        'ca',
        'servername',
        'loginUrl',
      ],
      check(config, key) {
        if (config.auth !== 'oauth2' && config.auth !== 'basic')
          throw new ConfigError(
            `${key}.auth`,
            `is ${JSON.stringify(config.auth)}`,
            'Use "oauth2" (or "basic").',
          )
        const needed: ReadonlyArray<'tenantId' | 'clientId' | 'clientSecret' | 'password'> =
          config.auth === 'oauth2' ? ['tenantId', 'clientId', 'clientSecret'] : ['password']
        for (const name of needed) {
          if (config[name] === undefined)
            throw new ConfigError(
              `${key}.${name}`,
              `is required for auth "${config.auth}"`,
              'Add it to mailwright.config.ts (secrets with env("NAME")).',
            )
        }
      },
      async create(config) {
        const { office365SmtpTransport } = await import('./office365-smtp-transport.js')
        const base = {
          user: config.user,
          host: config.host,
          port: config.port,
          ca: config.ca,
          servername: config.servername,
        }
        return config.auth === 'oauth2'
          ? office365SmtpTransport({
              ...base,
              auth: 'oauth2',
              credentials: {
                tenantId: config.tenantId as string,
                clientId: config.clientId as string,
                clientSecret: config.clientSecret as Secret,
                loginUrl: config.loginUrl,
              },
            })
          : office365SmtpTransport({ ...base, auth: 'basic', password: config.password as Secret })
      },
    },
    {
      type: 'office365-relay',
      required: ['host'],
      keys: ['host', 'port', 'clientCertificate', 'clientKey', 'ca', 'servername'],
      check(config, key) {
        if ((config.clientCertificate === undefined) !== (config.clientKey === undefined))
          throw new ConfigError(
            `${key}.${config.clientKey ? 'clientCertificate' : 'clientKey'}`,
            'is missing, but a certificate connector needs both the certificate and its key',
            "Give clientCertificate: env('RELAY_CERT') and clientKey: env('RELAY_KEY'), or neither for an IP connector.",
          )
      },
      async create(config) {
        const { office365RelayTransport } = await import('./office365-relay-transport.js')
        return office365RelayTransport({
          host: config.host,
          port: config.port,
          ca: config.ca,
          servername: config.servername,
          ...(config.clientCertificate && config.clientKey
            ? { clientCertificate: { cert: config.clientCertificate, key: config.clientKey } }
            : {}),
        })
      },
    },
    {
      type: 'graph',
      required: GRAPH_REQUIRED,
      keys: GRAPH_KEYS,
      async create(config) {
        const { graphSendMailTransport } = await import('./graph-send-mail-transport.js')
        return graphSendMailTransport({
          ...graphMailbox(config),
        })
      },
    },
  ],
})

export default office365Plugin
