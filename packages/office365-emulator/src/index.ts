export type { DeliveryOptions, Mailboxes, MailFolder, StoredMessage } from './mailboxes.js'
export {
  type Office365EmulatorOptions,
  type StartedOffice365Emulator,
  startOffice365Emulator,
} from './start-office365-emulator.js'
export type { SubmittedMessage } from './submission-listener.js'
export {
  type BasicAuthMode,
  type EmulatedApp,
  type EmulatedMailbox,
  type InboundConnector,
  type JunkRule,
  type TenantModel,
  tenantModel,
} from './tenant-model.js'
export type { TokenClaims } from './token-issuer.js'
