// Builds the web UI into dist/ui: one script (Preact and the app, bundled and minified by esbuild), one
// stylesheet, the page and its icon. Run by the package's build script; nothing is built at run time.
//
// Why Preact: the UI is a few views over a JSON API, and Preact gives components and hooks for about 5 KB
// gzipped, with no runtime server and no shadow DOM (one stylesheet under a strict CSP, and axe and
// Playwright see the page as it is). Lit would do too, at a similar size, with shadow roots to style across.
import { copyFileSync, mkdirSync } from 'node:fs'
import { build } from 'esbuild'

const here = new URL('.', import.meta.url)
const out = new URL('../dist/ui/', import.meta.url)
mkdirSync(out, { recursive: true })

await build({
  entryPoints: [new URL('main.tsx', here).pathname],
  outfile: new URL('app.js', out).pathname,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome120', 'firefox120', 'safari17'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
})
await build({
  entryPoints: [new URL('app.css', here).pathname],
  outfile: new URL('app.css', out).pathname,
  bundle: true,
  minify: true,
  logLevel: 'warning',
})
for (const file of ['index.html', 'icon.svg']) copyFileSync(new URL(file, here), new URL(file, out))
