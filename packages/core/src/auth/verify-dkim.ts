import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto'
import { parseHeaders } from '../parse-headers.js'
import { type DnsResolver, resolverFor } from './dns-resolver.js'
import type { DkimVerdict } from './email-auth.js'

/** How to verify the DKIM signatures of a raw email. */
export interface VerifyDkimOptions {
  /** The system resolver (default) or an offline one ({@link zoneResolver}). */
  dns?: 'system' | DnsResolver
  /**
   * The verification clock, so `t=` (signed in the future) and `x=` (expired) judge the same on every run.
   * Default: now.
   */
  now?: Date | number
}

/** mailauth's verifier result, as much of it as the verdicts and DMARC/ARC need. */
export interface DkimRun {
  verdicts: DkimVerdict[]
  /** The From addresses (DMARC's author), in header order. */
  headerFrom: string[]
  fromFields?: number
  /** The ARC sets mailauth gathered, for its ARC check. */
  arc: unknown
}

/**
 * Verifies every DKIM-Signature of a raw email (RFC 6376 with RFC 8301: RSA-SHA1 and keys under 1024 bits
 * do not pass; RFC 8463 Ed25519), with the same code {@link computeEmailAuth} uses. A signature that
 * cannot be processed (an unsupported `a=` or `c=`, a missing tag) is reported with the reason, never
 * dropped; when both the key and the body hash are wrong, the key error is reported first.
 *
 * @example
 * const signatures = await verifyDkim(raw, { dns: zoneResolver(records), now: new Date('2026-11-26') })
 * signatures[0] // { result: 'pass', domain: 'example.com', selector: 's1', aligned: true, … }
 */
export async function verifyDkim(
  raw: Buffer | string,
  options: VerifyDkimOptions = {},
): Promise<DkimVerdict[]> {
  return (await runDkim(Buffer.isBuffer(raw) ? raw : Buffer.from(raw), options)).verdicts
}

/** {@link verifyDkim} with what DMARC and ARC go on to need. */
export async function runDkim(raw: Buffer, options: VerifyDkimOptions): Promise<DkimRun> {
  const { dkimVerify } = await import('mailauth')
  const resolver = resolverFor(options.dns)
  const result = (await dkimVerify(raw, {
    resolver: resolver as never,
    minBitLength: 1024,
    rejectRsaSha1: true,
    strict: true,
    curTime: options.now === undefined ? undefined : new Date(options.now),
  })) as unknown as {
    results?: DkimRow[]
    headerFrom?: string[]
    fromFields?: number
    arc?: unknown
  }
  const signatures = dkimSignatureTags(raw)
  const verdicts: DkimVerdict[] = []
  // An unsigned email comes back as one result 'none' without a domain: that is no signature at all.
  for (const row of (result.results ?? []).filter((r) => r.signingDomain)) {
    const verdict: DkimVerdict = {
      result: row.status.result,
      domain: row.signingDomain,
      selector: row.selector,
      algorithm: row.algo,
      comment: row.status.comment ?? (row.info ? infoComment(row.info) : undefined),
      aligned: row.status.result === 'pass' && Boolean(row.status.aligned),
    }
    const b = row.status.header?.b
    const tags = signatures.find((t) => b && t.b?.startsWith(b))
    const checked = followRfc6376(verdict, tags, row.rr)
    verdicts.push(checked.result === 'fail' ? await keyErrorFirst(checked, row, resolver) : checked)
  }
  return {
    verdicts,
    headerFrom: result.headerFrom ?? [],
    ...(result.fromFields === undefined ? {} : { fromFields: result.fromFields }),
    arc: result.arc,
  }
}

interface DkimRow {
  signingDomain?: string
  selector?: string
  algo?: string
  info?: string
  rr?: string
  signature?: string
  signingHeaders?: { canonicalizedHeader?: string }
  status: { result: string; comment?: string; aligned?: string | false; header?: { b?: string } }
}

function infoComment(info: string): string | undefined {
  const match = /\(([^)]*)\)/.exec(info)
  return match?.[1]
}

// Where mailauth is more lenient than RFC 6376, the verdict follows the RFC.
function followRfc6376(
  verdict: DkimVerdict,
  tags: Record<string, string> | undefined,
  keyRecord: string | undefined,
): DkimVerdict {
  if (!['pass', 'neutral'].includes(verdict.result) || !tags || !verdict.domain) return verdict
  const d = verdict.domain.toLowerCase()
  const identityDomain = tags.i?.split('@').pop()?.toLowerCase()
  // 3.5 / 6.1.1: i= must be d= or a subdomain of it; otherwise PERMFAIL (domain mismatch).
  if (identityDomain && identityDomain !== d && !identityDomain.endsWith(`.${d}`)) {
    return {
      ...verdict,
      result: 'permerror',
      aligned: false,
      comment: `i=${tags.i} is not in d=${d} (RFC 6376 3.5)`,
    }
  }
  // 3.6.1: a key with t=s allows no subdomain in i=.
  const flags =
    /(?:^|;)\s*t\s*=\s*([^;]*)/i
      .exec(keyRecord ?? '')?.[1]
      ?.split(':')
      .map((f) => f.trim().toLowerCase()) ?? []
  if (
    (flags.includes('s') || verdict.comment === 'domain mismatch') &&
    identityDomain &&
    identityDomain !== d
  ) {
    return {
      ...verdict,
      result: 'permerror',
      aligned: false,
      comment: `the key has t=s, but i=${tags.i} is a subdomain of d=${d} (RFC 6376 3.6.1)`,
    }
  }
  return verdict
}

// mailauth stops at a body hash that does not verify and never looks at the key. A sender must fix a
// missing or wrong key before anything else, so that is what is reported when it is also wrong.
async function keyErrorFirst(
  verdict: DkimVerdict,
  row: DkimRow,
  resolver: DnsResolver,
): Promise<DkimVerdict> {
  if (!/body hash did not verify/i.test(verdict.comment ?? '') || !row.selector || !row.signingDomain) {
    return verdict
  }
  const name = `${row.selector}._domainkey.${row.signingDomain}`
  let record: string | undefined
  try {
    const answers = (await resolver(name, 'TXT')) as string[][]
    record = answers.map((parts) => parts.join('')).find((text) => /(^|;)\s*p\s*=/i.test(text))
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code !== 'ENOTFOUND' && code !== 'ENODATA') return verdict
  }
  const also = 'and the body hash did not verify either'
  if (!record) return { ...verdict, result: 'permerror', comment: `no key at ${name}, ${also}` }
  const p = /(?:^|;)\s*p\s*=([^;]*)/i.exec(record)?.[1]?.replace(/\s+/g, '') ?? ''
  if (!p)
    return {
      ...verdict,
      result: 'permerror',
      comment: `the key at ${name} is revoked (p= is empty), ${also}`,
    }
  const headerData = row.signingHeaders?.canonicalizedHeader
  const signature = row.signature
  if (!headerData || !signature) return verdict
  const ed25519 = /ed25519/i.test(row.algo ?? '')
  let good: boolean
  try {
    const der = Buffer.from(p, 'base64')
    const key = createPublicKey({
      // An Ed25519 p= is the raw 32-byte key (RFC 8463); wrap it in its SubjectPublicKeyInfo.
      key: ed25519 ? Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), der]) : der,
      format: 'der',
      type: 'spki',
    })
    const data = Buffer.from(headerData, 'base64')
    good = ed25519
      ? verifySignature(
          null,
          createHash('sha256').update(data).digest(),
          key,
          Buffer.from(signature, 'base64'),
        )
      : verifySignature(
          /sha1/i.test(row.algo ?? '') ? 'sha1' : 'sha256',
          data,
          key,
          Buffer.from(signature, 'base64'),
        )
  } catch {
    return {
      ...verdict,
      result: 'permerror',
      comment: `the key at ${name} is not a usable public key, ${also}`,
    }
  }
  if (good) return verdict
  return { ...verdict, comment: `the key at ${name} does not verify the signature, ${also}` }
}

function dkimSignatureTags(raw: Buffer): Array<Record<string, string>> {
  return parseHeaders(raw)
    .headers.filter((h) => h.name.toLowerCase() === 'dkim-signature')
    .map((h) => {
      const tags: Record<string, string> = {}
      for (const part of h.value.split(';')) {
        const eq = part.indexOf('=')
        if (eq > 0) tags[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).replace(/\s+/g, '')
      }
      return tags
    })
}
