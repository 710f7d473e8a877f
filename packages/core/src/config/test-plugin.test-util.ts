import { ConfigError } from './config-error.js'
import type { ConfigValue } from './define-config.js'
import { definePlugin } from './define-plugin.js'

declare module './define-config.js' {
  interface InboxTypes {
    'test-mailbox': { mailbox: string; user: ConfigValue; clientSecret: ConfigValue; password?: ConfigValue }
  }
  interface TransportTypes {
    'test-relay': { host: string; port?: number; clientSecret?: ConfigValue }
  }
}

/**
 * Types for core's own tests, registered as a project would: a real mailbox that needs a secret, and a
 * transport that leaves the sandbox (so the allowlist applies). Their factories are never reached.
 */
export const testPlugin = definePlugin({
  name: 'core-tests',
  inboxTypes: [
    {
      type: 'test-mailbox',
      required: ['mailbox', 'user', 'clientSecret'],
      check(config, key) {
        if (!config.mailbox.includes('@'))
          throw new ConfigError(`${key}.mailbox`, `is ${JSON.stringify(config.mailbox)}`, 'Give an address.')
      },
      connect: () => Promise.reject(new Error('core tests never connect a test mailbox')),
    },
  ],
  transportTypes: [
    {
      type: 'test-relay',
      required: ['host'],
      create: () => Promise.reject(new Error('core tests never send')),
    },
  ],
})
