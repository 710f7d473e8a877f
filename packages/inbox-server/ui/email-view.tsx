import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { declaresDarkStyles } from '../../core/src/declares-dark-styles.ts'
import {
  attachmentUrl,
  type EmailAuth,
  type EmailDetail,
  getEmail,
  getHeaderAnalysis,
  getRaw,
  type HeaderAnalysis,
  previewUrl,
  rawUrl,
  type Verdict,
} from './api.ts'
import { formatSize, who } from './format.ts'

const TABS = ['Preview', 'Text', 'Headers', 'Links & codes', 'Attachments', 'Raw'] as const
type Tab = (typeof TABS)[number]

// Unicode's direction overrides, embeddings, isolates and marks: a subject or file name with them reads in
// another order than it is written.
const BIDI_CONTROLS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/
const BIDI_CONTROLS_ALL = new RegExp(BIDI_CONTROLS.source, 'g')

// Web addresses in the plain-text part, made links (new tab, no referrer): what a reader of the text sees.
function linkify(text: string) {
  const parts: Array<string | JSX.Element> = []
  let last = 0
  for (const match of text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)) {
    parts.push(
      text.slice(last, match.index),
      <a href={match[0]} target="_blank" rel="noreferrer noopener">
        {match[0]}
      </a>,
    )
    last = (match.index ?? 0) + match[0].length
  }
  parts.push(text.slice(last))
  return parts
}

// What the Raw tab shows at most; the whole message is one click away as a download.
const RAW_SHOWN = 1024 * 1024

interface EmailViewProps {
  id: string
  /** The email was deleted elsewhere (another tab, a test, retention): the view stays, and says so. */
  gone: boolean
  onDelete(id: string): void
  onClose(): void
}

type Loaded =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ok'; email: EmailDetail; analysis: HeaderAnalysis }

/** One email: who sent it and how it authenticated, then its preview, text, headers, links, files and source. */
export function EmailView({ id, gone, onDelete, onClose }: EmailViewProps) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' })
  const [tab, setTab] = useState<Tab>('Preview')
  // Asked for once per email, kept while its tabs change.
  const [remoteImages, setRemoteImages] = useState(false)

  // The tab is named after the open email, and after the inbox again once it closes.
  const subject = loaded.state === 'ok' ? loaded.email.subject || '(no subject)' : undefined
  useEffect(() => {
    if (subject !== undefined) document.title = `${subject} · Mailwright inbox`
  }, [subject])
  useEffect(
    () => () => {
      document.title = 'Mailwright inbox'
    },
    [],
  )
  useEffect(() => {
    let live = true
    setLoaded({ state: 'loading' })
    Promise.all([getEmail(id), getHeaderAnalysis(id)])
      .then(([email, analysis]) => live && setLoaded({ state: 'ok', email, analysis }))
      .catch((error: Error) => live && setLoaded({ state: 'error', message: error.message }))
    return () => {
      live = false
    }
  }, [id])

  if (loaded.state === 'loading')
    return (
      <p class="view-status" role="status">
        Loading…
      </p>
    )
  if (loaded.state === 'error')
    return (
      <p class="view-status" role="alert">
        {loaded.message}
      </p>
    )
  const { email, analysis } = loaded
  const auth = email.auth ?? analysis.auth
  const bidi = [
    email.subject,
    email.from?.name ?? '',
    ...email.attachments.map((a) => a.filename ?? ''),
  ].find((text) => BIDI_CONTROLS.test(text))
  const warnings = [
    ...email.captureWarnings,
    ...email.warnings,
    ...(bidi === undefined
      ? []
      : [
          `${JSON.stringify(bidi.replace(BIDI_CONTROLS_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))} holds invisible text-direction controls: what it shows is not the order of its characters (a file name may look like .pdf and end in .exe).`,
        ]),
  ]
  const tabId = (t: Tab) => `tab-${t.replace(/\W+/g, '-').toLowerCase()}`

  const onTabKey = (event: KeyboardEvent) => {
    const index = TABS.indexOf(tab)
    const next = event.key === 'ArrowRight' ? index + 1 : event.key === 'ArrowLeft' ? index - 1 : undefined
    if (next === undefined) return
    event.preventDefault()
    const target = TABS[(next + TABS.length) % TABS.length] as Tab
    setTab(target)
    document.getElementById(tabId(target))?.focus()
  }

  return (
    <article class="email" aria-labelledby="email-subject">
      <header class="email-head">
        <div class="email-actions">
          <button type="button" class="back" onClick={onClose}>
            ← Back to list
          </button>
          <a class="button" href={rawUrl(email.id)} download>
            Download .eml
          </a>
          <button type="button" class="danger" onClick={() => onDelete(email.id)}>
            Delete
          </button>
        </div>
        {gone ? (
          <p class="warnings" role="alert">
            This email was deleted (in another tab, by a test, or by retention): what is shown is what was
            loaded.
          </p>
        ) : null}
        <h2 id="email-subject">{email.subject || '(no subject)'}</h2>
        <dl class="email-fields">
          <dt>From</dt>
          <dd>{who(email.from)}</dd>
          <dt>To</dt>
          <dd>{email.to.map(who).join(', ') || '(none)'}</dd>
          {email.cc.length > 0 ? (
            <>
              <dt>Cc</dt>
              <dd>{email.cc.map(who).join(', ')}</dd>
            </>
          ) : null}
          <dt>Envelope</dt>
          <dd>
            {email.envelope.mailFrom || '<>'} → {email.envelope.rcptTo.join(', ')}
          </dd>
          <dt>Session</dt>
          <dd>{session(email)}</dd>
          <dt>Received</dt>
          <dd>
            <time dateTime={email.receivedAt}>{new Date(email.receivedAt).toLocaleString()}</time> ·{' '}
            {formatSize(email.size)} · id {email.id}
          </dd>
        </dl>
        <AuthBadges auth={auth} />
        {warnings.length > 0 ? (
          <div class="warnings" role="note" aria-label="Warnings">
            <strong>Warnings</strong>
            <ul>
              {warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </header>
      <div class="tabs" role="tablist" aria-label="Email views" onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={tabId(t)}
            aria-selected={t === tab}
            aria-controls="email-panel"
            tabIndex={t === tab ? 0 : -1}
            onClick={() => setTab(t)}
          >
            {t === 'Attachments' ? `Attachments (${email.attachments.length})` : t}
            {t === 'Links & codes' ? ` (${email.links.length + email.codes.length})` : ''}
          </button>
        ))}
      </div>
      <section id="email-panel" class="panel" role="tabpanel" aria-labelledby={tabId(tab)}>
        {tab === 'Preview' ? (
          <Preview email={email} remoteImages={remoteImages} onRemoteImages={() => setRemoteImages(true)} />
        ) : null}
        {tab === 'Text' ? (
          <pre class="text">
            {email.text === undefined ? '(this email has no plain-text part)' : linkify(email.text)}
          </pre>
        ) : null}
        {tab === 'Headers' ? <Headers email={email} analysis={analysis} auth={auth} /> : null}
        {tab === 'Links & codes' ? <LinksAndCodes email={email} /> : null}
        {tab === 'Attachments' ? <Attachments email={email} /> : null}
        {tab === 'Raw' ? <Raw id={email.id} size={email.size} /> : null}
      </section>
    </article>
  )
}

// The SMTP session that delivered it, as the capture saw it (its own hop: the capture adds no Received).
function session({ envelope }: EmailDetail): string {
  const ip = envelope.clientAddress ? `[${envelope.clientAddress}]` : ''
  // A client that greets with its address literal (`EHLO [127.0.0.1]`) is named once.
  const client = envelope.heloName === ip ? ip : `${envelope.heloName ?? '(no HELO)'} ${ip}`.trim()
  const tls = envelope.tls ? `${envelope.tls.protocol} ${envelope.tls.cipher}` : 'no TLS'
  const auth = envelope.authenticatedUser ? `AUTH as ${envelope.authenticatedUser}` : 'no AUTH'
  return `from ${client} · ${tls} · ${auth}`
}

// Desktop or mobile, light or dark: kept across emails and visits, as a mail app keeps its view.
const PREVIEW_KEY = 'mailwright-preview'
function previewPrefs(): { width: 'desktop' | 'mobile'; scheme: 'light' | 'dark' } {
  try {
    const saved = JSON.parse(localStorage.getItem(PREVIEW_KEY) ?? '{}') as { width?: string; scheme?: string }
    return {
      width: saved.width === 'mobile' ? 'mobile' : 'desktop',
      scheme: saved.scheme === 'dark' ? 'dark' : 'light',
    }
  } catch {
    return { width: 'desktop', scheme: 'light' }
  }
}

function Preview({
  email,
  remoteImages,
  onRemoteImages,
}: {
  email: EmailDetail
  remoteImages: boolean
  onRemoteImages(): void
}) {
  const [prefs, setPrefs] = useState(previewPrefs)
  const { width, scheme } = prefs
  const choose = (next: Partial<typeof prefs>) => {
    const chosen = { ...prefs, ...next }
    setPrefs(chosen)
    localStorage.setItem(PREVIEW_KEY, JSON.stringify(chosen))
  }
  const setWidth = (w: 'desktop' | 'mobile') => choose({ width: w })
  const setScheme = (s: 'light' | 'dark') => choose({ scheme: s })
  const setRemoteImages = onRemoteImages
  // Remote images as attributes (src, srcset, background, poster) or CSS (url(), image-set()); one \s* per
  // gap, so the test is linear in the email's size.
  const remote =
    email.html !== undefined &&
    /(?:\b(?:src|srcset|background|poster)\s*=\s*["']?|url\(\s*["']?|image-set\(\s*["']?)(?:https?:)?\/\//i.test(
      email.html,
    )
  return (
    <div class="preview">
      <div class="preview-bar">
        <fieldset class="segmented">
          <legend class="visually-hidden">Width</legend>
          {(['desktop', 'mobile'] as const).map((w) => (
            <button key={w} type="button" aria-pressed={width === w} onClick={() => setWidth(w)}>
              {w === 'desktop' ? 'Desktop' : 'Mobile'}
            </button>
          ))}
        </fieldset>
        <fieldset class="segmented">
          <legend class="visually-hidden">Color scheme</legend>
          {(['light', 'dark'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={scheme === s} onClick={() => setScheme(s)}>
              {s === 'light' ? 'Light' : 'Dark'}
            </button>
          ))}
        </fieldset>
        {remote && !remoteImages ? (
          <span class="remote-note">
            Remote images are blocked.{' '}
            <button type="button" onClick={() => setRemoteImages()}>
              Load remote images
            </button>
          </span>
        ) : null}
        {email.html === undefined ? <span class="remote-note">No HTML part: showing the text.</span> : null}
        {scheme === 'dark' && email.html !== undefined ? (
          <span class="remote-note">
            {declaresDarkStyles(email.html)
              ? 'Its own dark styles, as Apple Mail shows them.'
              : 'No dark styles declared: inverted, as the Gmail and Outlook apps show it.'}
          </span>
        ) : null}
      </div>
      <div class={`frame-wrap ${width}`}>
        {/* A new frame per variant: what a test or a screenshot waits for is never the previous document. */}
        <iframe
          key={`${scheme}-${remoteImages}`}
          title={`Preview of "${email.subject}"`}
          src={previewUrl(email.id, { scheme, remoteImages })}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          referrerpolicy="no-referrer"
        />
      </div>
    </div>
  )
}

const RESULT_CLASS: Record<string, string> = {
  pass: 'pass',
  fail: 'fail',
  softfail: 'warn',
  neutral: 'warn',
  none: 'none',
  temperror: 'warn',
  permerror: 'fail',
  policy: 'warn',
}

function Badge({ label, verdict }: { label: string; verdict: Verdict | undefined }) {
  const result = verdict?.result ?? 'none'
  return (
    <span class={`badge ${RESULT_CLASS[result] ?? 'warn'}`} title={verdict?.comment ?? ''}>
      {label} <strong>{result}</strong>
    </span>
  )
}

function AuthBadges({ auth }: { auth: EmailAuth | undefined }) {
  if (!auth)
    return (
      <p class="auth-none">
        No authentication verdict: the inbox judges SPF, DKIM and DMARC when it is given a sending profile.
      </p>
    )
  const dkim: Verdict | undefined =
    auth.dkim.length === 0
      ? undefined
      : (auth.dkim.find((d) => d.result === 'pass' && d.aligned) ??
        auth.dkim.find((d) => d.result === 'pass') ??
        auth.dkim[0])
  return (
    <section class="auth" aria-label="Authentication">
      <Badge label="SPF" verdict={auth.spf} />
      <Badge label="DKIM" verdict={dkim} />
      <Badge label="DMARC" verdict={auth.dmarc} />
      <Badge label="ARC" verdict={auth.arc} />
    </section>
  )
}

function Headers({
  email,
  analysis,
  auth,
}: {
  email: EmailDetail
  analysis: HeaderAnalysis
  auth: EmailAuth | undefined
}) {
  return (
    <div class="headers">
      <h3>Authentication</h3>
      {auth ? (
        <>
          <table class="kv">
            <tbody>
              {auth.spf ? (
                <tr>
                  <th scope="row">SPF</th>
                  <td>
                    <Result result={auth.spf.result} /> {auth.spf.domain}
                    {auth.spf.clientIp ? ` from ${auth.spf.clientIp}` : ''}
                    {auth.spf.mechanism ? `, matched ${auth.spf.mechanism}` : ''}
                    {auth.spf.comment ? <div class="reason">{auth.spf.comment}</div> : null}
                    {auth.spf.record ? <code class="record">{auth.spf.record}</code> : null}
                    {auth.spf.explanation ? (
                      <div class="reason">Sender's explanation: {auth.spf.explanation}</div>
                    ) : null}
                  </td>
                </tr>
              ) : null}
              {auth.dkim.length === 0 ? (
                <tr>
                  <th scope="row">DKIM</th>
                  <td>
                    <Result result="none" /> no signature
                  </td>
                </tr>
              ) : (
                auth.dkim.map((d, i) => (
                  <tr key={`${d.domain}-${d.selector}-${i}`}>
                    <th scope="row">DKIM</th>
                    <td>
                      <Result result={d.result} /> d={d.domain ?? '?'} s={d.selector ?? '?'}{' '}
                      {d.aligned ? '(aligned with From)' : '(not aligned with From)'}
                      {d.comment ? <div class="reason">{d.comment}</div> : null}
                    </td>
                  </tr>
                ))
              )}
              {auth.dmarc ? (
                <tr>
                  <th scope="row">DMARC</th>
                  <td>
                    <Result result={auth.dmarc.result} /> {auth.dmarc.domain}
                    {auth.dmarc.policy ? ` p=${auth.dmarc.policy}` : ''}
                    {auth.dmarc.alignment ? (
                      <div class="reason">
                        {/* DMARC counts a pass whose domain aligns with From's: say which. */}
                        SPF: {auth.dmarc.alignment.spf ? 'an aligned pass' : 'no aligned pass'}
                        {auth.dmarc.alignment.spfStrict ? ' (strict)' : ''}; DKIM:{' '}
                        {auth.dmarc.alignment.dkim ? 'an aligned pass' : 'no aligned pass'}
                        {auth.dmarc.alignment.dkimStrict ? ' (strict)' : ''}
                      </div>
                    ) : null}
                    {auth.dmarc.comment ? <div class="reason">{auth.dmarc.comment}</div> : null}
                  </td>
                </tr>
              ) : null}
              {auth.arc ? (
                <tr>
                  <th scope="row">ARC</th>
                  <td>
                    <Result result={auth.arc.result} />
                    {auth.arc.comment ? <div class="reason">{auth.arc.comment}</div> : null}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
          <p class="source">Source: {auth.source}</p>
          {auth.ignored?.length ? (
            <p class="source">
              Ignored (not written by the receiver): {auth.ignored.length} Authentication-Results
            </p>
          ) : null}
        </>
      ) : (
        <p>No verdict (no sending profile, and no trusted Authentication-Results).</p>
      )}

      <h3>Sender identities</h3>
      <table class="kv">
        <tbody>
          {analysis.identities.some((i) => i.kind === 'Return-Path') ? null : (
            <tr>
              <th scope="row">MAIL FROM</th>
              <td>
                {email.envelope.mailFrom || '<> (null sender)'} (the envelope sender: the domain SPF checks)
              </td>
            </tr>
          )}
          {analysis.identities.map((identity, i) => (
            <tr key={`${identity.kind}-${i}`}>
              <th scope="row">{identity.kind}</th>
              <td>
                {identity.value}{' '}
                {identity.kind === 'From'
                  ? '(the domain DMARC checks)'
                  : identity.aligned
                    ? '(aligned with From)'
                    : '(not aligned with From)'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Hops (oldest first)</h3>
      {analysis.hops.length === 0 ? (
        <p>No Received headers.</p>
      ) : (
        <ol class="hops">
          {analysis.hops.map((hop, i) => (
            <li key={`${hop.by}-${i}`}>
              {hop.from ?? '?'} → {hop.by ?? '?'}
              {hop.with ? ` with ${hop.with}` : ''}
              {hop.delaySeconds !== undefined ? ` · +${hop.delaySeconds}s` : ''} ·{' '}
              {hop.tls ? `TLS ${hop.tls}` : 'no TLS recorded'}
              {hop.timestamp ? <div class="reason">{hop.timestamp}</div> : null}
            </li>
          ))}
        </ol>
      )}

      {analysis.authenticationResults.length > 0 ? (
        <>
          <h3>Authentication-Results stamped in the email</h3>
          <ul class="plain">
            {analysis.authenticationResults.map((ar, i) => (
              <li key={`${ar.authservId}-${i}`}>
                {ar.header} by {ar.authservId ?? '(no authserv-id)'}
                {ar.instance ? ` i=${ar.instance}` : ''}:{' '}
                {ar.results.map((r) => `${r.method}=${r.result}`).join(', ')}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {analysis.problems.length > 0 ? (
        <>
          <h3>Problems</h3>
          <ul class="plain">
            {analysis.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      ) : null}

      <h3>All headers</h3>
      <table class="kv all-headers">
        <tbody>
          {email.headers.map((h, i) => (
            <tr key={`${h.name}-${i}`}>
              <th scope="row">{h.name}</th>
              <td>{h.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Result({ result }: { result: string }) {
  return <span class={`result ${RESULT_CLASS[result] ?? 'warn'}`}>{result}</span>
}

function LinksAndCodes({ email }: { email: EmailDetail }) {
  return (
    <div class="links">
      <h3>One-time codes</h3>
      {email.codes.length === 0 ? (
        <p>None found.</p>
      ) : (
        <ul class="codes">
          {email.codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ul>
      )}
      <h3>Links</h3>
      {email.links.length === 0 ? (
        <p>None found.</p>
      ) : (
        <table class="kv">
          <thead>
            <tr>
              <th scope="col">Text</th>
              <th scope="col">Address</th>
              <th scope="col">Part</th>
            </tr>
          </thead>
          <tbody>
            {email.links.map((link, i) => (
              <tr key={`${link.href}-${i}`}>
                <td>{link.text}</td>
                <td>
                  {/^https?:\/\//i.test(link.href) ? (
                    <a href={link.href} target="_blank" rel="noreferrer noopener">
                      {link.href}
                    </a>
                  ) : (
                    <code>{link.href}</code>
                  )}
                </td>
                <td>{link.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

function Attachments({ email }: { email: EmailDetail }) {
  if (email.attachments.length === 0) return <p>No attachments.</p>
  return (
    <ul class="attachments">
      {email.attachments.map((a, i) => (
        <li key={`${a.filename}-${i}`}>
          <a href={attachmentUrl(email.id, i)} download={a.filename ?? `attachment-${i}`}>
            {a.filename ?? `attachment-${i}`}
          </a>{' '}
          {a.contentType} · {formatSize(a.size)}
          {a.inline ? ' · inline' : ''}
          {a.cid ? ` · cid:${a.cid}` : ''}
        </li>
      ))}
    </ul>
  )
}

function Raw({ id, size }: { id: string; size: number }) {
  const [raw, setRaw] = useState<string | undefined>()
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    getRaw(id).then(setRaw, (e: Error) => setError(e.message))
  }, [id])
  if (error) return <p role="alert">{error}</p>
  if (raw === undefined) return <p role="status">Loading…</p>
  return (
    <>
      {size > RAW_SHOWN ? (
        <p>
          The first {formatSize(RAW_SHOWN)} of {formatSize(size)}; download the .eml for all of it.
        </p>
      ) : null}
      <pre class="raw">{raw.slice(0, RAW_SHOWN).replaceAll('\r\n', '\n')}</pre>
    </>
  )
}
