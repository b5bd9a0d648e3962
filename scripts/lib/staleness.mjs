/**
 * "Is this generated thing older than its sources?" checks, by file modification time, the
 * way make does. A fresh clone gives every file the clone time, so everything is built once.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Directory names never descended into when looking for the newest source file. */
const skippedDirectories = new Set(['node_modules', '.next', '.git', '.data', '.test-data']);

/**
 * Newest modification time (ms since epoch) of the given files and of every file below the
 * given directories. Missing paths are ignored; returns 0 when nothing exists.
 * @param {string[]} paths absolute paths
 */
export function newestMtimeMs(paths) {
  let newest = 0;
  /** @param {string} p */
  const visit = (p) => {
    let stat;
    try {
      stat = fs.lstatSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      if (skippedDirectories.has(path.basename(p))) return;
      // A deleted file bumps its directory's mtime, so removals count as changes too.
      newest = Math.max(newest, stat.mtimeMs);
      for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const p of paths) visit(p);
  return newest;
}

/**
 * Modification time of a file in ms since epoch, or null when it does not exist.
 * @param {string} file
 */
export function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * True when `target` is missing or older than the newest of `sources`.
 * @param {string} target absolute path of the generated file (a stamp)
 * @param {string[]} sources absolute paths of files or directories
 */
export function isStale(target, sources) {
  const targetMtime = mtimeMs(target);
  if (targetMtime === null) return true;
  return newestMtimeMs(sources) > targetMtime;
}
