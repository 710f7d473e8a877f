import type { EmailAuth } from '@mailwright/core'

/**
 * The value of the Authentication-Results header Exchange Online writes on delivered mail, for a verdict:
 * no authserv-id, `;` without a space before `dmarc=` and `compauth=`, as Microsoft documents and real
 * headers show ("Anti-spam message headers in cloud organizations",
 * https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo; "Email authentication in
 * Microsoft 365", https://learn.microsoft.com/defender-office-365/email-authentication-about).
 *
 * - `dmarc=`: `pass` / `fail` under a published record; `bestguesspass` when the domain publishes none but
 *   SPF or DKIM passed aligned with From (it would have passed); else `none`; `permerror` / `temperror` as is.
 * - `action=`: `none` unless DMARC failed under `p=quarantine` (`quarantine`) or `p=reject` (`oreject`:
 *   Microsoft 365 overrides the reject and treats the mail as spam), or the record was broken
 *   (`permerror` / `temperror`). `pct` sampling (`pct.quarantine`, `pct.reject`) is not modelled.
 * - `compauth=`: `pass reason=100` on a DMARC pass; `pass reason=109` on `bestguesspass` (Microsoft's own
 *   example); `fail reason=000` (explicit failure) when DMARC failed under quarantine or reject;
 *   `fail reason=001` (implicit failure) when it failed under `p=none` or the domain publishes nothing that
 *   passed.
 *
 * @example
 * exchangeAuthenticationResults(auth, '203.0.113.10') // 'spf=pass (sender IP is 203.0.113.10) smtp.mailfrom=…'
 */
export function exchangeAuthenticationResults(auth: EmailAuth, ip: string): string {
  const dkim = auth.dkim.length
    ? auth.dkim
        .map(
          (d) =>
            `dkim=${d.result} (${d.result === 'pass' ? 'signature was verified' : (d.comment ?? 'signature did not verify')}) header.d=${d.domain}`,
        )
        .join(';')
    : 'dkim=none (message not signed) header.d=none'
  const { dmarc, action, compauth } = composite(auth)
  return `spf=${auth.spf?.result ?? 'none'} (sender IP is ${ip}) smtp.mailfrom=${auth.spf?.domain ?? 'none'}; ${dkim};dmarc=${dmarc} action=${action} header.from=${auth.dmarc?.domain ?? 'none'};compauth=${compauth}`
}

function composite(auth: EmailAuth): { dmarc: string; action: string; compauth: string } {
  const result = auth.dmarc?.result ?? 'none'
  const policy = auth.dmarc?.policy?.toLowerCase()
  if (result === 'pass') return { dmarc: 'pass', action: 'none', compauth: 'pass reason=100' }
  if (result === 'fail') {
    if (policy === 'reject') return { dmarc: 'fail', action: 'oreject', compauth: 'fail reason=000' }
    if (policy === 'quarantine') return { dmarc: 'fail', action: 'quarantine', compauth: 'fail reason=000' }
    return { dmarc: 'fail', action: 'none', compauth: 'fail reason=001' }
  }
  // No usable record: Microsoft's implicit authentication looks at SPF and DKIM aligned with From.
  const spfAligned = auth.spf?.result === 'pass' && auth.dmarc?.alignment.spf === true
  const dkimAligned = auth.dkim.some((d) => d.result === 'pass' && d.aligned)
  const broken = result === 'permerror' || result === 'temperror'
  if (spfAligned || dkimAligned)
    return {
      dmarc: broken ? result : 'bestguesspass',
      action: broken ? result : 'none',
      compauth: 'pass reason=109',
    }
  return { dmarc: broken ? result : 'none', action: broken ? result : 'none', compauth: 'fail reason=001' }
}
