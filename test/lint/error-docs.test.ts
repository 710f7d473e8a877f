import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MailwrightError } from '@mailwright/core'
import { describe, expect, it } from 'vitest'

// Every Mailwright error ends with a link to its section of docs/errors.md: each code thrown anywhere in the
// packages must have that section, or the link would lead nowhere.
const repo = fileURLToPath(new URL('../../', import.meta.url))
const docs = readFileSync(join(repo, 'docs/errors.md'), 'utf8')
const sections = new Set([...docs.matchAll(/^#{2,3} ([A-Z_]+)$/gm)].map((m) => m[1]))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(path)
    return entry.name.endsWith('.ts') && !/\.test(-util)?\.ts$/.test(entry.name) ? [path] : []
  })
}

const thrown = new Set(
  sources(join(repo, 'packages')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:new MailwrightError|super)\(\s*'([A-Z_]+)'/g)].map(
      (m) => m[1],
    ),
  ),
)

describe('docs/errors.md', () => {
  it('has a section for every error code the packages throw', () => {
    expect(thrown.size).toBeGreaterThan(20)
    expect([...thrown].filter((code) => !sections.has(code)).sort()).toEqual([])
  })

  it("is where every error's message sends the reader, after one prefix", () => {
    const error = new MailwrightError('EMAIL_TIMEOUT', 'No email arrived. Check the address.')
    expect(error.message).toBe(
      '[Mailwright] No email arrived. Check the address.\n\nRead more: https://github.com/mailwright/mailwright/blob/main/docs/errors.md#email_timeout',
    )
    // Passed on (a server's answer, a wrapped error), it keeps one prefix and one link.
    expect(
      new MailwrightError('INBOX_SERVER', error.message).message.match(/\[Mailwright\]|Read more/g),
    ).toEqual(['[Mailwright]', 'Read more'])
    expect(error.detail).toBe('No email arrived. Check the address.')
  })
})
