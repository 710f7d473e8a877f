import { isIP } from 'node:net'
import { parseArgs } from 'node:util'
import { type EmailAuth, loadDnsZone, MailwrightError, zoneResolver } from '@mailwright/core'
import { analyzeHeaders, parseHeaders } from '@mailwright/core/internal'
import { computeEmailAuth } from '@mailwright/core/plugin'
import { readInputFile } from './read-input-file.js'
import { UsageError } from './usage-error.js'

export const HEADERS_HELP = `Usage: mailwright headers <file.eml | -> [options]

Reads an email's headers: the Received chain as hops (delays, TLS), the Authentication-Results it carries,
the sender's identities with their alignment to the From domain, and Date/Message-ID sanity.

Options:
  --json                 print the analysis as JSON
  --recompute            also judge SPF/DKIM/DMARC here (needs --sender-ip)
  --sender-ip <ip>       the IP the sender used, for SPF
  --dns <system|file>    DNS for --recompute: the system resolver, or a .json records / BIND zone file
  -h, --help             show this help
`

/**
 * `mailwright headers`: the header analyzer on a file or standard input.
 *
 * @example
 * await headersCommand(['bounce.eml', '--json'], { out: console.log, stdin: process.stdin })
 */
export async function headersCommand(
  argv: string[],
  io: { out: (line: string) => void; stdin: NodeJS.ReadableStream },
): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    throw new UsageError(
      `mailwright headers: ${(error as Error).message}. Run \`mailwright headers --help\`.`,
    )
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.out(HEADERS_HELP)
    return 0
  }
  if (positionals.length !== 1)
    throw new UsageError(
      'mailwright headers: give one .eml file, or - for standard input. Run `mailwright headers --help`.',
    )
  const source = positionals[0] as string
  const raw = source === '-' ? await readAll(io.stdin) : readInputFile(source, 'mailwright headers')
  assertEmail(raw, source === '-' ? 'standard input' : source)
  const analysis = analyzeHeaders(raw)
  let recomputed: EmailAuth | undefined
  if (values.recompute) {
    const ip = values['sender-ip']
    if (!ip || isIP(ip) === 0)
      throw new UsageError('mailwright headers: --recompute needs --sender-ip <ip>, the IP the sender used.')
    const dns = values.dns && values.dns !== 'system' ? zoneResolver(loadDnsZone(values.dns)) : 'system'
    const returnPath =
      parseHeaders(raw)
        .headers.find((h) => h.name.toLowerCase() === 'return-path')
        ?.value.replace(/[<>\s]/g, '') ?? ''
    recomputed = await computeEmailAuth(raw, { mailFrom: returnPath, rcptTo: [] }, { ip, dns })
  }
  if (values.json) {
    io.out(JSON.stringify({ ...analysis, recomputed }, null, 2))
    return 0
  }
  io.out('Received chain (oldest first)')
  if (analysis.hops.length === 0) io.out('  (no Received headers)')
  analysis.hops.forEach((hop, i) => {
    const delay = hop.delaySeconds === undefined ? '' : ` +${hop.delaySeconds}s`
    io.out(
      `  ${i + 1}  ${hop.from ?? '?'} → ${hop.by ?? '?'}${delay}  ${hop.tls ? `TLS: ${hop.tls}` : 'no TLS recorded'}${hop.timestamp ? `  ${hop.timestamp}` : ''}`,
    )
  })
  io.out('')
  io.out('Authentication results')
  if (analysis.authenticationResults.length === 0) io.out('  (none stamped)')
  for (const ar of analysis.authenticationResults) {
    const who = ar.authservId ? ar.authservId : 'no authserv-id (Exchange Online writes none)'
    io.out(
      `  ${ar.header} by ${who}: ${ar.results.map((r) => `${r.method}=${r.result}`).join(' ') || 'none'}`,
    )
  }
  if (recomputed) {
    const dkim = recomputed.dkim.map((d) => `dkim=${d.result}(d=${d.domain})`).join(' ') || 'dkim=none'
    io.out(
      `  Recomputed here, ${recomputed.source}: spf=${recomputed.spf?.result ?? 'none'} ${dkim} dmarc=${recomputed.dmarc?.result ?? 'none'}`,
    )
  }
  io.out('')
  const from = analysis.identities.find((i) => i.kind === 'From')
  io.out(`Sender identities (aligned with the From domain ${from?.value.split('@').pop() ?? '?'}?)`)
  for (const identity of analysis.identities)
    io.out(
      `  ${identity.kind.padEnd(12)} ${identity.value.padEnd(40)} ${identity.aligned ? 'aligned' : 'not aligned'}`,
    )
  io.out('')
  io.out('Date and Message-ID')
  if (analysis.problems.length === 0) io.out('  ✓ both present and valid')
  for (const problem of analysis.problems) io.out(`  ✗ ${problem}`)
  return 0
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      recompute: { type: 'boolean' },
      'sender-ip': { type: 'string' },
      dns: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string))
  return Buffer.concat(chunks)
}

// Headers every email has at least one of; an arbitrary file that happens to contain a colon has none.
const EMAIL_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'received',
  'return-path',
  'mime-version',
  'content-type',
  'dkim-signature',
  'authentication-results',
  'delivered-to',
  'sender',
  'reply-to',
])

/** Refuses input that is not an email, rather than analysing it as one with no headers and exiting 0. */
function assertEmail(raw: Buffer, source: string): void {
  const { headers } = parseHeaders(raw)
  if (headers.some((h) => EMAIL_HEADERS.has(h.name.toLowerCase()))) return
  const start = JSON.stringify(raw.subarray(0, 40).toString('latin1'))
  throw new MailwrightError(
    'NOT_AN_EMAIL',
    `${source} is not an email: it has none of the headers an email has (From, To, Subject, Date, Received, Message-ID…); it starts ${start}. Give the raw message (.eml, headers first), e.g. saved with "Show original" / "View source".`,
  )
}
