import { connectInboxServer } from '../connect-inbox-server.js'
import { sandboxTransport } from '../submission/sandbox-transport.js'
import { ConfigError } from './config-error.js'
import { definePlugin } from './define-plugin.js'

/**
 * The types core itself provides: `server` (an inbox server reached over HTTP, with core's own client),
 * the `inbox` transport (send into the capture inbox), and `local` until the package that runs the capture
 * inbox registers its own (only core's may be replaced).
 */
export const corePlugin = definePlugin({
  name: '@mailwright/core',
  inboxTypes: [
    // Until a runner (or @mailwright/inbox-server's plugin) provides the capture inbox itself.
    {
      type: 'local',
      keys: [],
      connect: (_config, context) => {
        if (context.run) return connectInboxServer(context.run)
        throw new ConfigError(
          context.key,
          'is the local capture inbox, but no runner started one and none is registered in this process',
          'Use @mailwright/playwright or @mailwright/vitest, or register @mailwright/inbox-server/plugin.',
        )
      },
    },
    {
      type: 'server',
      required: ['url'],
      keys: ['url'],
      connect: (config) => connectInboxServer(config.url),
    },
  ],
  transportTypes: [
    {
      type: 'inbox',
      keys: [],
      create: async (_config, context) => {
        if (!context.sandboxSmtp)
          throw new ConfigError(
            context.key,
            'sends to the capture inbox, but no inbox server is running',
            'Start one (the runner fixtures do) and pass its SMTP address.',
          )
        return sandboxTransport(context.sandboxSmtp)
      },
    },
  ],
})
