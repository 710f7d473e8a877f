/**
 * A page of the capture inbox's web UI, served at the root of its HTTP API: the UI itself, one email
 * (`#/emails/<id>`, what matcher failures print) or one inbox (`#/inboxes/<address>`, what a timeout prints).
 *
 * @example
 * webUiUrl('http://127.0.0.1:8025', { emailId: '3f2a9c-1' }) // 'http://127.0.0.1:8025/#/emails/3f2a9c-1'
 */
export function webUiUrl(base: string, page: { emailId?: string; inbox?: string } = {}): string {
  const root = `${base.replace(/\/+$/, '')}/`
  if (page.emailId !== undefined) return `${root}#/emails/${encodeURIComponent(page.emailId)}`
  if (page.inbox !== undefined) return `${root}#/inboxes/${encodeURIComponent(page.inbox)}`
  return root
}
