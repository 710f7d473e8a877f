import { generate } from 'selfsigned'

/** A PEM key and certificate pair. */
export interface TlsCertificate {
  key: string
  cert: string
}

/**
 * A fresh self-signed certificate for STARTTLS on this machine (EC P-256: generated in a few ms, where
 * RSA 2048 costs over 100 ms of start-up). Valid for localhost, 127.0.0.1, ::1 and `hostname`.
 *
 * @example
 * const { key, cert } = await generateCertificate('mailwright.localhost')
 */
export async function generateCertificate(hostname: string): Promise<TlsCertificate> {
  const now = new Date()
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostname },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  })
  return { key: pems.private, cert: pems.cert }
}
