import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateDkimKey, signEmail } from '@mailwright/core/testing'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
const fixture = fileURLToPath(new URL('../../../test/fixtures/received-chain.eml', import.meta.url))

function run(args: string[], stdin?: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'headers', ...args])
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      out += d
    })
    child.on('exit', (code) => resolve({ code, out }))
    child.stdin.end(stdin ?? '')
  })
}

describe('mailwright headers', () => {
  it('prints hops, stamped results, identities and sanity for a file', async () => {
    const { code, out } = await run([fixture])
    expect(code).toBe(0)
    expect(out).toContain(
      '  2  mail.mailer.net → AM0PR01MB.eurprd01.prod.outlook.com +4s  TLS: version=TLS1_2',
    )
    expect(out).toContain(
      '  Authentication-Results by no authserv-id (Exchange Online writes none): spf=pass dkim=pass dmarc=pass compauth=pass',
    )
    expect(out).toMatch(/ {2}Return-Path {2}bounces@bounces\.mailer\.net +not aligned/)
    expect(out).toContain('  ✗ Message-ID "not-an-id" is not <id@domain>')
  })

  it('reads standard input and prints JSON', async () => {
    const { readFileSync } = await import('node:fs')
    const { code, out } = await run(['-', '--json'], readFileSync(fixture, 'utf8'))
    expect(code).toBe(0)
    const json = JSON.parse(out)
    expect(json.hops).toHaveLength(3)
    expect(json.identities[0]).toEqual({ kind: 'From', value: 'no-reply@example.com', aligned: true })
  })

  it('recomputes the verdict with a sending IP and an offline zone', async () => {
    const key = generateDkimKey()
    const dir = mkdtempSync(join(tmpdir(), 'mailwright-headers-'))
    const signed = await signEmail(
      'Return-Path: <bounces@shop.test>\r\nFrom: orders@shop.test\r\nTo: a@inbox.test\r\nSubject: Order\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <o1@shop.test>\r\n\r\nThanks\r\n',
      { domain: 'shop.test', selector: 's1', privateKey: key.privateKey },
    )
    writeFileSync(join(dir, 'order.eml'), signed)
    writeFileSync(
      join(dir, 'dns.json'),
      JSON.stringify({
        'shop.test': { TXT: ['v=spf1 ip4:203.0.113.10 -all'] },
        's1._domainkey.shop.test': { TXT: [key.record] },
        '_dmarc.shop.test': { TXT: ['v=DMARC1; p=reject'] },
      }),
    )
    const { code, out } = await run([
      join(dir, 'order.eml'),
      '--recompute',
      '--sender-ip',
      '203.0.113.10',
      '--dns',
      join(dir, 'dns.json'),
    ])
    expect(code).toBe(0)
    expect(out).toContain(
      'Recomputed here, computed by mailwright (sending profile: 203.0.113.10, offline DNS): spf=pass dkim=pass(d=shop.test) dmarc=pass',
    )
  })

  it('refuses --recompute without --sender-ip, and a missing file, with exit code 2', async () => {
    expect(await run([fixture, '--recompute'])).toMatchObject({
      code: 2,
      out: expect.stringContaining('--recompute needs --sender-ip'),
    })
    expect(await run(['/nonexistent.eml'])).toMatchObject({
      code: 2,
      out: expect.stringContaining('cannot read /nonexistent.eml'),
    })
  })

  it('refuses a file that is not an email with exit code 1, naming it and how it starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailwright-headers-'))
    const png = join(dir, 'logo.png')
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2]))
    const json = join(dir, 'data.json')
    writeFileSync(json, '{"subject":"x"}\n')
    for (const file of [png, json]) {
      const result = await run([file])
      expect(result.code, result.out).toBe(1)
      expect(result.out).toContain(
        `mailwright headers: ${file} is not an email: it has none of the headers an email has`,
      )
    }
    expect((await run(['-'], 'hello world\n')).out).toContain('standard input is not an email')
  })
})
