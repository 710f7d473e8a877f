import { CONTRACT_PROFILE, inboxContract } from '../../core/src/inbox-contract.test-util.js'
import { startInboxServer } from './start-inbox-server.js'

// The embedded capture inbox against the contract every back end shares (MailDev and Mailpit run it too).
inboxContract('embedded inbox server', async () => {
  const server = await startInboxServer({ httpPort: false, sendingProfile: CONTRACT_PROFILE })
  return { provider: server.provider(), stop: () => server.stop() }
})
