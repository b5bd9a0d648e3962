/**
 * Upload limits that the browser form shows and checks too, so this module stays free of
 * server-only imports. Images are limited by MAX_UPLOAD_MB (configuration).
 */

/** Largest accepted video upload, bytes (100 MB). */
export const MAX_VIDEO_BYTES = 100 * 1024 * 1024;

/** Content types the upload form offers; the server decides from the file's bytes. */
export const UPLOAD_ACCEPT = 'image/jpeg,image/png,image/webp,video/mp4,video/webm';

/**
 * Largest accepted image, pixels (50 MP: a 48 MP phone photo fits). The header is read first,
 * so a "PNG bomb" (a tiny file declaring a huge picture) is refused before it is decoded.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** Largest accepted video picture, pixels (8K UHD, 7680 × 4320). */
export const MAX_VIDEO_PIXELS = 7680 * 4320;

/**
 * Protocols ffmpeg and ffprobe may open while reading an upload: the file itself and pipes.
 * A playlist or reference inside an uploaded file can then never reach the network.
 */
export const FFMPEG_INPUT_PROTOCOLS = ['-protocol_whitelist', 'file,pipe'] as const;
