import {
  freePort,
  type InboxProvider,
  InvalidArgumentError,
  MailwrightError,
  type SendingProfile,
} from '@mailwright/core'
import { AbstractStartedContainer, GenericContainer, type StartedTestContainer } from 'testcontainers'
import { containerLog } from './container-log.js'

/** Label on every container Mailwright starts, so leftovers can be found and removed (`docker rm` by label). */
export const CONTAINER_LABEL = 'dev.mailwright.capture'

/** Where a started capture server listens, and what its inboxes are judged as. */
export interface CaptureSettings {
  smtpPort: number
  apiPort: number
  domain?: string
  profile?: SendingProfile
}

/**
 * What Mailpit and MailDev containers share: host networking on 127.0.0.1 (so nothing depends on a Docker
 * bridge address), fixed or free ports chosen before the start, the inbox domain and sending profile.
 */
export abstract class CaptureContainer<Started extends StartedTestContainer> extends GenericContainer {
  readonly #image: string
  readonly #server: string
  protected ports: { smtp?: number; api?: number } = {}
  protected domain?: string
  protected profile?: SendingProfile

  constructor(image: string, server: string) {
    super(image)
    this.#image = image
    this.#server = server
    this.withNetworkMode('host')
      .withLabels({ [CONTAINER_LABEL]: server })
      .withStartupTimeout(60_000)
  }

  /** Fixed ports on 127.0.0.1 (default: free ones), for an app under test that must be told before it starts. */
  withPorts(ports: { smtp?: number; api?: number }): this {
    for (const [name, port] of Object.entries(ports)) {
      if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
        throw new InvalidArgumentError(
          `ports.${name}`,
          port,
          'a port number from 1 to 65535 (or leave it out for a free one)',
        )
    }
    this.ports = { ...ports }
    return this
  }

  /** Domain of the addresses `createInbox()` hands out. Default `inbox.test`. */
  withInboxDomain(domain: string): this {
    this.domain = domain
    return this
  }

  /** Compute SPF/DKIM/DMARC verdicts as for mail sent from production (egress IP, HELO, DNS). */
  withSendingProfile(profile: SendingProfile): this {
    this.profile = profile
    return this
  }

  override async start(): Promise<Started> {
    // The container shares the host's network and listens on 127.0.0.1, so that is its host, whatever
    // testcontainers would guess (inside a container it guesses the Docker bridge gateway).
    process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1'
    const smtpPort = this.ports.smtp ?? (await freePort())
    const apiPort = this.ports.api ?? (await freePort())
    this.withEnvironment(this.environmentFor(smtpPort, apiPort))
    let started: StartedTestContainer
    try {
      started = await super.start()
    } catch (error) {
      throw new MailwrightError(
        'CONTAINER_START',
        `Could not start ${this.#server} from image ${this.#image}: ${(error as Error).message.trim()}. The image must be in the local Docker engine or pullable from its registry; where no registry is reachable, build one (see scripts/build-images.sh) and name it (inbox.image, or the container's constructor).`,
        { cause: error },
      )
    }
    return this.wrap(started, { smtpPort, apiPort, domain: this.domain, profile: this.profile })
  }

  /** The server's settings for listening on 127.0.0.1 at these ports. */
  protected abstract environmentFor(smtpPort: number, apiPort: number): Record<string, string>

  protected abstract wrap(started: StartedTestContainer, settings: CaptureSettings): Started
}

/** What the started Mailpit and MailDev containers share. */
export abstract class StartedCaptureContainer extends AbstractStartedContainer {
  readonly #settings: CaptureSettings
  #provider: Promise<InboxProvider> | undefined

  constructor(started: StartedTestContainer, settings: CaptureSettings) {
    super(started)
    this.#settings = settings
  }

  /** Where to send mail: `{ host: '127.0.0.1', port }`. */
  getSmtp(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.#settings.smtpPort }
  }

  getSmtpPort(): number {
    return this.#settings.smtpPort
  }

  /** The HTTP API's base URL (also the web UI), e.g. `http://127.0.0.1:8025`. */
  getApiUrl(): string {
    return `http://127.0.0.1:${this.#settings.apiPort}`
  }

  /** A new inbox with a unique address on this server; waits are pushed by the server's events. */
  async createInbox(name?: string) {
    this.#provider ??= this.inboxProvider()
    return (await this.#provider).createInbox(name)
  }

  /** An inbox provider on this server (the runners' fixtures use one per worker). */
  inboxProvider(): Promise<InboxProvider> {
    return this.connect({
      smtp: this.getSmtp(),
      domain: this.#settings.domain,
      profile: this.#settings.profile,
      logs: () => this.logText(),
    })
  }

  /** Everything the server has logged so far (stdout and stderr). */
  logText(): Promise<string> {
    return containerLog(this.getId())
  }

  override async stop(options?: Parameters<StartedTestContainer['stop']>[0]) {
    if (this.#provider) await (await this.#provider).close?.()
    return super.stop(options)
  }

  protected abstract connect(options: {
    smtp: { host: string; port: number }
    domain?: string
    profile?: SendingProfile
    logs: () => Promise<string>
  }): Promise<InboxProvider>
}
