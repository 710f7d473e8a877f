export { EmailStore, type RetentionOptions, type StoredEmail, type StoreStats } from './email-store.js'
export { createHttpApi, type HttpApiContext } from './http-api.js'
export {
  createSmtpListener,
  findBareLineEnding,
  type SmtpAuthOptions,
  type SmtpListenerOptions,
} from './smtp-listener.js'
export {
  type CreateInboxOptions,
  type InboxServerOptions,
  type StartedInboxServer,
  startInboxServer,
} from './start-inbox-server.js'
export { writeCaFile } from './write-ca-file.js'
