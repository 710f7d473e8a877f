import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyzeHeaders } from './analyze-headers.js'

const raw = readFileSync(new URL('../../../../test/fixtures/received-chain.eml', import.meta.url))

describe('analyzeHeaders', () => {
  it('lays out hops with delays and TLS, the stamped results, identities with alignment, and sanity problems', () => {
    const analysis = analyzeHeaders(raw, new Date('2026-11-26T10:01:00Z'))
    expect(analysis.hops).toEqual([
      {
        from: 'app.internal',
        by: 'mail.mailer.net',
        with: 'ESMTPSA',
        tls: 'ESMTPSA',
        timestamp: 'Thu, 26 Nov 2026 10:00:00 +0000',
      },
      {
        from: 'mail.mailer.net',
        by: 'AM0PR01MB.eurprd01.prod.outlook.com',
        with: 'Microsoft',
        tls: 'version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
        timestamp: 'Thu, 26 Nov 2026 10:00:04 +0000',
        delaySeconds: 4,
      },
      {
        from: 'AM0PR01MB.eurprd01.prod.outlook.com',
        by: 'AM0PR02MB.eurprd01.prod.outlook.com',
        with: 'HTTPS',
        timestamp: 'Thu, 26 Nov 2026 10:00:09 +0000',
        delaySeconds: 5,
      },
    ])
    expect(analysis.authenticationResults[0]?.results.map((r) => `${r.method}=${r.result}`)).toEqual([
      'spf=pass',
      'dkim=pass',
      'dmarc=pass',
      'compauth=pass',
    ])
    expect(analysis.identities).toEqual([
      { kind: 'From', value: 'no-reply@example.com', aligned: true },
      { kind: 'Sender', value: 'relay@mailer.net', aligned: false },
      { kind: 'Return-Path', value: 'bounces@bounces.mailer.net', aligned: false },
      { kind: 'DKIM d=', value: 'example.com', aligned: true },
      { kind: 'SPF domain', value: 'bounces.mailer.net', aligned: false },
    ])
    expect(analysis.problems).toEqual(['Message-ID "not-an-id" is not <id@domain>'])
  })

  it('names a missing From and several From headers as problems', () => {
    const head = 'Date: Sun, 29 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@x.test>\r\n'
    expect(analyzeHeaders(Buffer.from(`${head}Subject: none\r\n\r\nx`)).problems).toEqual([
      'no From header (RFC 5322 requires one)',
    ])
    expect(analyzeHeaders(Buffer.from(`${head}From: a@x.test\r\nFrom: b@y.test\r\n\r\nx`)).problems).toEqual([
      expect.stringMatching(/^2 From headers \(there must be one; DMARC cannot choose/),
    ])
  })
})
