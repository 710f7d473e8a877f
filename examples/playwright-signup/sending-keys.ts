import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { generateDkimKey } from '@mailwright/core/testing'

/**
 * The app signs as signup-app.test with a test key; receivers judge its mail as if sent from the production
 * IP 203.0.113.10, with the key, SPF and DMARC records published in an offline zone. Made once, reused.
 */
export function sendingKeys(): { dir: string; key: string; zone: string } {
  const dir = fileURLToPath(new URL('./.mailwright/', import.meta.url))
  const paths = { dir, key: `${dir}dkim.pem`, zone: `${dir}dns.zone` }
  if (existsSync(paths.zone)) return paths
  const key = generateDkimKey()
  mkdirSync(dir, { recursive: true })
  writeFileSync(paths.key, key.privateKey)
  writeFileSync(
    paths.zone,
    [
      '$ORIGIN signup-app.test.',
      '@              TXT "v=spf1 ip4:203.0.113.10 -all"',
      `s1._domainkey  TXT "${key.record}"`,
      '_dmarc         TXT "v=DMARC1; p=reject"',
      '',
    ].join('\n'),
  )
  return paths
}
