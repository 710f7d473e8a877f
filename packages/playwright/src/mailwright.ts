#!/usr/bin/env node
// The runner package brings the `mailwright` command itself: npm and pnpm link only the bins of a project's
// direct dependencies, and the CLI package is this package's dependency.
await import('mailwright/bin')
