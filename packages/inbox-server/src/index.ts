export type { RetentionOptions, StoreStats } from './email-store.js'
export type { SmtpAuthOptions } from './smtp-listener.js'
export {
  type CreateInboxOptions,
  type InboxServerOptions,
  type StartedInboxServer,
  startInboxServer,
} from './start-inbox-server.js'
export { writeCaFile } from './write-ca-file.js'
