export { createGraphEndpoint } from './graph-endpoint.js'
export { type DeliveryOptions, Mailboxes, type StoredMessage } from './mailboxes.js'
export {
  type Office365EmulatorOptions,
  type StartedOffice365Emulator,
  startOffice365Emulator,
} from './start-office365-emulator.js'
export { createSubmissionListener, type SubmittedMessage } from './submission-listener.js'
export {
  type BasicAuthMode,
  type EmulatedApp,
  type EmulatedMailbox,
  type InboundConnector,
  type TenantModel,
  tenantModel,
} from './tenant-model.js'
export { createTokenEndpoint } from './token-endpoint.js'
export { type TokenClaims, TokenIssuer } from './token-issuer.js'
