import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { errorDetail } from '../mailwright-error.js'
import { ConfigError } from './config-error.js'
import type { MailwrightPlugin, RegisteredInboxType, RegisteredTransportType } from './define-plugin.js'

const REGISTRY = Symbol.for('mailwright.plugin-registry')

interface Registry {
  inboxTypes: Map<string, { definition: RegisteredInboxType; plugin: string }>
  transportTypes: Map<string, { definition: RegisteredTransportType; plugin: string }>
  discovered: Map<string, Promise<void>>
  /** The installed plugins that could not be loaded, by the directory looked from. */
  failures: Map<string, string[]>
}

// Keyed by type name at run time: each definition is erased to its registered form once, here, and is
// only ever called with a config section checked against it. One registry per process, even when a
// project ends up with two copies of core (a nested install): a runner's registration must reach the
// copy that reads the config.
const shared = globalThis as { [REGISTRY]?: Registry }
shared[REGISTRY] ??= {
  inboxTypes: new Map(),
  transportTypes: new Map(),
  discovered: new Map(),
  failures: new Map(),
}
// A registry made by an older copy of core lacks the newer fields.
shared[REGISTRY].failures ??= new Map()
const { inboxTypes, transportTypes, discovered, failures: discoveryFailures } = shared[REGISTRY]
const CORE = '@mailwright/core'

/**
 * Makes a plugin's inbox and transport types usable in this process. Registering the same plugin again
 * changes nothing; a type another plugin already provides is refused, so two plugins cannot silently fight
 * over one name. Only core's stand-in for `local` gives way (to the package that runs the capture inbox);
 * core's `server` and `inbox` types are never replaced, so no package can turn a real send into a
 * "sandbox" one that skips the allowlist. A type an installed package provides is skipped when the project
 * registered its own first.
 *
 * @example
 * registerPlugin(definePlugin({ name: 'my-project', inboxTypes: [memoryInboxType] }))
 */
export function registerPlugin(plugin: MailwrightPlugin): void {
  register(plugin, false)
}

// The one core type a package may replace: its stand-in for the capture inbox the runners start.
const REPLACEABLE = 'local'

function register(plugin: MailwrightPlugin, installed: boolean): void {
  // Core's own registration (once per copy of core: a project can hold two) never replaces anything.
  const defaults = plugin.name === CORE
  const claims = [
    ...(plugin.inboxTypes ?? []).map((d) => ['inbox', d.type, inboxTypes.get(d.type)] as const),
    ...(plugin.transportTypes ?? []).map((d) => ['transport', d.type, transportTypes.get(d.type)] as const),
  ]
  for (const [kind, type, existing] of claims) {
    if (!existing || existing.plugin === plugin.name || defaults) continue
    if (existing.plugin === CORE && kind === 'inbox' && type === REPLACEABLE) continue
    // An installed package never overrides what is registered (core's own types, the project's choice).
    if (installed) continue
    throw new ConfigError(
      `plugins.${plugin.name}`,
      `provides the ${kind} type "${type}", which ${existing.plugin} already provides`,
      existing.plugin === CORE
        ? `Core's "${type}" type cannot be replaced; give yours another name.`
        : 'Install or list only one package for each type.',
    )
  }
  for (const definition of plugin.inboxTypes ?? []) {
    const existing = inboxTypes.get(definition.type)
    const replaceable = existing?.plugin === CORE && definition.type === REPLACEABLE
    if (existing && (defaults || (existing.plugin !== plugin.name && !replaceable))) continue
    inboxTypes.set(definition.type, {
      definition: definition as unknown as RegisteredInboxType,
      plugin: plugin.name,
    })
  }
  for (const definition of plugin.transportTypes ?? []) {
    const existing = transportTypes.get(definition.type)
    if (existing && (defaults || existing.plugin !== plugin.name)) continue
    transportTypes.set(definition.type, {
      definition: definition as unknown as RegisteredTransportType,
      plugin: plugin.name,
    })
  }
}

/** Whether a registered type is core's own (the sandbox transport is decided by this, never by a name). */
export function isCoreType(kind: 'inbox' | 'transport', type: string): boolean {
  return (kind === 'inbox' ? inboxTypes : transportTypes).get(type)?.plugin === CORE
}

/** The inbox type registered under `type`, after looking through the project's installed plugins. */
export async function findInboxType(
  type: string,
  directory = process.cwd(),
): Promise<RegisteredInboxType | undefined> {
  const held = inboxTypes.get(type)
  // Core's stand-in for `local` is only what is left when no installed package provides the real one.
  if (!held || (held.plugin === CORE && type === REPLACEABLE)) await discoverPlugins(directory)
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
 * Registers the plugins of the project's packages: a package provides one by naming it in its package.json
 * (`"mailwright": { "plugin": "./dist/plugin.js" }`). The packages looked at are the dependencies of the
 * project's package.json and of those above it (a monorepo's root), and every installed `@mailwright/*` or
 * `mailwright-*` package (hoisted by npm or yarn workspaces). Looked for once per directory, only when a
 * config names a type nobody registered, so a sandbox-only run reads no other package. A plugin that cannot
 * be loaded is named in the error of a type that is then missing, never silently dropped.
 */
function discoverPlugins(directory: string): Promise<void> {
  const key = resolve(directory)
  let done = discovered.get(key)
  if (!done) {
    done = (async () => {
      const failures: string[] = []
      for (const { name, file } of pluginFiles(key)) {
        try {
          const loaded = (await import(pathToFileURL(file).href)) as { default?: MailwrightPlugin }
          if (loaded.default?.name) register(loaded.default, true)
          else failures.push(`${name} (${file} has no default export from definePlugin())`)
        } catch (error) {
          failures.push(`${name} (${file}: ${errorDetail(error)})`)
        }
      }
      discoveryFailures.set(key, failures)
    })()
    discovered.set(key, done)
    // A failed look (a file system error) is tried again next time rather than remembered.
    done.catch(() => discovered.delete(key))
  }
  return done
}

/** The installed plugins that could not be loaded from a directory's last look, for messages. */
export function pluginFailures(directory = process.cwd()): readonly string[] {
  return discoveryFailures.get(resolve(directory)) ?? []
}

function pluginFiles(directory: string): Array<{ name: string; file: string }> {
  const manifests = projectManifests(directory)
  const lookup = createRequire(join(directory, 'package.json')).resolve.paths('mailwright-plugin') ?? []
  const names = new Set(
    manifests.flatMap((file) => {
      const manifest = readJson(file) as Record<string, Record<string, string> | undefined>
      return ['dependencies', 'devDependencies', 'optionalDependencies'].flatMap((field) =>
        Object.keys(manifest[field] ?? {}),
      )
    }),
  )
  // By naming convention too, as ESLint finds its plugins: what npm or yarn workspaces hoisted.
  for (const dir of lookup) {
    for (const name of safeList(dir)) {
      if (name.startsWith('mailwright-')) names.add(name)
      if (name === '@mailwright')
        for (const scoped of safeList(join(dir, name))) names.add(`@mailwright/${scoped}`)
    }
  }
  const files: Array<{ name: string; file: string }> = []
  for (const name of [...names].sort()) {
    const root = lookup.map((dir) => join(dir, name)).find((dir) => existsSync(join(dir, 'package.json')))
    if (!root) continue
    const plugin = (readJson(join(root, 'package.json')) as { mailwright?: { plugin?: unknown } }).mailwright
      ?.plugin
    if (typeof plugin === 'string') files.push({ name, file: join(root, plugin) })
  }
  return files
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** The package.json files of a directory and of every directory above it, nearest first. */
export function projectManifests(directory: string): string[] {
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
