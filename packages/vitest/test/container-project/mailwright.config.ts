import { defineConfig } from '@mailwright/core'
import { generateDkimKey } from '@mailwright/core/testing'
import type {} from '@mailwright/testcontainers'

// The app's DKIM key is made per run and handed to the test through the environment (see the test).
const dkimRecord = process.env.DKIM_RECORD ?? generateDkimKey().record

export default defineConfig({
  environments: {
    sandbox: { inbox: { type: 'local' } },
    // One MailDev container for the run, started by the global setup; verdicts are computed by Mailwright
    // from the raw messages, judged as mail sent from the production egress IP with offline DNS.
    containers: {
      inbox: {
        type: 'container',
        server: 'maildev',
        image: process.env.MAILWRIGHT_MAILDEV_IMAGE ?? 'mailwright/maildev:3.0.0',
        // Fixed ports, as an app started before the container would need (the test picks free ones).
        ports: { smtp: Number(process.env.CONTAINER_SMTP_PORT), api: Number(process.env.CONTAINER_API_PORT) },
      },
      profile: {
        senderIp: '203.0.113.10',
        dns: {
          records: {
            'example.com': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
            's1._domainkey.example.com': { TXT: [dkimRecord] },
            '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
          },
        },
      },
    },
  },
})
