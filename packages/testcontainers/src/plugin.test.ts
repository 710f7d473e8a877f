import { resolveEnvironment } from '@mailwright/core'
import { registerPlugin } from '@mailwright/core/plugin'
import { describe, expect, it } from 'vitest'
import testcontainersPlugin from './plugin.js'

// The `container` type comes from this package's plugin (a project that installs the package finds it
// through its package.json; here it is registered directly): core names neither the type nor the package.
registerPlugin(testcontainersPlugin)

describe('the container inbox type', () => {
  const resolve = (inbox: object) =>
    resolveEnvironment({ environments: { x: { inbox } } } as never, { name: 'x', env: {} })

  it('takes Mailpit or MailDev, with an image or without', async () => {
    const resolved = await resolve({ type: 'container', server: 'mailpit', image: 'axllent/mailpit:v1.30.5' })
    expect(resolved.inbox).toEqual({ type: 'container', server: 'mailpit', image: 'axllent/mailpit:v1.30.5' })
    expect(resolved.sandbox).toBe(true)
  })

  it('refuses a missing or unknown server and ports out of range, naming the key', async () => {
    await expect(resolve({ type: 'container' })).rejects.toThrow(
      'environments.x.inbox.server is required for inbox type "container"',
    )
    await expect(resolve({ type: 'container', server: 'maildev', ports: { smtp: 70000 } })).rejects.toThrow(
      'environments.x.inbox.ports.smtp is 70000. Give { smtp, api } as port numbers from 1 to 65535, or leave ports out for free ones.',
    )
    await expect(resolve({ type: 'container', server: 'mailhog' })).rejects.toThrow(
      'environments.x.inbox.server is "mailhog", which is not a capture server Mailwright can run. Use "mailpit" or "maildev".',
    )
  })
})
