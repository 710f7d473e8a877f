import { type DnsResolver, resolverFor } from './dns-resolver.js'
import type { DkimVerdict, DmarcVerdict, SpfVerdict } from './email-auth.js'

/** What DMARC judges: the author (From) and the SPF and DKIM verdicts of the same email. */
export interface EvaluateDmarcOptions {
  /** The From header's address (or addresses, when it names several mailboxes). */
  from: string | string[]
  /** The SPF verdict ({@link checkSpf}); a pass counts for its `domain`. */
  spf?: SpfVerdict
  /** The DKIM verdicts ({@link verifyDkim}); each pass counts for its `domain`. */
  dkim?: DkimVerdict[]
  /** The system resolver (default) or an offline one ({@link zoneResolver}). */
  dns?: 'system' | DnsResolver
  /** How many From header fields the email had: with more than one, DMARC cannot be evaluated. */
  fromFields?: number
}

/** {@link evaluateDmarc}'s verdict, with the signing domains that aligned. */
export interface DmarcRun {
  verdict?: DmarcVerdict
  /** Set when a policy was found and alignment judged. */
  dkimAligned?: Set<string>
}

/**
 * Evaluates DMARC the way a receiving server does (policy discovery by DNS Tree Walk, relaxed or strict
 * alignment, `sp=`/`np=`, `t=y`), with the same code {@link computeEmailAuth} uses. Several DMARC records
 * at one name mean no policy is found (RFC 7489 §6.6.3): `none`, saying so. Undefined when the From
 * header has no usable author domain.
 *
 * @example
 * const dmarc = await evaluateDmarc({ from: 'no-reply@example.com', spf, dkim, dns: zoneResolver(records) })
 * dmarc?.result // 'pass'
 */
export async function evaluateDmarc(options: EvaluateDmarcOptions): Promise<DmarcVerdict | undefined> {
  return (await runDmarc(options)).verdict
}

/** {@link evaluateDmarc} with the aligned signing domains, for each signature's own `aligned` flag. */
export async function runDmarc(options: EvaluateDmarcOptions): Promise<DmarcRun> {
  const { evaluateDmarc: mailauthDmarc } = (await import('mailauth/lib/dmarc/index.js')) as unknown as {
    evaluateDmarc: (opts: Record<string, unknown>) => Promise<{
      response: MailauthDmarc | false
      dkimAligned?: Set<string>
    }>
  }
  const resolver = resolverFor(options.dns)
  // Every _dmarc name the Tree Walk asked, in order, with how many DMARC records it had.
  const asked: Array<{ name: string; records: number }> = []
  const counting: DnsResolver = async (name, rrtype) => {
    const answer = await resolver(name, rrtype).catch((error: unknown) => {
      if (/^_dmarc\./i.test(name) && rrtype === 'TXT') asked.push({ name, records: 0 })
      throw error
    })
    if (/^_dmarc\./i.test(name) && rrtype === 'TXT' && Array.isArray(answer)) {
      const texts = answer.map((row) => (Array.isArray(row) ? row.join('') : String(row)).trim())
      asked.push({ name, records: texts.filter((t) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(t)).length })
    }
    return answer
  }
  const spfDomains = options.spf?.result === 'pass' && options.spf.domain ? [options.spf.domain] : []
  const { response, dkimAligned } = await mailauthDmarc({
    headerFrom: options.from,
    fromFields: options.fromFields,
    spfDomains,
    dkimDomains: (options.dkim ?? [])
      .filter((d) => d.result === 'pass' && d.domain)
      .map((d) => ({ domain: d.domain })),
    resolver: counting,
    strict: true,
  })
  if (!response) {
    // mailauth judges nothing when there is more than one author: DMARC needs exactly one From domain
    // (RFC 7489 §6.6.1), and receivers treat such mail as failing it.
    const authors = Array.isArray(options.from) ? options.from : [options.from]
    if (authors.length > 1)
      return {
        verdict: {
          result: 'permerror',
          alignment: { spf: false, dkim: false, spfStrict: false, dkimStrict: false },
          comment: `the email has ${authors.length} From addresses (${authors.join(', ')}): DMARC needs exactly one author domain (RFC 7489 section 6.6.1)`,
        },
      }
    return {}
  }
  const verdict: DmarcVerdict = {
    result: response.status.result,
    domain: response.status.header?.from ?? response.domain,
    policy: response.policy || response.p || undefined,
    alignment: {
      spf: Boolean(response.alignment?.spf?.result),
      dkim: Boolean(response.alignment?.dkim?.result),
      spfStrict: Boolean(response.alignment?.spf?.strict),
      dkimStrict: Boolean(response.alignment?.dkim?.strict),
    },
    comment: response.status.comment || undefined,
  }
  const found = asked.find((a) => a.records > 0)
  if (found && found.records > 1) {
    return {
      verdict: {
        ...verdict,
        result: 'none',
        policy: undefined,
        comment: `${found.records} DMARC records at ${found.name}: no policy applies (RFC 7489 6.6.3); publish exactly one`,
      },
      dkimAligned: new Set(),
    }
  }
  return dkimAligned ? { verdict, dkimAligned } : { verdict }
}

interface MailauthDmarc {
  domain?: string
  policy?: string
  p?: string
  status: { result: string; comment?: string | false; header?: { from?: string } }
  alignment?: {
    spf?: { result?: string | false; strict?: boolean }
    dkim?: { result?: string | false; strict?: boolean }
  }
}
