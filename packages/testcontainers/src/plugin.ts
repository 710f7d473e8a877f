import { ConfigError } from '@mailwright/core'
import { definePlugin } from '@mailwright/core/plugin'
import { CAPTURE_SERVERS, type CaptureServerName } from './capture-servers.js'

/** `inbox: { type: 'container', server, image?, ports? }`: a Mailpit or MailDev container. */
export interface ContainerInboxConfig {
  server: CaptureServerName
  image?: string
  /**
   * Fixed ports on 127.0.0.1 (default: free ones). Give them when the app under test is started before the
   * container (a Playwright `webServer`) and must be told its SMTP port in advance.
   */
  ports?: { smtp?: number; api?: number }
}

declare module '@mailwright/core' {
  interface InboxTypes {
    container: ContainerInboxConfig
  }
}

/**
 * The `container` inbox type: a Mailpit or MailDev container, started once for the run by a runner's
 * global setup (or by each worker without one). testcontainers is loaded only when one starts.
 *
 * @example
 * // package.json of this package names it: "mailwright": { "plugin": "./dist/plugin.js" }
 * import testcontainersPlugin from '@mailwright/testcontainers/plugin'
 */
const testcontainersPlugin = definePlugin({
  name: '@mailwright/testcontainers',
  inboxTypes: [
    {
      type: 'container',
      required: ['server'],
      keys: ['server', 'image', 'ports'],
      check(config, key) {
        if (!(CAPTURE_SERVERS as readonly string[]).includes(config.server))
          throw new ConfigError(
            `${key}.server`,
            `is ${JSON.stringify(config.server)}, which is not a capture server Mailwright can run`,
            `Use ${CAPTURE_SERVERS.map((s) => `"${s}"`).join(' or ')}.`,
          )
        const ports: unknown = config.ports
        if (ports === undefined) return
        const entries: Array<[string, unknown]> =
          typeof ports === 'object' && ports !== null ? Object.entries(ports) : [['ports', ports]]
        for (const [name, value] of entries) {
          if (
            !['smtp', 'api'].includes(name) ||
            !Number.isInteger(value) ||
            (value as number) < 1 ||
            (value as number) > 65535
          )
            throw new ConfigError(
              `${key}.ports${name === 'ports' ? '' : `.${name}`}`,
              `is ${JSON.stringify(value)}`,
              'Give { smtp, api } as port numbers from 1 to 65535, or leave ports out for free ones.',
            )
        }
      },
      async connect(config, context) {
        const { connectCaptureServer, startCaptureContainer } = await import('./start-capture-container.js')
        if (context.run) return connectCaptureServer(JSON.parse(context.run), { profile: context.profile })
        // No global setup started one: this worker gets its own, stopped on close().
        const started = await startCaptureContainer(config.server, {
          image: config.image,
          profile: context.profile,
          ports: config.ports,
        })
        const provider = await started.inboxProvider()
        return {
          ...provider,
          close: async () => {
            await provider.close?.()
            await started.stop()
          },
        }
      },
      async startRun(config, context) {
        const { describeCaptureServer, startCaptureContainer } = await import('./start-capture-container.js')
        const started = await startCaptureContainer(config.server, {
          image: config.image,
          profile: context.profile,
          ports: config.ports,
        })
        return {
          description: JSON.stringify(describeCaptureServer(config.server, started)),
          smtp: started.getSmtp(),
          url: started.getApiUrl(),
          stop: async () => {
            await started.stop()
          },
        }
      },
    },
  ],
})

export default testcontainersPlugin
