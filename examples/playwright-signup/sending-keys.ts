import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { generateDkimKey } from '@mailwright/core/testing'

/**
 * The app signs as signup-app.test with a test key; receivers judge its mail as if sent from the production
 * IP 203.0.113.10, with the key, SPF, DMARC, MX and reverse DNS records published in an offline zone (what
 * spam filters look at too). Made once, reused.
 */
export function sendingKeys(): { dir: string; key: string; zone: string } {
  const dir = fileURLToPath(new URL('./.mailwright/', import.meta.url))
  const paths = { dir, key: `${dir}dkim.pem`, zone: `${dir}dns.zone` }
  // A zone from before the reverse DNS was added is made again.
  if (existsSync(paths.zone) && readFileSync(paths.zone, 'utf8').includes('PTR')) return paths
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
      '@              MX  10 mail.signup-app.test.',
      '@              A   203.0.113.10',
      'mail           A   203.0.113.10',
      '$ORIGIN 113.0.203.in-addr.arpa.',
      '10             PTR mail.signup-app.test.',
      '',
    ].join('\n'),
  )
  return paths
}
