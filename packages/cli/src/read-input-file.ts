import { readFileSync } from 'node:fs'
import { UsageError } from './usage-error.js'

/**
 * A file a command line names, or a UsageError that says which flag named it and why it cannot be read.
 *
 * @example
 * const pem = readInputFile('./cert.pem', 'mailwright serve: --tls-cert', 'utf8')
 */
export function readInputFile(path: string, what: string): Buffer
export function readInputFile(path: string, what: string, encoding: 'utf8'): string
export function readInputFile(path: string, what: string, encoding?: 'utf8'): Buffer | string {
  try {
    return encoding ? readFileSync(path, encoding) : readFileSync(path)
  } catch (error) {
    throw new UsageError(`${what}: cannot read ${path}: ${(error as Error).message}.`)
  }
}
