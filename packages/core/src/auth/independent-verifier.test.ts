import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseHeaders } from '../parse-headers.js'
import { canRun, describeWith } from '../requirement.test-util.js'
import { generateDkimKey } from '../testing/generate-dkim-key.js'
import { signEmail } from '../testing/sign-email.js'
import { computeEmailAuth } from './compute-email-auth.js'
import { zoneResolver } from './dns-resolver.js'
import { parseAuthenticationResults } from './parse-authentication-results.js'
import { verdictFromHeaders } from './verdict-from-headers.js'

// Authentication-Results written by an independent filter running here: OpenDKIM (Debian's opendkim) in
// its test mode, verifying against a key file instead of DNS. Its logged verdict, the header it writes,
// our parse of that header and our own computation must all agree. CI installs opendkim; a laptop
// without it skips.
const opendkimTool = {
  available: canRun('opendkim', ['-V']),
  missing: 'OpenDKIM is not installed',
  install: 'apt-get install opendkim',
}

interface OpenDkimRun {
  /** `succeeded` or `failed: <reason>` from its log line. */
  logged: string
  /** The Authentication-Results value it would insert. */
  header: string
}

function opendkim(dir: string, file: string): Promise<OpenDkimRun> {
  return new Promise((resolve, reject) => {
    execFile('opendkim', ['-x', join(dir, 'opendkim.conf'), '-vvv', '-t', file], (error, stdout, stderr) => {
      const out = `${stdout}\n${stderr}`
      const logged = /verification \([^)]*\) (succeeded|failed: [^\n]+)/.exec(out)?.[1]
      const header = /INSHEADER: idx=\d+ hname='Authentication-Results' hvalue='([^']*)'/.exec(out)?.[1]
      if (error || !logged || !header) reject(new Error(`opendkim gave no verdict for ${file}:\n${out}`))
      else resolve({ logged, header })
    })
  })
}

describeWith(opendkimTool)('Authentication-Results from OpenDKIM', () => {
  const key = generateDkimKey()
  const dir = mkdtempSync(join(tmpdir(), 'mailwright-opendkim-'))
  writeFileSync(join(dir, 'keys'), `s1._domainkey.example.com ${key.record}\n`)
  writeFileSync(
    join(dir, 'opendkim.conf'),
    `Mode v\nTestPublicKeys ${join(dir, 'keys')}\nAuthservID opendkim.test\nSyslog no\n`,
  )
  const profile = {
    ip: '203.0.113.10',
    dns: zoneResolver({ 's1._domainkey.example.com': { TXT: [key.record] } }),
  }
  const envelope = { mailFrom: 'bounces@example.com', rcptTo: ['alice@inbox.test'] }
  const message =
    'From: no-reply@example.com\r\nTo: alice@inbox.test\r\nSubject: Checked by OpenDKIM\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <odk@example.com>\r\n\r\nBody line.\r\n'

  it.each([
    ['intact', (s: string) => s, 'pass'],
    ['body changed', (s: string) => s.replace('Body line.', 'Other line.'), 'fail'],
    [
      'signed header changed',
      (s: string) => s.replace('Subject: Checked by OpenDKIM', 'Subject: Changed'),
      'fail',
    ],
  ])(
    '%s: its header parses to the verdict it logged, which our own verification shares',
    async (name, change, expected) => {
      const signed = await signEmail(message, {
        domain: 'example.com',
        selector: 's1',
        privateKey: key.privateKey,
      })
      const file = join(dir, `${name.replace(/\W/g, '-')}.eml`)
      const eml = change(signed.toString())
      writeFileSync(file, eml)
      const run = await opendkim(dir, file)
      expect(run.logged.startsWith(expected === 'pass' ? 'succeeded' : 'failed')).toBe(true)

      const parsed = parseAuthenticationResults(run.header)
      expect(parsed.authservId).toBe('opendkim.test')
      expect(parsed.results.find((r) => r.method === 'dkim')).toMatchObject({
        result: expected,
        props: { 'header.d': 'example.com', 'header.s': 's1' },
      })

      // As a receiver's stamp on top of the message, it is the trusted verdict.
      const stamped = Buffer.from(`Authentication-Results: ${run.header.replace(/\n/g, '\r\n')}\r\n${eml}`)
      const trusted = verdictFromHeaders(parseHeaders(stamped).headers, { authservIds: ['opendkim.test'] })
      expect(trusted?.dkim[0]).toMatchObject({ result: expected, domain: 'example.com', selector: 's1' })

      const ours = await computeEmailAuth(Buffer.from(eml), envelope, profile)
      expect(ours.dkim[0]?.result).toBe(expected)
    },
  )
})
