import type { EmailAuth } from '@mailwright/core'
import { describe, expect, it } from 'vitest'
import { exchangeAuthenticationResults } from './exchange-authentication-results.js'

// Verdicts as computeEmailAuth gives them, for each case Microsoft documents.
const verdict = (
  dmarc: { result: string; policy?: string },
  signals: { spf?: string; spfAligned?: boolean; dkim?: string; dkimAligned?: boolean } = {},
): EmailAuth => ({
  spf: { result: signals.spf ?? 'none', domain: 'mailer.example' },
  dkim: signals.dkim
    ? [{ result: signals.dkim, domain: 'example.com', aligned: signals.dkimAligned ?? true }]
    : [],
  dmarc: {
    ...dmarc,
    domain: 'example.com',
    alignment: { spf: signals.spfAligned ?? false, dkim: false, spfStrict: false, dkimStrict: false },
  },
  source: 'test',
})
const tail = (auth: EmailAuth) => /;dmarc=.*$/.exec(exchangeAuthenticationResults(auth, '203.0.113.10'))?.[0]

describe('exchangeAuthenticationResults', () => {
  it('writes the DMARC action and composite verdict Microsoft documents for each outcome', () => {
    expect(tail(verdict({ result: 'pass', policy: 'reject' }, { dkim: 'pass' }))).toBe(
      ';dmarc=pass action=none header.from=example.com;compauth=pass reason=100',
    )
    expect(tail(verdict({ result: 'fail', policy: 'reject' }))).toBe(
      ';dmarc=fail action=oreject header.from=example.com;compauth=fail reason=000',
    )
    expect(tail(verdict({ result: 'fail', policy: 'quarantine' }))).toBe(
      ';dmarc=fail action=quarantine header.from=example.com;compauth=fail reason=000',
    )
    // A failure under p=none is an implicit failure (001), not an explicit one (000).
    expect(tail(verdict({ result: 'fail', policy: 'none' }))).toBe(
      ';dmarc=fail action=none header.from=example.com;compauth=fail reason=001',
    )
  })

  it('gives bestguesspass when no record is published but aligned SPF or DKIM passed, else an implicit failure', () => {
    expect(tail(verdict({ result: 'none' }, { spf: 'pass', spfAligned: true }))).toBe(
      ';dmarc=bestguesspass action=none header.from=example.com;compauth=pass reason=109',
    )
    expect(tail(verdict({ result: 'none' }, { dkim: 'pass', dkimAligned: true }))).toBe(
      ';dmarc=bestguesspass action=none header.from=example.com;compauth=pass reason=109',
    )
    // Passing but not aligned with From does not count.
    expect(tail(verdict({ result: 'none' }, { spf: 'pass', spfAligned: false }))).toBe(
      ';dmarc=none action=none header.from=example.com;compauth=fail reason=001',
    )
    expect(tail(verdict({ result: 'permerror' }))).toBe(
      ';dmarc=permerror action=permerror header.from=example.com;compauth=fail reason=001',
    )
  })

  it('keeps Exchange Online form: no authserv-id, SPF with the sender IP, unsigned mail named as such', () => {
    expect(exchangeAuthenticationResults(verdict({ result: 'none' }), '203.0.113.10')).toMatch(
      /^spf=none \(sender IP is 203\.0\.113\.10\) smtp\.mailfrom=mailer\.example; dkim=none \(message not signed\) header\.d=none;dmarc=/,
    )
  })
})
