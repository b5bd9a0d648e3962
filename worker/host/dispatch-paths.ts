/**
 * A dispatched session reads files the app named in its request: the avatar's frame, its frame
 * store and an ONNX lip-sync model. Those must lie inside the host's data directory
 * (FACECAST_DATA_DIR, shared with the app), after symbolic links are followed, so a request
 * can never make a session read `/etc/…` or another installation's files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SessionRequest } from '../../protocol/session-request';

/** The paths a request names, with what each is for (for the error). */
function requestPaths(request: SessionRequest): Array<[string, string]> {
  return [
    ['avatar.framePath', request.avatar.framePath],
    ...(request.avatar.store
      ? [['avatar.store.dir', request.avatar.store.dir] as [string, string]]
      : []),
    ...(request.lipSync
      ? [['lipSync.modelPath', request.lipSync.modelPath] as [string, string]]
      : []),
  ];
}

/** The real path when it exists (symbolic links followed), else the normalised one. */
function realOrResolved(target: string): string {
  try {
    return fs.realpathSync(target);
  } catch {
    return path.resolve(target);
  }
}

/** Throws when a path of the request is relative or lies outside `dataDir`. */
export function assertPathsInDataDir(request: SessionRequest, dataDir: string): void {
  const root = realOrResolved(dataDir);
  for (const [field, target] of requestPaths(request)) {
    const relative = path.relative(root, realOrResolved(target));
    const inside =
      path.isAbsolute(target) &&
      relative !== '' &&
      !relative.startsWith('..') &&
      !path.isAbsolute(relative);
    if (!inside) {
      throw new Error(
        `${field} ${JSON.stringify(target)} is outside this host's data directory (${root}); set FACECAST_DATA_DIR to the directory the app prepares avatars in`,
      );
    }
  }
}
