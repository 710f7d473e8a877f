import type { InboxProvider } from '@mailwright/core'
import { type StartedTestContainer, Wait } from 'testcontainers'
import { CaptureContainer, type CaptureSettings, StartedCaptureContainer } from './capture-container.js'
import type { ContainerInboxOptions } from './feed-inbox-provider.js'
import { connectMailpit } from './mailpit-inbox.js'

/** The Mailpit image used unless one is given: the release whose API description the adapter follows. */
export const MAILPIT_IMAGE = 'axllent/mailpit:v1.30.5'

/**
 * A Mailpit container, in the shape of testcontainers' modules. It runs on the host network, bound to
 * 127.0.0.1, on free ports (or `withPorts`); `start()` waits for `mailpit readyz`. SMTP accepts any
 * credentials over plain connections (`MP_SMTP_AUTH_ACCEPT_ANY`, `MP_SMTP_AUTH_ALLOW_INSECURE`), so apps
 * that log in work unchanged.
 *
 * @example
 * const mailpit = await new MailpitContainer().start()
 * const inbox = await mailpit.createInbox('signup')
 * await sendSignupMail({ ...mailpit.getSmtp(), to: inbox.address })
 * await mailpit.stop()
 */
export class MailpitContainer extends CaptureContainer<StartedMailpitContainer> {
  constructor(image: string = MAILPIT_IMAGE) {
    super(image, 'mailpit')
    this.withWaitStrategy(Wait.forSuccessfulCommand('/mailpit readyz'))
  }

  protected environmentFor(smtpPort: number, apiPort: number): Record<string, string> {
    return {
      MP_SMTP_BIND_ADDR: `127.0.0.1:${smtpPort}`,
      MP_UI_BIND_ADDR: `127.0.0.1:${apiPort}`,
      MP_SMTP_AUTH_ACCEPT_ANY: 'true',
      MP_SMTP_AUTH_ALLOW_INSECURE: 'true',
      // Tests may send more than the default 500 messages in a run; keep them all.
      MP_MAX_MESSAGES: '0',
    }
  }

  protected wrap(started: StartedTestContainer, settings: CaptureSettings): StartedMailpitContainer {
    return new StartedMailpitContainer(started, settings)
  }
}

/** A running Mailpit container: where to send mail, its API URL, and inboxes on it. */
export class StartedMailpitContainer extends StartedCaptureContainer {
  protected connect(options: ContainerInboxOptions): Promise<InboxProvider> {
    return connectMailpit(this.getApiUrl(), options)
  }
}
