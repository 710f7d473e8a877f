/** The attachment content type that carries a test's email record from the fixtures to the reporter. */
export const RECORD_CONTENT_TYPE = 'application/vnd.mailwright.record+json'
