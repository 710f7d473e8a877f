import { readFileSync, writeFileSync } from 'node:fs'

/**
 * Writes the inbox's STARTTLS certificate to `file` for clients to trust, after the certificates the current
 * `NODE_EXTRA_CA_CERTS` file already names (that variable takes one file, so both must be in it). Give the
 * file to the application as `NODE_EXTRA_CA_CERTS`: its Node process then accepts the inbox's STARTTLS with
 * certificate checks on, as it would a real server's, with no `rejectUnauthorized: false` in its code.
 * Returns `file`.
 *
 * @example
 * const server = await startInboxServer()
 * const env = { NODE_EXTRA_CA_CERTS: writeCaFile(server.smtp.ca ?? '', '/tmp/inbox-ca.pem') }
 */
export function writeCaFile(ca: string, file: string, existing = process.env.NODE_EXTRA_CA_CERTS): string {
  let before = ''
  if (existing && existing !== file) {
    try {
      before = readFileSync(existing, 'utf8')
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so do we, by leaving it out.
    }
  }
  writeFileSync(file, `${before}${before && !before.endsWith('\n') ? '\n' : ''}${ca}`, { mode: 0o644 })
  return file
}
