/**
 * Upload limits that the browser form shows and checks too, so this module stays free of
 * server-only imports. Images are limited by MAX_UPLOAD_MB (configuration).
 */

/** Largest accepted video upload, bytes (100 MB). */
export const MAX_VIDEO_BYTES = 100 * 1024 * 1024;

/** Content types the upload form offers; the server decides from the file's bytes. */
export const UPLOAD_ACCEPT = 'image/jpeg,image/png,image/webp,video/mp4,video/webm';
