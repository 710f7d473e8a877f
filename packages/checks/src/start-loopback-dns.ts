import { createSocket, type Socket } from 'node:dgram'
import type { DnsResolver } from '@mailwright/core'
import dnsPacket from 'dns-packet'

/** A DNS server on 127.0.0.1 that answers from a resolver and never asks anyone else. */
export interface StartedLoopbackDns extends AsyncDisposable {
  /** `127.0.0.1:<port>`, as a filter's `nameserver` setting takes it. */
  readonly address: string
  readonly port: number
  /** The names asked for, in order (what a filter tried to look up). */
  readonly queries: readonly string[]
  stop(): Promise<void>
}

const ANSWERED = new Set(['TXT', 'A', 'AAAA', 'MX', 'CNAME', 'PTR'])
// A filter asks for a handful of names per email; past this many, the oldest are forgotten.
const MAX_REMEMBERED = 1000

/**
 * Starts a DNS server on loopback for a spam filter: it answers from `resolve` (the sending profile's
 * offline zone) and says NXDOMAIN for everything else, at once. A filter pointed at it cannot reach the
 * network's resolver, nor, through it, any blocklist or map server.
 *
 * @example
 * await using dns = await startLoopbackDns(zoneResolver({ 'example.com': { TXT: ['v=spf1 -all'] } }))
 * // rspamd: options { dns { nameserver = ["127.0.0.1:<dns.port>"] } }
 */
export async function startLoopbackDns(resolve?: DnsResolver): Promise<StartedLoopbackDns> {
  const socket = createSocket('udp4')
  const queries: string[] = []
  socket.on('message', (message, remote) => {
    void answer(message, resolve, queries).then(
      (reply) => {
        if (reply) socket.send(reply, remote.port, remote.address)
      },
      () => {},
    )
  })
  await new Promise<void>((done, fail) => {
    socket.once('error', fail)
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', fail)
      done()
    })
  })
  socket.unref()
  // A reply that cannot be sent (too large, the asker gone) is that asker's timeout, not this process's crash.
  socket.on('error', () => {})
  const { port } = socket.address()
  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= new Promise<void>((done) => close(socket, done))
    return stopped
  }
  return { address: `127.0.0.1:${port}`, port, queries, stop, [Symbol.asyncDispose]: stop }
}

function close(socket: Socket, done: () => void): void {
  try {
    socket.close(done)
  } catch {
    done()
  }
}

async function answer(
  message: Buffer,
  resolve: DnsResolver | undefined,
  queries: string[],
): Promise<Buffer | undefined> {
  let query: dnsPacket.Packet
  try {
    query = dnsPacket.decode(message)
  } catch {
    return undefined
  }
  const question = query.questions?.[0]
  if (!question) return undefined
  queries.push(`${question.type} ${question.name}`)
  if (queries.length > MAX_REMEMBERED) queries.shift()
  const reply = (rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL', answers: dnsPacket.Answer[] = []) =>
    dnsPacket.encode({
      id: query.id,
      type: 'response',
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcodeFlag(rcode),
      questions: [question],
      answers,
    })
  if (!resolve || !ANSWERED.has(question.type)) return reply('NXDOMAIN')
  try {
    const records = (await resolve(question.name, question.type)) as unknown[]
    return reply(
      'NOERROR',
      records.map((data) => record(question.name, question.type, data)),
    )
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ENODATA') return reply('NOERROR')
    // A declared timeout is best shown by not answering: the filter sees what a real timeout does.
    if (code === 'ETIMEOUT') return undefined
    return reply(code === 'ESERVFAIL' ? 'SERVFAIL' : 'NXDOMAIN')
  }
}

function rcodeFlag(rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL'): number {
  return { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 }[rcode]
}

function record(name: string, type: string, data: unknown): dnsPacket.Answer {
  const base = { name, ttl: 60, class: 'IN' as const }
  switch (type) {
    case 'TXT':
      return { ...base, type: 'TXT', data: (data as string[]).map((s) => Buffer.from(s)) }
    case 'MX': {
      const mx = data as { priority: number; exchange: string }
      return { ...base, type: 'MX', data: { preference: mx.priority, exchange: mx.exchange || '.' } }
    }
    default:
      return { ...base, type: type as 'A', data: String(data) }
  }
}
