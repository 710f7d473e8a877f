import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

// The dependency rules `pnpm lint` runs (.dependency-cruiser.cjs), on a small tree of packages laid out as
// this repository's are, each with one wrong import: the rule must name it, and `depcruise` must fail.
const repo = fileURLToPath(new URL('../../', import.meta.url))
const depcruise = join(repo, 'node_modules/.bin/depcruise')
const tree = mkdtempSync(join(tmpdir(), 'mailwright-deps-'))
afterAll(() => rmSync(tree, { recursive: true, force: true }))

function write(path: string, text: string): void {
  mkdirSync(dirname(join(tree, path)), { recursive: true })
  writeFileSync(join(tree, path), text)
}

/** A workspace package: its package.json (exports → its build), a link in node_modules as pnpm makes. */
function workspacePackage(dir: string, name: string): void {
  write(
    `packages/${dir}/package.json`,
    JSON.stringify({ name, type: 'module', exports: { '.': './dist/index.js' } }),
  )
  write(`packages/${dir}/src/index.ts`, 'export const value = 1\n')
  write(`packages/${dir}/dist/index.js`, 'export const value = 1\n')
  mkdirSync(dirname(join(tree, 'node_modules', name)), { recursive: true })
  symlinkSync(join(tree, 'packages', dir), join(tree, 'node_modules', name))
}

function cruise(): { code: number | null; output: string } {
  const run = spawnSync(
    depcruise,
    ['packages/*/src', '--config', join(repo, '.dependency-cruiser.cjs'), '--output-type', 'err'],
    {
      cwd: tree,
      encoding: 'utf8',
    },
  )
  return { code: run.status, output: `${run.stdout}${run.stderr}` }
}

describe('pnpm lint: dependency directions', () => {
  write('tsconfig.base.json', '{}')
  for (const [dir, name] of [
    ['core', '@mailwright/core'],
    ['inbox-server', '@mailwright/inbox-server'],
    ['office365', '@mailwright/office365'],
    ['vitest', '@mailwright/vitest'],
    ['testcontainers', '@mailwright/testcontainers'],
    ['cli', 'mailwright'],
  ] as const)
    workspacePackage(dir, name)

  it('passes a tree whose imports go the right way', () => {
    write(
      'packages/inbox-server/src/server.ts',
      "import { value } from '@mailwright/core'\nexport const server = value\n",
    )
    const run = cruise()
    expect(run.output, run.output).toContain('no dependency violations found')
    expect(run.code).toBe(0)
  })

  it('fails on core importing a back end, a runner importing an optional package, and a heavy plugin module', () => {
    write(
      'packages/core/src/wrong.ts',
      "import { value } from '@mailwright/inbox-server'\nexport const wrong = value\n",
    )
    write(
      'packages/vitest/src/wrong.ts',
      "import { value } from '@mailwright/office365'\nexport const wrong = value\n",
    )
    write('packages/office365/src/graph-inbox.ts', 'export const graph = 1\n')
    write(
      'packages/office365/src/plugin.ts',
      "import { value } from '@mailwright/core'\nimport { graph } from './graph-inbox.ts'\nexport default [value, graph]\n",
    )
    const run = cruise()
    expect(run.code).not.toBe(0)
    expect(run.output).toContain(
      'core-depends-on-nothing-of-ours: packages/core/src/wrong.ts → packages/inbox-server/dist/index.js',
    )
    expect(run.output).toContain(
      'runners-stay-thin: packages/vitest/src/wrong.ts → packages/office365/dist/index.js',
    )
    expect(run.output).toContain(
      'plugins-are-light: packages/office365/src/plugin.ts → packages/office365/src/graph-inbox.ts',
    )
  })

  it('fails on each other wrong way: a back end on another, the CLI loading an option at once, a heavy import behind a plugin, a relative import into a build, a deep import that does not exist, a cycle', () => {
    for (const file of ['core/src/wrong.ts', 'vitest/src/wrong.ts', 'office365/src/plugin.ts'])
      rmSync(join(tree, 'packages', file))
    write(
      'node_modules/testcontainers/package.json',
      JSON.stringify({ name: 'testcontainers', main: 'index.js' }),
    )
    write('node_modules/testcontainers/index.js', 'export const GenericContainer = 1\n')
    write(
      'packages/inbox-server/src/wrong.ts',
      "import { value } from '@mailwright/office365'\nexport const wrong = value\n",
    )
    write(
      'packages/cli/src/wrong.ts',
      "import { value } from '@mailwright/office365'\nexport const wrong = value\n",
    )
    write(
      'packages/testcontainers/src/plugin.ts',
      "import { names } from './capture-servers.ts'\nexport default names\n",
    )
    write(
      'packages/testcontainers/src/capture-servers.ts',
      "import { GenericContainer } from 'testcontainers'\nexport const names = [GenericContainer]\n",
    )
    write(
      'packages/vitest/src/deep.ts',
      "import { value } from '../../core/dist/index.js'\nexport const deep = value\n",
    )
    write(
      'packages/vitest/src/missing.ts',
      "import { nope } from '@mailwright/core/nope'\nexport const missing = nope\n",
    )
    write('packages/core/src/a.ts', "import { b } from './b.ts'\nexport const a = () => b\n")
    write('packages/core/src/b.ts', "import { a } from './a.ts'\nexport const b = () => a\n")
    const run = cruise()
    expect(run.code).not.toBe(0)
    for (const line of [
      'back-ends-depend-only-on-core: packages/inbox-server/src/wrong.ts → packages/office365/dist/index.js',
      'cli-loads-optional-packages-lazily: packages/cli/src/wrong.ts → packages/office365/dist/index.js',
      'no-heavy-dependency-at-load: packages/testcontainers/src/capture-servers.ts → node_modules/testcontainers/index.js',
      'no-reaching-into-another-package: packages/vitest/src/deep.ts → packages/core/dist/index.js',
      'no-unresolvable: packages/vitest/src/missing.ts → @mailwright/core/nope',
      'no-circular: packages/core/src/a.ts',
    ])
      expect(run.output).toContain(line)
  })
})
