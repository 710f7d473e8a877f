import { createPrivateKey, X509Certificate } from 'node:crypto'
import { generateCertificate } from '@mailwright/core/internal'
import nodemailer from 'nodemailer'
import { describe, expect, it } from 'vitest'
import { startInboxServer } from './start-inbox-server.js'

describe('generateCertificate', () => {
  it('makes a self-signed certificate that node:crypto reads and verifies', () => {
    const { key, cert } = generateCertificate('mailwright.localhost')
    const x509 = new X509Certificate(cert)
    // A name of its own, so two inboxes' certificates can be trusted side by side (OpenSSL finds issuers by name).
    expect(x509.subject).toMatch(/^OU=Mailwright capture inbox [0-9a-f]{12}\nCN=mailwright\.localhost$/)
    expect(new X509Certificate(generateCertificate('mailwright.localhost').cert).subject).not.toBe(
      x509.subject,
    )
    expect(x509.verify(x509.publicKey)).toBe(true)
    expect(x509.checkHost('localhost')).toBe('localhost')
    expect(x509.checkHost('mailwright.localhost')).toBe('mailwright.localhost')
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(x509.checkIP('::1')).toBe('::1')
    expect(x509.checkHost('example.com')).toBeUndefined()
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true)
    expect(new Date(x509.validTo).getTime() - Date.now()).toBeGreaterThan(300 * 24 * 3600 * 1000)
    expect(x509.ca).toBe(true)
  })

  it('always encodes valid DER (1,000 certificates, random serials included)', () => {
    // A serial whose first byte is zero is non-minimal DER that OpenSSL refuses ("illegal padding"):
    // about one random serial in 512 did that before serials were forced to start with a non-zero byte.
    for (let i = 0; i < 1000; i++) {
      const { cert } = generateCertificate('mailwright.localhost')
      expect(() => new X509Certificate(cert)).not.toThrow()
    }
  })

  it('is trusted by a verifying TLS client that pins it, over STARTTLS', async () => {
    const tls = generateCertificate('mailwright.localhost')
    await using server = await startInboxServer({ tls, httpPort: false })
    const inbox = server.createInbox()
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtp.port,
      requireTLS: true,
      tls: { ca: tls.cert, servername: 'localhost', rejectUnauthorized: true },
    })
    await transport.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'verified tls', text: 'x' })
    const email = await inbox.waitForEmail()
    expect(email.envelope.tls?.protocol).toMatch(/^TLSv1\.[23]$/)
  })

  it('is refused by a verifying client that does not pin it', async () => {
    await using server = await startInboxServer({ httpPort: false })
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtp.port,
      requireTLS: true,
    })
    await expect(
      transport.sendMail({ from: 'a@example.com', to: server.createAddress(), subject: 'x', text: 'x' }),
    ).rejects.toThrow(/self-signed certificate/)
  })
})
