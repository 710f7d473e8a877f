#!/usr/bin/env node
import module from 'node:module'

// Reuse compiled code across runs (Node >= 22.1): `mailwright serve` starts noticeably faster the second time.
module.enableCompileCache?.()
const { runCli } = await import('./run-cli.js')
process.exitCode = await runCli(process.argv.slice(2))
