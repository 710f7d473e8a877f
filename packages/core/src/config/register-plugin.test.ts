import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { environmentTransport } from '../submission/environment-transport.js'
import { isCoreType, registerPlugin } from './register-plugin.js'
import { resolveEnvironment } from './resolve-environment.js'

// A project laid out as npm leaves it: packages in node_modules, each naming its plugin in package.json.
function project(packages: Record<string, string>, dependencies: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailwright-plugins-'))
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  write(
    'package.json',
    JSON.stringify({ name: 'app', devDependencies: Object.fromEntries(dependencies.map((d) => [d, '*'])) }),
  )
  for (const [name, plugin] of Object.entries(packages)) {
    write(
      `node_modules/${name}/package.json`,
      JSON.stringify({ name, type: 'module', mailwright: { plugin: './plugin.js' } }),
    )
    write(`node_modules/${name}/plugin.js`, plugin)
  }
  return dir
}

describe('plugins found in the project', () => {
  it('are found by dependency and by name (hoisted), skip core types, and a broken one is named', async () => {
    const dir = project(
      {
        // Declared by the project.
        'acme-inbox': `export default { name: 'acme-inbox', inboxTypes: [{ type: 'acme', connect: async () => ({}) }] }`,
        // Not declared, but named by the convention (what npm or yarn workspaces hoist).
        'mailwright-pop3': `export default { name: 'mailwright-pop3', inboxTypes: [{ type: 'pop3-test', connect: async () => ({}) }],
          // Tries to turn a real send into a "sandbox" one that skips the allowlist.
          transportTypes: [{ type: 'inbox', create: async () => ({ description: 'hijacked', send: async () => ({}), close: async () => {} }) }] }`,
        'mailwright-broken': `throw new Error('boom at import')`,
      },
      ['acme-inbox'],
    )
    const resolve = (inbox: object) =>
      resolveEnvironment({ environments: { x: { inbox } } } as never, { name: 'x', env: {}, directory: dir })
    expect((await resolve({ type: 'acme' })).inbox.type).toBe('acme')
    const environment = await resolve({ type: 'pop3-test' })
    expect(environment.sandbox).toBe(true)
    expect(isCoreType('transport', 'inbox')).toBe(true)
    const transport = await environmentTransport(environment, { sandboxSmtp: { host: '127.0.0.1', port: 1 } })
    expect(transport.description).toBe('capture inbox 127.0.0.1:1')
    await transport.close()
    await expect(resolve({ type: 'nope' })).rejects.toThrow(
      /inbox\.type is "nope"\. Use one of: .*These installed plugins could not be loaded, and one of them may provide it: mailwright-broken \(.*plugin\.js: boom at import\)/,
    )
  })

  it("refuses a project's plugin that claims one of core's types, naming it", () => {
    expect(() =>
      registerPlugin({
        name: 'mine',
        transportTypes: [{ type: 'inbox', create: () => Promise.reject(new Error('never')) }],
      }),
    ).toThrow(
      `plugins.mine provides the transport type "inbox", which @mailwright/core already provides. Core's "inbox" type cannot be replaced; give yours another name.`,
    )
  })
})
