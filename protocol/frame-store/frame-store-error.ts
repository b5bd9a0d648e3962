/**
 * The one error a frame store reader throws for a store it cannot serve. Every code means
 * "do not render this store"; the caller's rule is: missing → build, anything else → rebuild.
 */
export type FrameStoreErrorCode =
  /** No manifest: the store was never built, or a build did not finish. */
  | 'missing'
  /** The store claims to be complete but its bytes are wrong (checksum, magic, length). */
  | 'corrupt'
  /** Written in a format version this code does not read. */
  | 'version'
  /** The data file is intact but describes other frames than its manifest. */
  | 'mismatch';

export class FrameStoreError extends Error {
  override readonly name = 'FrameStoreError';

  constructor(
    readonly code: FrameStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for a Node system error with this errno code (ENOENT, …). */
export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
