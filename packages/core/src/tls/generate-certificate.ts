import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto'
import { isIP } from 'node:net'

/** A PEM key and certificate pair. */
export interface TlsCertificate {
  key: string
  cert: string
}

/**
 * A fresh self-signed certificate for STARTTLS (EC P-256, SHA-256, one year), valid for `hostname`,
 * localhost, 127.0.0.1 and ::1. Built with node:crypto and a few lines of DER, because the certificate
 * libraries cost ~90 ms to import and this runs on every start-up; it takes about a millisecond.
 *
 * @example
 * const { key, cert } = generateCertificate('mailwright.localhost')
 * new X509Certificate(cert).checkHost('localhost') // 'localhost'
 */
export function generateCertificate(hostname: string): TlsCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const now = Date.now()
  // A unique name per certificate: OpenSSL finds an issuer by name, so two inboxes' certificates trusted side
  // by side (NODE_EXTRA_CA_CERTS holding both) must not share one, or each is checked against the other.
  const unique = `Mailwright capture inbox ${randomBytes(6).toString('hex')}`
  const name = seq(
    set(seq(oid('2.5.4.11'), tlv(0x0c, Buffer.from(unique, 'utf8')))),
    set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(hostname, 'utf8')))),
  )
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'))
  const serial = randomBytes(16)
  // Positive (top bit clear) and minimal (no leading zero byte): DER rejects any other INTEGER encoding.
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01
  const altNames = [...new Set([hostname, 'localhost', '127.0.0.1', '::1'])].map((n) =>
    isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, 'ascii')),
  )
  const extensions = seq(
    extension('2.5.29.19', true, seq(tlv(0x01, Buffer.from([0xff])))), // basicConstraints: CA, so clients can pin it as `ca`
    extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x01, 0x84]))), // keyUsage: digitalSignature, keyCertSign
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
    extension('2.5.29.17', false, seq(...altNames)), // subjectAltName
  )
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name,
    seq(time(new Date(now - 60_000)), time(new Date(now + 365 * 24 * 3600 * 1000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, extensions),
  )
  const signature = createSign('SHA256').update(tbs).sign(privateKey)
  const certificate = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])))
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`,
  }
}

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length
  let length: Buffer
  if (n < 0x80) length = Buffer.from([n])
  else {
    const bytes: number[] = []
    for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff)
    length = Buffer.from([0x80 | bytes.length, ...bytes])
  }
  return Buffer.concat([Buffer.from([tag]), length, content])
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items))
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items))

function integer(value: Buffer): Buffer {
  return tlv(0x02, (value[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value)
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]]
  const bytes = [40 * a + b]
  for (const part of rest) {
    const chunk = [part & 0x7f]
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80)
    bytes.push(...chunk)
  }
  return tlv(0x06, Buffer.from(bytes))
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value))
}

// RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`))
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number))
  const [head = '', tail = ''] = ip.split('::')
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t]
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')))
}
