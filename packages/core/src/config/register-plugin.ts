import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigError } from './config-error.js'
import type { MailwrightPlugin, RegisteredInboxType, RegisteredTransportType } from './define-plugin.js'

const REGISTRY = Symbol.for('mailwright.plugin-registry')

interface Registry {
  inboxTypes: Map<string, { definition: RegisteredInboxType; plugin: string }>
  transportTypes: Map<string, { definition: RegisteredTransportType; plugin: string }>
  discovered: Map<string, Promise<void>>
}

// Keyed by type name at run time: each definition is erased to its registered form once, here, and is
// only ever called with a config section checked against it. One registry per process, even when a
// project ends up with two copies of core (a nested install): a runner's registration must reach the
// copy that reads the config.
const shared = globalThis as { [REGISTRY]?: Registry }
shared[REGISTRY] ??= { inboxTypes: new Map(), transportTypes: new Map(), discovered: new Map() }
const { inboxTypes, transportTypes, discovered } = shared[REGISTRY]
// Core's own types give way to a package that provides the same type (the capture inbox's `local`).
const CORE = '@mailwright/core'

/**
 * Makes a plugin's inbox and transport types usable in this process. Registering the same plugin again
 * changes nothing; a type another registered plugin already provides is refused, so two plugins cannot
 * silently fight over one name. (A type an installed package provides is skipped when one was registered
 * explicitly: the project's own choice wins.)
 *
 * @example
 * registerPlugin(definePlugin({ name: 'my-project', inboxTypes: [memoryInboxType] }))
 */
export function registerPlugin(plugin: MailwrightPlugin): void {
  register(plugin, false)
}

function register(plugin: MailwrightPlugin, installed: boolean): void {
  // Core's own types are defaults: whoever provides the same type first (or later) keeps it.
  const defaults = plugin.name === CORE
  const claims = [
    ...(plugin.inboxTypes ?? []).map((d) => ['inbox', d.type, inboxTypes.get(d.type)] as const),
    ...(plugin.transportTypes ?? []).map((d) => ['transport', d.type, transportTypes.get(d.type)] as const),
  ]
  for (const [kind, type, existing] of claims) {
    if (existing && existing.plugin !== plugin.name && existing.plugin !== CORE && !installed && !defaults)
      throw new ConfigError(
        `plugins.${plugin.name}`,
        `provides the ${kind} type "${type}", which ${existing.plugin} already provides`,
        'Install or list only one package for each type.',
      )
  }
  for (const definition of plugin.inboxTypes ?? []) {
    const existing = inboxTypes.get(definition.type)
    if ((installed || defaults) && existing && existing.plugin !== CORE) continue
    inboxTypes.set(definition.type, {
      definition: definition as unknown as RegisteredInboxType,
      plugin: plugin.name,
    })
  }
  for (const definition of plugin.transportTypes ?? []) {
    const existing = transportTypes.get(definition.type)
    if ((installed || defaults) && existing && existing.plugin !== CORE) continue
    transportTypes.set(definition.type, {
      definition: definition as unknown as RegisteredTransportType,
      plugin: plugin.name,
    })
  }
}

/** The inbox type registered under `type`, after looking through the project's installed plugins. */
export async function findInboxType(
  type: string,
  directory = process.cwd(),
): Promise<RegisteredInboxType | undefined> {
  if (!inboxTypes.has(type)) await discoverPlugins(directory)
  return inboxTypes.get(type)?.definition
}

/** The transport type registered under `type`, after looking through the project's installed plugins. */
export async function findTransportType(
  type: string,
  directory = process.cwd(),
): Promise<RegisteredTransportType | undefined> {
  if (!transportTypes.has(type)) await discoverPlugins(directory)
  return transportTypes.get(type)?.definition
}

/** Every registered type of a kind, in registration order (for "use one of" messages). */
export function registeredTypes(kind: 'inbox' | 'transport'): string[] {
  return [...(kind === 'inbox' ? inboxTypes : transportTypes).keys()]
}

/**
 * Registers the plugins of the project's direct dependencies: a package provides one by naming it in its
 * package.json (`"mailwright": { "plugin": "./dist/plugin.js" }`). Looked for once per directory, only when
 * a config names a type nobody registered, so a sandbox-only run reads no other package.
 */
function discoverPlugins(directory: string): Promise<void> {
  const key = resolve(directory)
  let done = discovered.get(key)
  if (!done) {
    done = (async () => {
      for (const file of pluginFiles(key)) {
        const loaded = (await import(pathToFileURL(file).href)) as { default?: MailwrightPlugin }
        if (loaded.default) register(loaded.default, true)
      }
    })()
    discovered.set(key, done)
  }
  return done
}

function pluginFiles(directory: string): string[] {
  // The project's package.json and those above it: a monorepo often keeps its test tooling at the root.
  const manifests = packageJsons(directory)
  const names = new Set(
    manifests.flatMap((file) => {
      const manifest = readJson(file) as Record<string, Record<string, string> | undefined>
      return ['dependencies', 'devDependencies', 'optionalDependencies'].flatMap((field) =>
        Object.keys(manifest[field] ?? {}),
      )
    }),
  )
  const lookup = manifests[0] ? (createRequire(manifests[0]).resolve.paths('mailwright-plugin') ?? []) : []
  const files: string[] = []
  for (const name of [...names].sort()) {
    const root = lookup.map((dir) => join(dir, name)).find((dir) => existsSync(join(dir, 'package.json')))
    if (!root) continue
    const plugin = (readJson(join(root, 'package.json')) as { mailwright?: { plugin?: unknown } }).mailwright
      ?.plugin
    if (typeof plugin === 'string') files.push(join(root, plugin))
  }
  return files
}

function packageJsons(directory: string): string[] {
  const found: string[] = []
  for (let dir = directory; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) found.push(file)
    if (dirname(dir) === dir) return found
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return {}
  }
}
