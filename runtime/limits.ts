/** Limits on what a consumer reads, shared by every transport. */

/** Largest message body consumers read and publishers send, in bytes: 1 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
