import { describe, expect, it } from 'vitest'
import { generateDkimKey } from '../testing/generate-dkim-key.js'
import { signEmail } from '../testing/sign-email.js'
import { type DnsRecords, zoneResolver } from './dns-resolver.js'
import { verifyDkim } from './verify-dkim.js'

const key = generateDkimKey()
const otherKey = generateDkimKey()
const message = Buffer.from(
  'From: no-reply@example.com\r\nTo: alice@inbox.test\r\nSubject: Verify\r\n\r\nHello Alice.\r\n',
)
const keyAt = (record: string): DnsRecords => ({ 's1._domainkey.example.com': { TXT: [record] } })
const signed = (options: { signTime?: Date; expires?: Date } = {}) =>
  signEmail(message, { domain: 'example.com', selector: 's1', privateKey: key.privateKey, ...options })
const verify = (raw: Buffer | string, records: DnsRecords, now?: Date) =>
  verifyDkim(raw, { dns: zoneResolver(records), ...(now ? { now } : {}) })

describe('verifyDkim', () => {
  it('passes a good signature', async () => {
    expect(await verify(await signed(), keyAt(key.record))).toEqual([
      expect.objectContaining({ result: 'pass', domain: 'example.com', selector: 's1' }),
    ])
  })

  // A signature that cannot be processed used to vanish, so the email read as unsigned.
  it.each([
    ['an unsupported a=', (raw: string) => raw.replace('a=rsa-sha256', 'a=rsa-sha512'), 'unknown algorithm'],
    [
      'an unsupported c=',
      (raw: string) => raw.replace('c=relaxed/relaxed', 'c=fancy/relaxed'),
      'unknown canonicalization',
    ],
  ])('reports a signature with %s, with the reason', async (_what, change, reason) => {
    const verdicts = await verify(change((await signed()).toString()), keyAt(key.record))
    expect(verdicts).toEqual([
      expect.objectContaining({ result: 'neutral', domain: 'example.com', comment: reason, aligned: false }),
    ])
  })

  describe('when the body changed and the key is wrong too, reports the key first', () => {
    const tampered = async () => (await signed()).toString().replace('Hello Alice.', 'Hello Mallory.')

    it('the body alone: fail, body hash', async () => {
      expect((await verify(await tampered(), keyAt(key.record)))[0]).toMatchObject({
        result: 'fail',
        comment: 'body hash did not verify',
      })
    })

    it('no key published', async () => {
      expect((await verify(await tampered(), {}))[0]).toMatchObject({
        result: 'permerror',
        comment: 'no key at s1._domainkey.example.com, and the body hash did not verify either',
      })
    })

    it('a revoked key', async () => {
      expect((await verify(await tampered(), keyAt('v=DKIM1; k=rsa; p=')))[0]).toMatchObject({
        result: 'permerror',
        comment:
          'the key at s1._domainkey.example.com is revoked (p= is empty), and the body hash did not verify either',
      })
    })

    it('another key than the one that signed', async () => {
      expect((await verify(await tampered(), keyAt(otherKey.record)))[0]).toMatchObject({
        result: 'fail',
        comment:
          'the key at s1._domainkey.example.com does not verify the signature, and the body hash did not verify either',
      })
    })

    it('an Ed25519 key that does not match', async () => {
      const ed = generateDkimKey({ type: 'ed25519' })
      const edOther = generateDkimKey({ type: 'ed25519' })
      const raw = await signEmail(message, {
        domain: 'example.com',
        selector: 's1',
        privateKey: ed.privateKey,
      })
      const changed = raw.toString().replace('Hello Alice.', 'Hello Mallory.')
      expect((await verify(changed, keyAt(ed.record)))[0]?.comment).toBe('body hash did not verify')
      expect((await verify(changed, keyAt(edOther.record)))[0]?.comment).toMatch(
        /does not verify the signature/,
      )
    })
  })

  it('judges t= and x= by the clock it is given', async () => {
    const signTime = new Date('2026-11-26T10:00:00Z')
    const raw = await signed({ signTime, expires: new Date('2026-11-27T10:00:00Z') })
    const at = (iso: string) => verify(raw, keyAt(key.record), new Date(iso))
    expect((await at('2026-11-26T12:00:00Z'))[0]?.result).toBe('pass')
    expect((await at('2026-11-28T10:00:00Z'))[0]).toMatchObject({ result: 'neutral' })
    expect((await at('2026-11-28T10:00:00Z'))[0]?.comment).toMatch(/expired/i)
    // The same email, judged at different times: the clock, not the machine's date, decides.
    expect((await at('2030-01-01T00:00:00Z'))[0]?.comment).toMatch(/expired/i)
    expect((await at('2026-11-27T09:59:59Z'))[0]?.result).toBe('pass')
  })
})
