import { generateKeyPairSync } from 'node:crypto'

/** A DKIM key pair and the TXT record that publishes it. */
export interface DkimKey {
  /** PEM (PKCS#8) private key, for signing. */
  privateKey: string
  /** The TXT value to publish at `<selector>._domainkey.<domain>`: `v=DKIM1; k=rsa; p=…`. */
  record: string
}

/**
 * A fresh DKIM key for tests: RSA (2048 bits by default, the size receivers expect) or Ed25519 (RFC 8463).
 *
 * @example
 * const key = generateDkimKey()
 * const dns = zoneResolver({ 's1._domainkey.example.com': { TXT: [key.record] } })
 */
export function generateDkimKey(options: { type?: 'rsa' | 'ed25519'; bits?: number } = {}): DkimKey {
  if (options.type === 'ed25519') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    // The record carries the raw 32-byte key: the SPKI DER minus its 12-byte prefix.
    const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(12)
    return {
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      record: `v=DKIM1; k=ed25519; p=${raw.toString('base64')}`,
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: options.bits ?? 2048 })
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    record: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  }
}
