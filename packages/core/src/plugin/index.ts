// The entry for authors of inbox and transport types (docs/plugins.md): the registry, the Inbox back-end
// contract, and the building blocks every back end shares.
export { type ComputeEmailAuthOptions, computeEmailAuth } from '../auth/compute-email-auth.js'
export {
  type AnyInboxType,
  type AnyTransportType,
  definePlugin,
  type InboxType,
  type InboxTypeContext,
  type MailwrightPlugin,
  type ResolvedConfig,
  type ResolvedInboxConfig,
  type ResolvedTransportConfig,
  type RunInbox,
  type RunInboxPorts,
  type SecretKey,
  type TransportType,
  type TransportTypeContext,
} from '../config/define-plugin.js'
export { registerPlugin } from '../config/register-plugin.js'
export { EmailFeed } from '../email-feed.js'
export { inboxAddress } from '../inbox-address.js'
export type { InboxBackend, WaitRequest, WaitResult } from '../inbox-backend.js'
export { type InboxFromBackendOptions, inboxFromBackend } from '../inbox-from-backend.js'
export { faultNeverActsError, hidingFault, INBOX_FAULT_STAGES } from '../smtp-fault.js'
