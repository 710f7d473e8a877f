import type { EmailEnvelope } from '../captured-email.js'
import { checkSpf } from './check-spf.js'
import { type DnsResolver, resolverFor } from './dns-resolver.js'
import type { EmailAuth } from './email-auth.js'
import { runDmarc } from './evaluate-dmarc.js'
import { runDkim } from './verify-dkim.js'

/**
 * How the sender is seen by a receiver: the capture only sees a loopback client, so the environment says
 * which production IP and HELO the SPF check should assume, and where DNS answers come from.
 */
export interface SendingProfile {
  /** The production egress IP the SPF check assumes. */
  ip: string
  /** The HELO/EHLO name of the production sender. Default: the name the client gave. */
  helo?: string
  /** DNS for SPF, DKIM keys and DMARC records: the system resolver, or an offline one (see zoneResolver). */
  dns?: 'system' | DnsResolver
  /** The receiving MTA name written into comments. Default `mailwright`. */
  mta?: string
}

/** Options of {@link computeEmailAuth} that are not about the sender. */
export interface ComputeEmailAuthOptions {
  /** The verification clock for DKIM `t=`/`x=`, so verdicts are reproducible. Default: now. */
  now?: Date | number
}

/**
 * Computes SPF, DKIM (every signature), DMARC and ARC for a raw email the way a receiving server does,
 * following the RFCs where mailauth's lenient defaults do not (its strict mode, and Mailwright's checks
 * on top): RSA-SHA1 signatures and keys under 1024 bits do not pass (RFC 8301), malformed SPF records and
 * ARC tag lists are errors, several DMARC records mean no policy. The same code is public piece by
 * piece: {@link checkSpf}, {@link verifyDkim}, {@link evaluateDmarc}.
 *
 * @example
 * const auth = await computeEmailAuth(raw, envelope, { ip: '203.0.113.10', dns: zoneResolver(records) })
 * auth.dmarc?.result // 'pass'
 */
export async function computeEmailAuth(
  raw: Buffer,
  envelope: EmailEnvelope,
  profile: SendingProfile,
  options: ComputeEmailAuthOptions = {},
): Promise<EmailAuth> {
  const resolver = resolverFor(profile.dns)
  const mta = profile.mta ?? 'mailwright'
  const dkim = await runDkim(raw, {
    dns: resolver,
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  const spf = await checkSpf({
    ip: profile.ip,
    helo: profile.helo ?? envelope.heloName ?? 'unknown',
    mailFrom: envelope.mailFrom,
    dns: resolver,
    mta,
  })
  const auth: EmailAuth = {
    source: `computed by mailwright (sending profile: ${profile.ip}${profile.dns && profile.dns !== 'system' ? ', offline DNS' : ''})`,
    dkim: dkim.verdicts,
    spf,
  }
  const arcVerdict = await checkArc(dkim.arc, resolver, profile.ip)
  if (dkim.headerFrom.length > 0) {
    const dmarc = await runDmarc({
      from: dkim.headerFrom,
      ...(dkim.fromFields === undefined ? {} : { fromFields: dkim.fromFields }),
      spf,
      dkim: dkim.verdicts,
      dns: resolver,
    })
    if (dmarc.verdict) auth.dmarc = dmarc.verdict
    // mailauth's verifier only guesses relaxed alignment; the DMARC record decides.
    const aligned = dmarc.dkimAligned
    if (aligned) {
      for (const d of auth.dkim) d.aligned = d.result === 'pass' && aligned.has(normalDomain(d.domain))
    }
  }
  if (arcVerdict) auth.arc = arcVerdict
  return auth
}

async function checkArc(
  chain: unknown,
  resolver: DnsResolver,
  ip: string,
): Promise<EmailAuth['arc'] | undefined> {
  const { arc } = await import('mailauth')
  const result = (await arc(
    chain as never,
    {
      resolver: resolver as never,
      minBitLength: 1024,
      strict: true,
      ip,
    } as never,
  )) as unknown as { status?: { result: string; comment?: string } } | undefined
  const status = result?.status
  return status && { result: status.result, comment: status.comment }
}

function normalDomain(domain: string | undefined): string {
  return (domain ?? '').toLowerCase().replace(/\.$/, '')
}
