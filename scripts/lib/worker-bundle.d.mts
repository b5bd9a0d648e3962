export const BUNDLE_DIR: string;
export const BUNDLE_MANIFEST: string;
export const BUNDLE_ENTRIES: Record<string, string>;
export function isWorkerBundleStale(root?: string): boolean;
export function bundleOptions(root: string): Record<string, unknown>;
export function ensureWorkerBundle(root?: string): Promise<void>;
