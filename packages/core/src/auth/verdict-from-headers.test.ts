import { describe, expect, it } from 'vitest'
import { parseHeaders } from '../parse-headers.js'
import { verdictFromHeaders } from './verdict-from-headers.js'

const headersOf = (text: string) =>
  parseHeaders(Buffer.from(`${text.trim().replace(/\n/g, '\r\n')}\r\n\r\nbody\r\n`)).headers

describe('verdictFromHeaders', () => {
  it('trusts the receiver and ignores a forged Authentication-Results the sender put lower in the message', () => {
    const headers = headersOf(`
Authentication-Results: mx.google.com;
 dkim=fail (body hash did not verify) header.i=@example.com header.s=s1;
 spf=softfail smtp.mailfrom=bounces@example.com;
 dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE) header.from=example.com
Received: from mail.example.com by mx.google.com
Authentication-Results: mx.google.com; dkim=pass header.d=example.com; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com
From: no-reply@example.com
Subject: Invoice`)
    const auth = verdictFromHeaders(headers, { authservIds: ['MX.GOOGLE.COM'] })
    expect(auth?.dmarc).toMatchObject({ result: 'fail', policy: 'reject', domain: 'example.com' })
    expect(auth?.dkim).toEqual([
      expect.objectContaining({
        result: 'fail',
        domain: 'example.com',
        selector: 's1',
        comment: 'body hash did not verify',
      }),
    ])
    expect(auth?.spf).toMatchObject({ result: 'softfail', domain: 'example.com' })
    expect(auth?.source).toBe('stamped by mx.google.com (trusted Authentication-Results)')
    expect(auth?.ignored).toEqual([
      'Authentication-Results from mx.google.com (header 3): not stamped by the trusted receiver',
    ])
  })

  it("trusts Exchange Online's header without authserv-id only above its first hop", () => {
    const headers = headersOf(`
Received: from AM0PR01MB.eurprd01.prod.outlook.com by AM0PR02MB.eurprd01.prod.outlook.com
Authentication-Results: spf=pass (sender IP is 203.0.113.10)
 smtp.mailfrom=example.com; dkim=pass (signature was verified)
 header.d=example.com;dmarc=pass action=none
 header.from=example.com;compauth=pass reason=100
Received: from mail.example.com (203.0.113.10) by AM0PR01MB.eurprd01.prod.outlook.com
Authentication-Results: spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com
From: "Shop" <orders@example.com>`)
    const auth = verdictFromHeaders(headers, { exchangeOnline: true })
    expect(auth).toMatchObject({
      spf: { result: 'pass', domain: 'example.com' },
      dkim: [{ result: 'pass', domain: 'example.com', aligned: true }],
      dmarc: { result: 'pass', domain: 'example.com', alignment: { spf: true, dkim: true } },
      source: 'stamped by Exchange Online (trusted Authentication-Results)',
    })
    expect(auth?.ignored).toHaveLength(1)
  })

  it('returns undefined when the receiver stamped nothing, so the caller computes from the raw MIME', () => {
    const headers = headersOf(`
Authentication-Results: attacker.test; dmarc=pass header.from=example.com
From: ceo@example.com`)
    expect(
      verdictFromHeaders(headers, { authservIds: ['mx.contoso.com'], exchangeOnline: true }),
    ).toBeUndefined()
  })
})
