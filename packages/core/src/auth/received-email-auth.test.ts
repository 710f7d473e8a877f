import { describe, expect, it } from 'vitest'
import { generateDkimKey } from '../testing/generate-dkim-key.js'
import { signEmail } from '../testing/sign-email.js'
import { zoneResolver } from './dns-resolver.js'
import { receivedEmailAuth } from './received-email-auth.js'

describe('receivedEmailAuth', () => {
  const key = generateDkimKey()
  const profile = {
    ip: '203.0.113.10',
    dns: zoneResolver({
      'contoso.test': { TXT: ['v=spf1 ip4:203.0.113.10 -all'] },
      's1._domainkey.contoso.test': { TXT: [key.record] },
      '_dmarc.contoso.test': { TXT: ['v=DMARC1; p=reject'] },
    }),
  }
  const envelope = { mailFrom: 'qa@contoso.test', rcptTo: ['qa+t1@contoso.test'] }
  const body =
    'From: qa@contoso.test\r\nTo: qa+t1@contoso.test\r\nSubject: Intra-tenant\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <it@contoso.test>\r\n\r\nHi\r\n'

  it("uses the receiver's stamp when there is one", async () => {
    const raw = Buffer.from(
      `Authentication-Results: mx.contoso.test; dmarc=fail header.from=contoso.test\r\n${body}`,
    )
    const auth = await receivedEmailAuth(raw, envelope, {
      trusted: { authservIds: ['mx.contoso.test'] },
      profile,
    })
    expect(auth).toMatchObject({
      dmarc: { result: 'fail' },
      source: 'stamped by mx.contoso.test (trusted Authentication-Results)',
    })
  })

  it('computes from the raw MIME with the sending profile when the receiver stamped nothing', async () => {
    const raw = await signEmail(body, { domain: 'contoso.test', selector: 's1', privateKey: key.privateKey })
    const auth = await receivedEmailAuth(raw, envelope, { trusted: { exchangeOnline: true }, profile })
    expect(auth?.dmarc?.result).toBe('pass')
    expect(auth?.source).toBe(
      'computed by mailwright (sending profile: 203.0.113.10, offline DNS); the receiver stamped no Authentication-Results',
    )
    expect(await receivedEmailAuth(raw, envelope, { trusted: { exchangeOnline: true } })).toBeUndefined()
  })

  it("fills what Exchange's stamp leaves out: the DKIM selector from the signature, the policy from the profile's DNS", async () => {
    const signed = await signEmail(body, {
      domain: 'contoso.test',
      selector: 's1',
      privateKey: key.privateKey,
    })
    const stamp =
      'Authentication-Results: spf=pass (sender IP is 203.0.113.10)\r\n smtp.mailfrom=contoso.test; dkim=pass (signature was verified)\r\n header.d=contoso.test;dmarc=pass action=none\r\n header.from=contoso.test;compauth=pass reason=100\r\n'
    const raw = Buffer.concat([Buffer.from(stamp), signed])
    const trusted = { exchangeOnline: true }
    const auth = await receivedEmailAuth(raw, envelope, { trusted, profile })
    expect(auth?.dkim).toMatchObject([{ result: 'pass', domain: 'contoso.test', selector: 's1' }])
    expect(auth?.dmarc).toMatchObject({ result: 'pass', policy: 'reject' })
    // Without a profile the policy stays unknown; two signatures for one domain leave the selector unknown.
    expect((await receivedEmailAuth(raw, envelope, { trusted }))?.dmarc?.policy).toBeUndefined()
    const twice = await signEmail(signed, {
      domain: 'contoso.test',
      selector: 's2',
      privateKey: key.privateKey,
    })
    const again = await receivedEmailAuth(Buffer.concat([Buffer.from(stamp), twice]), envelope, { trusted })
    expect(again?.dkim[0]?.selector).toBeUndefined()
  })
})
