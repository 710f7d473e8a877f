import { readFileSync } from 'node:fs'
import { type CapturedEmail, parseEmail } from '@mailwright/core'

/**
 * The text of an email from test/fixtures: `{{app}}` replaced by `app` (the loopback server a test started),
 * its Date made now (filters judge it as fresh mail), lines ended with CRLF.
 */
export function fixtureText(name: string, app = 'http://127.0.0.1:9'): string {
  return readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8')
    .replace(/^Date: .*$/m, `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`)
    .replaceAll('{{app}}', app)
    .replace(/\r?\n/g, '\r\n')
}

/** Raw bytes parsed as the capture inbox would, with the From address as MAIL FROM. */
export function captured(raw: Buffer | string, id = 'fixture'): Promise<CapturedEmail> {
  const bytes = Buffer.from(raw)
  return parseEmail(bytes, {
    id,
    receivedAt: new Date(),
    envelope: {
      mailFrom: /^From: .*<([^>]+)>/m.exec(bytes.toString('latin1'))?.[1] ?? '',
      rcptTo: ['alice@inbox.test'],
    },
  })
}

/** An email from test/fixtures, parsed ({@link fixtureText}, {@link captured}). */
export function fixture(name: string, options: { app?: string } = {}): Promise<CapturedEmail> {
  return captured(fixtureText(name, options.app), name)
}
