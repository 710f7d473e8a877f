// Writes a package's JavaScript: each public entry (its exports, bin and plugin) bundled from src/ by
// esbuild, run by the package's build script after `tsc`, which writes only the declarations
// (emitDeclarationOnly):
//
//   node ../../scripts/bundle-package.ts
//
// Why: Node's ESM loader costs about 0.3 ms per module, and importing @mailwright/core meant ~90 of them
// (52 ms of the 155 ms `mailwright serve` took to be ready). Bundled, it is a handful of files (32 ms).
//
// Every entry keeps its path (dist/<entry>.js, beside the .d.ts tsc wrote), so the exports map and
// `import.meta.url`-relative paths hold; shared code goes to chunks in dist/ itself (the entries' depth), so
// entries that share a module share one instance of it. Dependencies stay external (installed beside the
// package, deduplicated by the user's package manager); only the package's own modules are joined. Source
// maps point at src/, which the package ships.
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'

const dir = process.cwd()
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
  name: string
  exports: Record<string, string | { default: string }>
  bin?: Record<string, string>
  mailwright?: { plugin?: string }
}

const entries = [
  ...Object.values(manifest.exports)
    .map((target) => (typeof target === 'string' ? target : target.default))
    .filter((target) => target.endsWith('.js')),
  ...(manifest.mailwright?.plugin ? [manifest.mailwright.plugin] : []),
  ...Object.values(manifest.bin ?? {}),
]
const entryPoints = [...new Set(entries)].map((built) => {
  const match = /^\.\/dist\/(.+)\.js$/.exec(built)
  if (!match) throw new Error(`${manifest.name}: export ${built} is not under ./dist/; cannot bundle it`)
  return { in: join(dir, 'src', `${match[1]}.ts`), out: match[1] as string }
})

// Chunks of an earlier build have other hashes: drop them so none ships unused. Their names end in
// esbuild's upper-case hash; tsc's outputs are lower-case (kebab-case file names).
for (const file of readdirSync(join(dir, 'dist')))
  if (/-[A-Z0-9]{8}\.js(\.map)?$/.test(file)) rmSync(join(dir, 'dist', file))

await build({
  entryPoints,
  outdir: join(dir, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'es2023',
  packages: 'external',
  chunkNames: '[name]-[hash]',
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
})
