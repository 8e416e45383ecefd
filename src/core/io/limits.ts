/** Byte limits of the readers (io/ imports nothing above it; the spec's LIMITS reuse these). */
export const IO_LIMITS = {
  /** bytes of a spectrum or data file, and of one uncompressed .npz member */
  maxFileBytes: 512 * 1024 * 1024,
} as const;
