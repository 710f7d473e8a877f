import { defineConfig } from '@mailwright/core'
import type {} from '@mailwright/testcontainers'

export default defineConfig({
  environments: {
    sandbox: { inbox: { type: 'local' } },
    containers: {
      inbox: {
        type: 'container',
        server: 'maildev',
        image: process.env.MAILWRIGHT_MAILDEV_IMAGE ?? 'mailwright/maildev:3.0.0',
        // The app under test (a webServer) is started first and told this port.
        ports: { smtp: Number(process.env.CONTAINER_SMTP_PORT) },
      },
    },
  },
})
