import { connectInboxServer } from '@mailwright/core'
import { definePlugin } from '@mailwright/core/plugin'
import { startInboxServer } from './start-inbox-server.js'

/**
 * The `local` inbox type: the run's capture inbox (started once by a runner's global setup or Playwright's
 * `inboxServer()`, reached over HTTP), else one started inside each test worker. The runner packages
 * register it; a project that uses the inbox server without a runner registers it itself.
 *
 * @example
 * import { registerPlugin } from '@mailwright/core/plugin'
 * import inboxServerPlugin from '@mailwright/inbox-server/plugin'
 * registerPlugin(inboxServerPlugin)
 */
const inboxServerPlugin = definePlugin({
  name: '@mailwright/inbox-server',
  inboxTypes: [
    {
      type: 'local',
      keys: [],
      async connect(_config, context) {
        if (context.run) return connectInboxServer(context.run)
        // No run server: this worker's own, with the environment's sending profile for verdicts.
        const server = await startInboxServer({ httpPort: false, sendingProfile: context.profile })
        const provider = server.provider()
        return { ...provider, close: () => server.stop() }
      },
      async startRun(_config, context) {
        const server = await startInboxServer({
          smtpPort: context.ports?.smtp ?? 0,
          httpPort: context.ports?.http ?? 0,
          sendingProfile: context.profile,
        })
        const url = server.url as string
        return { description: url, url, smtp: server.smtp, ca: server.smtp.ca, stop: () => server.stop() }
      },
    },
  ],
})

export default inboxServerPlugin
