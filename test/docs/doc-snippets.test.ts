// Every ```ts block of README.md, docs/*.md and packages/*/README.md is compiled against the built packages,
// so a snippet that no longer matches the API fails the build. A snippet that uses names of the reader's own
// code declares them in a comment just before it: <!-- snippet: declare function signUp(a: string): Promise<void> -->
import { execFile } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const here = fileURLToPath(new URL('.', import.meta.url))
const repo = join(here, '../..')
const out = join(here, 'snippets')

interface Snippet {
  /** `docs/vitest.md:39`, where the fence opens. */
  where: string
  file: string
  code: string
}

/** The TypeScript snippets of one Markdown file, each with the declarations its preceding comment gives. */
function extractSnippets(markdown: string, name: string): Snippet[] {
  const snippets: Snippet[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? '')) continue
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '')
    const context = /^<!-- snippet: ([\s\S]*?) -->$/.exec(lines[start - 1] ?? '')?.[1] ?? ''
    const file = `${name.replace(/[^a-z0-9]+/gi, '-')}-${start + 1}.mts`
    // The context goes last: declarations are hoisted, and the snippet's own lines keep their numbers.
    snippets.push({
      where: `${name}:${start + 1}`,
      file,
      code: `${body.join('\n')}\n${context}\nexport {}\n`,
    })
  }
  return snippets
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(repo, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`)
  const readmes = readdirSync(join(repo, 'packages')).map((p) => `packages/${p}/README.md`)
  return ['README.md', ...docs, ...readmes].filter((f) => {
    try {
      readFileSync(join(repo, f))
      return true
    } catch {
      return false
    }
  })
}

const snippets = markdownFiles().flatMap((f) => extractSnippets(readFileSync(join(repo, f), 'utf8'), f))
const errors = new Map<string, string[]>()

beforeAll(async () => {
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out)
  for (const s of snippets) writeFileSync(join(out, s.file), s.code)
  const tsc = join(repo, 'node_modules/typescript/bin/tsc')
  const result = await promisify(execFile)(
    process.execPath,
    [tsc, '-p', join(here, 'tsconfig.json'), '--pretty', 'false'],
    {
      cwd: here,
    },
  ).catch((error: { stdout?: string; stderr?: string }) => ({
    stdout: `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error),
    failed: true,
  }))
  for (const line of result.stdout.split('\n')) {
    const match = /^snippets\/([^(]+)\((\d+),\d+\): (.*)$/.exec(line.trim())
    if (!match) continue
    const [, file = '', row, message] = match
    errors.set(file, [...(errors.get(file) ?? []), `line ${row} of the snippet: ${message}`])
  }
  // tsc failed and named no snippet (it crashed, or is missing): that fails the run rather than passing all.
  if (errors.size === 0 && 'failed' in result) errors.set('(tsc)', [result.stdout])
}, 120_000)

describe('documentation snippets compile', () => {
  it('finds the snippets of every document', () => {
    expect(snippets.length).toBeGreaterThan(15)
    expect(errors.get('(tsc)')).toBeUndefined()
  })

  it.each(snippets.map((s) => [s.where, s] as const))('%s', (_where, snippet) => {
    expect(errors.get(snippet.file) ?? [], relative(repo, join(out, snippet.file))).toEqual([])
  })
})
