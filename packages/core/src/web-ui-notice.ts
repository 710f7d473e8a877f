import { webUiUrl } from './web-ui-url.js'

/**
 * The line a run prints when it starts a capture inbox: where its web UI shows the run's emails. Failure
 * messages link to single emails under the same address (`View:`).
 *
 * @example
 * console.log(webUiNotice('http://127.0.0.1:8025')) // Mailwright inbox: http://127.0.0.1:8025/ (web UI: …)
 */
export function webUiNotice(url: string): string {
  return `Mailwright inbox: ${webUiUrl(url)} (web UI: this run's emails as they arrive)`
}
