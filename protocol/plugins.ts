/**
 * Opt-in plugins: code Facecast can use but does not ship as a dependency, usually because of
 * its licence. A plugin is a small package under `plugins/<name>/` with its own package.json,
 * installed by an explicit command (`npm run plugin:<name>`) and enabled by listing it in
 * FACECAST_PLUGINS (comma separated). Both app and worker check it; this file touches only
 * the file system, so the app can import it without pulling the plugin's code in.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';

export const KNOWN_PLUGINS = ['espeak-ng'] as const;
export type PluginName = (typeof KNOWN_PLUGINS)[number];

/** FACECAST_PLUGINS: "espeak-ng" or "a,b"; unset or empty = none. For the env schemas. */
export const pluginListSchema = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  )
  .pipe(
    z.array(
      z.enum(KNOWN_PLUGINS, {
        errorMap: () => ({ message: `known plugins: ${KNOWN_PLUGINS.join(', ')}` }),
      }),
    ),
  );

/** The package inside each plugin that holds its code. */
const PLUGIN_PACKAGES: Record<PluginName, string> = {
  'espeak-ng': '@echogarden/espeak-ng-emscripten',
};

/** How to install and enable a plugin, in words for an operator. */
export function pluginInstallHint(name: PluginName): string {
  return `install the plugin with \`npm run plugin:${name}\` and start Facecast with FACECAST_PLUGINS=${name} (see docs/speech.md)`;
}

export interface PluginLocation {
  /** Directory holding the plugin folders (default: `plugins/` under the working directory). */
  pluginsDir?: string;
}

export function pluginDir(name: PluginName, location: PluginLocation = {}): string {
  return path.join(location.pluginsDir ?? path.join(process.cwd(), 'plugins'), name);
}

export type PluginStatus =
  | { ok: true; name: PluginName; dir: string; entry: string }
  | { ok: false; name: PluginName; reason: 'not_enabled' | 'not_installed'; message: string };

/** Whether a plugin can be used: enabled in FACECAST_PLUGINS and installed in its folder. */
export function pluginStatus(
  name: PluginName,
  enabled: readonly string[],
  location: PluginLocation = {},
): PluginStatus {
  const dir = pluginDir(name, location);
  if (!enabled.includes(name)) {
    return {
      ok: false,
      name,
      reason: 'not_enabled',
      message: `The ${name} plugin is not enabled on this server: ${pluginInstallHint(name)}.`,
    };
  }
  const manifest = path.join(dir, 'package.json');
  if (existsSync(manifest)) {
    try {
      const entry = createRequire(manifest).resolve(PLUGIN_PACKAGES[name]);
      return { ok: true, name, dir, entry };
    } catch {
      // Not installed yet: fall through.
    }
  }
  return {
    ok: false,
    name,
    reason: 'not_installed',
    message: `The ${name} plugin is enabled but not installed in ${dir}: ${pluginInstallHint(name)}.`,
  };
}
