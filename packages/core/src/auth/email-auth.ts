/** SPF as judged for the envelope sender and the sending IP. */
export interface SpfVerdict {
  result: string
  /** The domain checked (the MAIL FROM domain, or the HELO name for a null sender). */
  domain: string
  clientIp?: string
  /** The receiver's explanation, e.g. `domain of bounces@example.com designates 203.0.113.10 as permitted sender`. */
  comment?: string
  /** The SPF record that was evaluated. */
  record?: string
  /** The mechanism that matched the IP, when one did (`ip4:203.0.113.0/24`, `include:…`, `-all`). */
  mechanism?: string
  /** On a fail, the domain owner's explanation from the record's `exp=` (RFC 7208 §6.2): third-party text. */
  explanation?: string
}

/** One DKIM signature's verdict. */
export interface DkimVerdict {
  result: string
  domain?: string
  selector?: string
  algorithm?: string
  /** Why it did not pass (body hash, key missing, wrong key, …) or what was noted. */
  comment?: string
  /** Whether `d=` aligns with the From domain (DMARC relaxed or strict, as the record says). */
  aligned: boolean
}

/** The DMARC verdict for the From domain. */
export interface DmarcVerdict {
  result: string
  /** The From (RFC 5322) domain the policy applies to. */
  domain?: string
  /** The published policy (`p=`, or `sp=` for a subdomain). */
  policy?: string
  alignment: { spf: boolean; dkim: boolean; spfStrict: boolean; dkimStrict: boolean }
  comment?: string
}

/** The ARC chain's verdict. */
export interface ArcVerdict {
  result: string
  comment?: string
}

/**
 * Whether an email is authentic, the way a receiving server decides: SPF, every DKIM signature, DMARC and
 * ARC, and who made the verdict (`source`), so a failure message can say it.
 */
export interface EmailAuth {
  spf?: SpfVerdict
  dkim: DkimVerdict[]
  dmarc?: DmarcVerdict
  arc?: ArcVerdict
  /** Who judged: `computed by mailwright (sending profile: 203.0.113.10)`, or the receiver that stamped it. */
  source: string
  /** Authentication-Results headers that were not trusted (written by someone other than the receiver). */
  ignored?: string[]
}
