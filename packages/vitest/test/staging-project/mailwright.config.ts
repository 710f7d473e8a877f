import { readFileSync } from 'node:fs'
import { defineConfig, env } from '@mailwright/core'
import type {} from '@mailwright/office365'

// The emulator's endpoints come from the test that started it; a real project names Microsoft's.
const exo = {
  login: process.env.EXO_LOGIN_URL ?? '',
  graph: process.env.EXO_GRAPH_URL ?? '',
  smtpPort: Number(process.env.EXO_SMTP_PORT),
  ca: process.env.EXO_CA_FILE ? readFileSync(process.env.EXO_CA_FILE, 'utf8') : undefined,
}
const credentials = {
  tenantId: env('O365_TENANT_ID'),
  clientId: env('O365_CLIENT_ID'),
  clientSecret: env('O365_CLIENT_SECRET'),
}

export default defineConfig({
  environments: {
    sandbox: { inbox: { type: 'local' } },
    staging: {
      inbox: {
        type: 'graph',
        mailbox: 'qa@contoso.test',
        ...credentials,
        graphUrl: exo.graph,
        loginUrl: exo.login,
        pollMs: 100,
      },
      transport: {
        type: 'office365-smtp',
        user: 'qa@contoso.test',
        auth: 'oauth2',
        ...credentials,
        host: '127.0.0.1',
        port: exo.smtpPort,
        ca: exo.ca,
        servername: 'smtp.office365.com',
        loginUrl: exo.login,
      },
      allowRecipients: ['qa+*@contoso.test'],
      timeouts: { email: 15_000, noEmail: 1_000 },
    },
  },
})
