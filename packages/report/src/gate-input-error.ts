import { MailwrightError } from '@mailwright/core'

/** A report or policy that cannot be used: names the file, the key, the value and the fix. */
export class GateInputError extends MailwrightError {
  constructor(message: string) {
    super('GATE_INPUT', message)
  }
}
