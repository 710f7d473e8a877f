/** The capture servers an environment can run in a container (`inbox: { type: 'container', server }`). */
export const CAPTURE_SERVERS = ['mailpit', 'maildev'] as const

/** One of {@link CAPTURE_SERVERS}. */
export type CaptureServerName = (typeof CAPTURE_SERVERS)[number]
