import { readFileSync } from 'node:fs'
import { defineConfig, env } from '@mailwright/core'
// The inbox and transport types of the packages this config names (type-only: nothing is loaded here).
import type {} from '@mailwright/office365'

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

const profile = { senderIp: '203.0.113.10', dns: { zone: `${import.meta.dirname}/.mailwright/dns.zone` } }

export default defineConfig({
  environments: {
    // The production sender as receivers judge it: its IP and its published DNS (the zone sending-keys.ts
    // writes). The capture inbox, the fixtures and the report all read it from here.
    // The content checks (toHaveSpamScore, …) run rspamd, started once by the global setup, offline.
    sandbox: { inbox: { type: 'local' }, profile, checks: { spam: { checker: 'rspamd' } } },
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
      profile,
      checks: {
        spam: { checker: 'rspamd' },
        // Links to localhost are a mistake in a real staging email (the default forbids them); this staging is
        // emulated on this machine, where the app under test is on loopback.
        links: { forbidHosts: [] },
      },
      // nobody@contoso.test: an address the tenant does not have, for the bounce test.
      allowRecipients: ['qa+*@contoso.test', 'nobody@contoso.test'],
      timeouts: { email: 20_000, noEmail: 2_000 },
    },
  },
})
