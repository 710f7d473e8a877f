// The Mailwright capture inbox in its own process with an event-loop delay monitor, for the listing storm:
// `node servers/inbox.ts [maxEmails]`. Prints one JSON line when ready; on SIGUSR2 prints the event loop's
// delay histogram since the last SIGUSR2 (max, p99 in ms) and the memory in use, then starts a new one.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startInboxServer } from '@mailwright/inbox-server'

const maxEmails = Number(process.argv[2] ?? 10_000)
const server = await startInboxServer({ retention: { maxEmails } })
const histogram = monitorEventLoopDelay({ resolution: 1 })
histogram.enable()
console.log(JSON.stringify({ smtp: server.smtp.port, http: server.url }))
process.on('SIGUSR2', () => {
  const ms = (ns: number) => ns / 1e6
  console.log(
    JSON.stringify({
      loopMaxMs: ms(histogram.max),
      loopP99Ms: ms(histogram.percentile(99)),
      rssMiB: process.memoryUsage.rss() / 1048576,
    }),
  )
  histogram.reset()
})
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)))
