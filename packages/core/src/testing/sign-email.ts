import { MailwrightError } from '../mailwright-error.js'

/** What to sign with. */
export interface SignEmailOptions {
  domain: string
  selector: string
  privateKey: string
  /** `rsa-sha256` (default for RSA keys) or `ed25519-sha256`; `rsa-sha1` only to test that it fails. */
  algorithm?: string
  /** The i= identity, e.g. `@mail.example.com`. */
  identity?: string
  /** Headers to sign. Default: mailauth's list (From, To, Subject, Date, Message-ID, …). */
  headers?: string[]
  /** The signing time written as `t=`. Default: now. */
  signTime?: Date
  /** The expiry written as `x=`. Default: none. */
  expires?: Date
}

/**
 * Adds a DKIM-Signature to a raw email (mailauth's signer), as an application under test would.
 *
 * @example
 * const signed = await signEmail(raw, { domain: 'example.com', selector: 's1', privateKey: key.privateKey })
 */
export async function signEmail(raw: Buffer | string, options: SignEmailOptions): Promise<Buffer> {
  const { dkimSign } = await import('mailauth')
  const input = Buffer.isBuffer(raw) ? raw : Buffer.from(raw)
  // mailauth only signs when the key sits in signatureData; at the top level it returns nothing.
  const result = (await dkimSign(input, {
    signTime: options.signTime,
    expires: options.expires,
    signatureData: [
      {
        signingDomain: options.domain,
        selector: options.selector,
        privateKey: options.privateKey,
        algorithm: options.algorithm,
        identity: options.identity,
        headerList: options.headers,
      },
    ],
  } as never)) as { signatures: string; errors: Array<{ error?: string; message?: string }> }
  if (!result.signatures) {
    const why = result.errors.map((e) => e.message ?? e.error).join('; ') || 'no signature was produced'
    throw new MailwrightError(
      'DKIM_SIGN',
      `Could not DKIM-sign for d=${options.domain} s=${options.selector}: ${why}. Check the private key (PEM) and the algorithm.`,
    )
  }
  return Buffer.concat([Buffer.from(result.signatures), input])
}
