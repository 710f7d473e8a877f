import { connectInboxServer } from '@mailwright/core'
import { CONTRACT_PROFILE, inboxContract } from '../../core/src/inbox-contract.test-util.js'
import { startInboxServer } from './start-inbox-server.js'

// The embedded capture inbox against the contract every back end shares (MailDev and Mailpit run it too).
inboxContract('embedded inbox server', async () => {
  const server = await startInboxServer({ httpPort: false, sendingProfile: CONTRACT_PROFILE })
  return { provider: server.provider(), stop: () => server.stop() }
})

// The HTTP client every Playwright inboxServer() run and every Vitest worker uses: the same server, reached
// from "another process" over its HTTP API (long-polled waits), as connectInboxServer hands it out.
inboxContract('HTTP client (connectInboxServer) to an inbox server', async () => {
  const server = await startInboxServer({ httpPort: 0, sendingProfile: CONTRACT_PROFILE })
  const provider = await connectInboxServer(server.url as string)
  return { provider, stop: () => server.stop() }
})
