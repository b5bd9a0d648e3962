import path from 'node:path';

/** Directory holding one avatar's upload and prepared files. */
export function avatarDir(dataDir: string, avatarId: string): string {
  return path.join(dataDir, 'avatars', avatarId);
}

export function sourcePath(dataDir: string, avatarId: string, extension: string): string {
  return path.join(avatarDir(dataDir, avatarId), `source.${extension}`);
}

/**
 * Where an upload is written before it is renamed to `finalPath`: a file under the final
 * name is always complete, whenever the app was stopped or killed.
 */
export function partPath(finalPath: string): string {
  return `${finalPath}.part`;
}
