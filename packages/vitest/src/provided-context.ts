// Types what the global setup provides, and Mailwright's test artifact, for every module that imports
// @mailwright/vitest.
import type { TestEmailRecord } from '@mailwright/report'
import type { TestArtifactBase, TestAttachment } from 'vitest'

/** The emails of a test that failed for a reason Mailwright did not see, attached after the fact. */
export interface MailwrightEmailsArtifact extends TestArtifactBase {
  type: 'mailwright:emails'
  attachments: Array<TestAttachment & { name: string }>
}

const emailsArtifact = Symbol('mailwright:emails')

declare module 'vitest' {
  interface ProvidedContext {
    /** Base URL of the run's inbox server, provided by `@mailwright/vitest/global-setup`. */
    mailwrightInboxUrl: string
    /** The run's inbox, whatever its type, as the global setup started it: the test workers connect to it. */
    mailwrightRun?: { environment: string; description: string }
    /**
     * The environment this project runs in (`test: { provide: { mailwrightEnv: 'staging' } }`); without it,
     * `MAILWRIGHT_ENV`, else `sandbox`.
     */
    mailwrightEnv?: string
    /** Where the project's mailwright.config.ts is read from (its root), as the global setup read it. */
    mailwrightConfigDir?: string
  }
  interface TaskMeta {
    /** What the test did with email, for `@mailwright/vitest/reporter`. */
    mailwright?: TestEmailRecord
  }
  interface TestArtifactRegistry {
    [emailsArtifact]: MailwrightEmailsArtifact
  }
}
