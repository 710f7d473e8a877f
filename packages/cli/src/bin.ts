#!/usr/bin/env -S node --max-semi-space-size=2
// A young generation of 2 MiB (V8 grows it to 16+ under ingest): the garbage of received messages,
// socket buffers included, is collected sooner, so `serve` holding 10,000 emails stays about 20% smaller
// (bench/README.md). npm and pnpm carry shebang flags into their command shims.
import module from 'node:module'

// Reuse compiled code across runs (Node >= 22.1): `mailwright serve` starts noticeably faster the second time.
module.enableCompileCache?.()
const { runCli } = await import('./run-cli.js')
process.exitCode = await runCli(process.argv.slice(2))
