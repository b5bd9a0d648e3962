export const ADDON_SOURCE: string;
export const ADDON_OUTPUT: string;
export function nodeIncludeDir(options?: {
  execPath?: string;
  exists?: (file: string) => boolean;
}): string | null;
export function isAddonStale(root?: string): boolean;
export function compileCommand(options: {
  root: string;
  includeDir: string;
  compiler?: string;
}): [string, string[]];
export function ensureNativeAddon(root?: string): Promise<void>;
