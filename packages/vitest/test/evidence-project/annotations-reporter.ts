import { writeFileSync } from 'node:fs'
import type { Reporter, TestModule } from 'vitest/node'

// Writes each test's state and annotations (with what their attachments hold) to REPORT_FILE.
export default class AnnotationsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const tests = testModules.flatMap((m) => [...m.children.allTests()])
    const out = tests.map((t) => ({
      name: t.name,
      state: t.result().state,
      annotations: t.annotations().map((a) => ({
        type: a.type,
        message: a.message,
        contentType: a.attachment?.contentType,
        body: typeof a.attachment?.body === 'string' ? a.attachment.body : undefined,
        path: a.attachment?.path,
      })),
      artifacts: t
        .artifacts()
        .filter((a) => a.type === 'mailwright:emails')
        .map((a) => ({
          type: a.type,
          attachments: (a.attachments ?? []).map((f) => ({
            name: (f as { name?: string }).name,
            contentType: f.contentType,
            text: f.contentType === 'text/plain' ? bodyText(f.body) : undefined,
          })),
        })),
    }))
    writeFileSync(process.env.REPORT_FILE as string, JSON.stringify(out, null, 2))
  }
}

function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return Buffer.from(body, 'base64').toString('utf8')
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8')
  return undefined
}
