import { execFile, spawnSync } from 'node:child_process'
import { createPrivateKey } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { canRun, describeWith } from '../requirement.test-util.js'
import { generateDkimKey } from '../testing/generate-dkim-key.js'
import { computeEmailAuth } from './compute-email-auth.js'
import { zoneResolver } from './dns-resolver.js'

// DKIM signatures made by a signer not written in JavaScript: dkimpy's `dkimsign` (Debian python3-dkim).
// A laptop without it skips; CI installs it, so there a missing signer fails.
const dkimsignTool = {
  available: canRun('dkimsign', ['--help']),
  missing: "dkimpy's dkimsign is not installed",
  install: 'apt-get install python3-dkim',
}

function dkimsign(message: Buffer, keyFile: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'dkimsign',
      [...args, 's2', 'example.com', keyFile],
      { encoding: 'buffer' },
      (error, stdout, stderr) =>
        error ? reject(new Error(`dkimsign failed: ${stderr.toString()}`)) : resolve(stdout),
    )
    child.stdin?.end(message)
  })
}

describeWith(dkimsignTool)('DKIM signatures from dkimpy (dkimsign)', () => {
  const key = generateDkimKey()
  const dir = mkdtempSync(join(tmpdir(), 'mailwright-dkimpy-'))
  const keyFile = join(dir, 'key.pem')
  writeFileSync(keyFile, createPrivateKey(key.privateKey).export({ type: 'pkcs1', format: 'pem' }))
  const profile = {
    ip: '203.0.113.10',
    dns: zoneResolver({
      's2._domainkey.example.com': { TXT: [key.record] },
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
    }),
  }
  const envelope = { mailFrom: 'bounces@elsewhere.test', rcptTo: ['alice@inbox.test'] }
  const message = Buffer.from(
    'From: Example <no-reply@example.com>\r\nTo: alice@inbox.test\r\nSubject: Signed by dkimpy\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <dkimpy@example.com>\r\n\r\nHello from Python.\r\nSecond line.\r\n',
  )

  it.each([
    ['relaxed/simple', ['--hcanon', 'relaxed', '--bcanon', 'simple']],
    ['simple/simple', ['--hcanon', 'simple', '--bcanon', 'simple']],
    ['relaxed/relaxed', ['--hcanon', 'relaxed', '--bcanon', 'relaxed']],
  ])('verifies as pass (%s), and fails when the body or a signed header changes', async (_canon, args) => {
    const signed = await dkimsign(message, keyFile, args)
    expect(signed.toString()).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256;/)
    const good = await computeEmailAuth(signed, envelope, profile)
    expect(good.dkim).toEqual([
      expect.objectContaining({ result: 'pass', domain: 'example.com', selector: 's2', aligned: true }),
    ])
    expect(good.dmarc?.result).toBe('pass')

    const body = await computeEmailAuth(
      Buffer.from(signed.toString().replace('Hello from Python.', 'Hello from Mallory.')),
      envelope,
      profile,
    )
    expect(body.dkim[0]).toMatchObject({ result: 'fail', comment: expect.stringMatching(/body hash/i) })
    expect(body.dmarc?.result).toBe('fail')

    const header = await computeEmailAuth(
      Buffer.from(signed.toString().replace('Subject: Signed by dkimpy', 'Subject: Pay this invoice')),
      envelope,
      profile,
    )
    expect(header.dkim[0]?.result).toBe('fail')
    expect(header.dmarc?.result).toBe('fail')
  })
})
