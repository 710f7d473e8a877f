import { InvalidArgumentError } from '@mailwright/core'
import { definePlugin, inboxAddress, inboxFromBackend } from '@mailwright/core/plugin'
import { memoryFeed, memoryProfile, memoryTransport } from './memory-store.js'

/** `inbox: { type: 'memory', domain? }`: inboxes on the emails this process sent with the memory transport. */
export interface MemoryInboxConfig {
  /** Domain of the addresses handed out. Default `memory.test`. */
  domain?: string
}

// The package's whole contribution to the config's types: core is not edited.
declare module '@mailwright/core' {
  interface InboxTypes {
    memory: MemoryInboxConfig
  }
  interface TransportTypes {
    memory: Record<never, never>
  }
}

/** The plugin this package's package.json names (`"mailwright": { "plugin": "./dist/plugin.js" }`). */
export default definePlugin({
  name: 'mailwright-memory-inbox',
  inboxTypes: [
    {
      type: 'memory',
      keys: ['domain'],
      check(config, key) {
        if (config.domain !== undefined && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(config.domain))
          throw new InvalidArgumentError(`${key}.domain`, config.domain, 'a domain name such as memory.test')
      },
      connect: async (config, context) => {
        memoryProfile.current = context.profile
        return {
          url: undefined,
          smtp: { host: 'memory', port: 0 },
          createInbox: async (name = 'test') =>
            inboxFromBackend(inboxAddress(name, config.domain ?? 'memory.test'), memoryFeed),
        }
      },
    },
  ],
  transportTypes: [{ type: 'memory', keys: [], create: async () => memoryTransport() }],
})
