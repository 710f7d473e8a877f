import type { InboxProvider } from '@mailwright/core'
import { type StartedTestContainer, Wait } from 'testcontainers'
import { CaptureContainer, type CaptureSettings, StartedCaptureContainer } from './capture-container.js'
import type { ContainerInboxOptions } from './feed-inbox-provider.js'
import { connectMailDev } from './maildev-inbox.js'

/** The MailDev image used unless one is given: the version whose API the adapter was tested against. */
export const MAILDEV_IMAGE = 'maildev/maildev:3.0.0'

/**
 * A MailDev 3 container, in the shape of testcontainers' modules. It runs on the host network, bound to
 * 127.0.0.1, on free ports (or `withPorts`); `start()` waits until MailDev says it is ready.
 *
 * @example
 * const maildev = await new MailDevContainer().start()
 * const inbox = await maildev.createInbox('signup')
 * await sendSignupMail({ ...maildev.getSmtp(), to: inbox.address })
 * await maildev.stop()
 */
export class MailDevContainer extends CaptureContainer<StartedMailDevContainer> {
  constructor(image: string = MAILDEV_IMAGE) {
    super(image, 'maildev')
    // The banner comes after both the SMTP and the HTTP listener are up (dist/bin/maildev.js).
    this.withWaitStrategy(Wait.forLogMessage(/Press Ctrl\+C to stop/))
  }

  protected environmentFor(smtpPort: number, apiPort: number): Record<string, string> {
    return {
      MAILDEV_SMTP_PORT: String(smtpPort),
      MAILDEV_WEB_PORT: String(apiPort),
      MAILDEV_IP: '127.0.0.1',
      MAILDEV_WEB_IP: '127.0.0.1',
    }
  }

  protected wrap(started: StartedTestContainer, settings: CaptureSettings): StartedMailDevContainer {
    return new StartedMailDevContainer(started, settings)
  }
}

/** A running MailDev container: where to send mail, its API URL, and inboxes on it. */
export class StartedMailDevContainer extends StartedCaptureContainer {
  protected connect(options: ContainerInboxOptions): Promise<InboxProvider> {
    return connectMailDev(this.getApiUrl(), options)
  }
}
