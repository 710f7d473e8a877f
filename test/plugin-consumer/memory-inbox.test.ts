import { fileURLToPath } from 'node:url'
import {
  loadConfig,
  RecipientNotAllowedError,
  resolveEnvironment,
  startWorkerContext,
} from '@mailwright/core'
import { describe, expect, it } from 'vitest'
import { CONTRACT_KEY, inboxContract } from '../../packages/core/src/inbox-contract.test-util.js'

// This project installs mailwright-memory-inbox (a package outside Mailwright) and names its types in
// mailwright.config.ts. Nothing registers it: the package's package.json names its plugin, core finds it in
// the project's dependencies, and the runners' one worker context uses it like any other back end.
const directory = fileURLToPath(new URL('.', import.meta.url))

describe('an inbox type added by one package, with no edit in core', () => {
  it('is found in the project, checked, and serves inboxes and a guarded transport through the worker context', async () => {
    const config = await loadConfig(directory)
    await using worker = await startWorkerContext({ config, environment: 'memory', directory })
    expect(worker.environment.inbox).toEqual({ type: 'memory', domain: 'memory.test' })
    const inbox = await worker.inboxProvider.createInbox('alice')
    expect(inbox.address).toMatch(/^alice\+[a-z0-9]+@memory\.test$/)
    const transport = await worker.mailTransport()
    await transport.send({ from: 'app@example.com', to: inbox.address, subject: 'Welcome', text: 'Hi' })
    expect((await inbox.waitForEmail({ subject: 'Welcome' })).to[0]?.address).toBe(inbox.address)
    // Not the sandbox: core puts the allowlist around the plugin's transport.
    await expect(
      transport.send({ from: 'app@example.com', to: 'customer@example.com', subject: 'No', text: 'No' }),
    ).rejects.toBeInstanceOf(RecipientNotAllowedError)
    await inbox.dispose()
  })

  it("runs the plugin's own check on the config", async () => {
    await expect(
      resolveEnvironment(
        { environments: { m: { inbox: { type: 'memory', domain: 'not a domain' } } } },
        { name: 'm', env: {}, directory },
      ),
    ).rejects.toThrow(/environments\.m\.inbox\.domain/)
  })
})

// The same Inbox contract the other back ends pass, on the plugin's inboxes and transport.
inboxContract('a plugin package (mailwright-memory-inbox)', async () => {
  const worker = await startWorkerContext({
    directory,
    environment: 'memory',
    config: {
      environments: {
        memory: {
          inbox: { type: 'memory' },
          transport: { type: 'memory' },
          allowRecipients: ['*@memory.test', '*@example.org'],
          profile: {
            senderIp: '203.0.113.10',
            helo: 'mail.example.com',
            dns: {
              records: {
                'example.com': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
                's1._domainkey.example.com': { TXT: [CONTRACT_KEY.record] },
                '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
              },
            },
          },
        },
      },
    },
  })
  const transport = await worker.mailTransport()
  return {
    provider: worker.inboxProvider,
    send: async (message) => {
      await transport.send(message as never)
    },
    stop: () => worker.close(),
  }
})
