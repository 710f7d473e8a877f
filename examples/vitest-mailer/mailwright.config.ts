import { readFileSync } from 'node:fs'
import { defineConfig, env } from '@mailwright/core'
// The inbox and transport types of the packages this config names (type-only: nothing is loaded here).
import type {} from '@mailwright/office365'
import type {} from '@mailwright/testcontainers'

// staging reads back from qa@contoso.test through Graph and submits through Office 365. Here it points at
// the emulator `pnpm demo:staging` starts; a real project names Microsoft's endpoints (the defaults).
const exo = process.env.EXO_DIR
const stand = exo ? { loginUrl: process.env.O365_LOGIN_URL, graphUrl: process.env.O365_GRAPH_URL } : {}
const submission = exo
  ? {
      loginUrl: process.env.O365_LOGIN_URL,
      ca: readFileSync(`${exo}/smtp.pem`, 'utf8'),
      host: process.env.SMTP_HOST,
      port: Number(process.env.SMTP_PORT),
      servername: 'smtp.office365.com',
    }
  : {}
const credentials = {
  tenantId: env('O365_TENANT_ID'),
  clientId: env('O365_CLIENT_ID'),
  clientSecret: env('O365_CLIENT_SECRET'),
}

// Content checks: SpamAssassin (started once by the global setup, offline) and the clients that matter here.
const checks = {
  spam: { checker: 'spamassassin' as const },
  compatibility: { clients: ['gmail', 'outlook-windows', 'apple-mail'] },
}

export default defineConfig({
  environments: {
    sandbox: { inbox: { type: 'local' }, checks },
    // The same capture, in a MailDev container started once per run (needs Docker; see docs/containers.md).
    containers: {
      inbox: {
        type: 'container',
        server: 'maildev',
        image: process.env.MAILWRIGHT_MAILDEV_IMAGE || 'mailwright/maildev:3.0.0',
      },
    },
    staging: {
      inbox: {
        type: 'graph',
        mailbox: 'qa@contoso.test',
        ...credentials,
        graphUrl: stand.graphUrl,
        loginUrl: stand.loginUrl,
        pollMs: 200,
      },
      transport: {
        type: 'office365-smtp',
        user: 'qa@contoso.test',
        auth: 'oauth2',
        ...credentials,
        ...submission,
      },
      allowRecipients: ['qa+*@contoso.test'],
      timeouts: { email: 20_000, noEmail: 2_000 },
      checks,
    },
  },
})
