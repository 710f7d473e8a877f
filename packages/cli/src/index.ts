export { parseDuration, parseSize } from './parse-size.js'
export { runCli } from './run-cli.js'
export { SERVE_HELP, serveCommand } from './serve-command.js'
export { UsageError } from './usage-error.js'
