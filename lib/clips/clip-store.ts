/**
 * Decoded clips waiting for a session process to fetch them. Each is a file
 * `<dataDir>/clips/<token>.wav` whose token (256 random bits) is the only key: the URL is a
 * capability, handed to the worker in the room's control message. A clip is served once, or
 * not at all after CLIP_TTL_MS; expired clips are swept whenever a new one is stored.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** How long a stored clip may wait for its fetch, ms. */
export const CLIP_TTL_MS = 5 * 60_000;

/** Route of a clip on the app; the worker fetches `<APP_URL>/api/internal/clips/<token>`. */
export const CLIP_PATH = '/api/internal/clips';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const clipsDir = (dataDir: string) => path.join(dataDir, 'clips');

/** The absolute URL a session process fetches the clip from. */
export function clipUrl(appUrl: string, token: string): string {
  return new URL(`${CLIP_PATH}/${token}`, appUrl).toString();
}

/** Deletes clips (and clips caught half-served) older than the TTL; errors are ignored. */
async function sweepExpired(dir: string, nowMs: number): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      const info = await stat(file).catch(() => undefined);
      if (info && nowMs - info.mtimeMs > CLIP_TTL_MS) await rm(file, { force: true });
    }),
  );
}

/** Stores a decoded clip and returns its token; sweeps expired clips first. */
export async function storeClip(options: {
  dataDir: string;
  wav: Uint8Array;
  nowMs?: number;
}): Promise<string> {
  const dir = clipsDir(options.dataDir);
  await mkdir(dir, { recursive: true });
  await sweepExpired(dir, options.nowMs ?? Date.now());
  const token = randomBytes(32).toString('base64url');
  await writeFile(path.join(dir, `${token}.wav`), options.wav, { mode: 0o600 });
  return token;
}

/**
 * The clip for a token, removed as it is taken: a second request, a token of the wrong form
 * and a clip older than the TTL all get undefined.
 */
export async function takeClip(options: {
  dataDir: string;
  token: string;
  nowMs?: number;
}): Promise<Buffer | undefined> {
  if (!TOKEN_PATTERN.test(options.token)) return undefined;
  const dir = clipsDir(options.dataDir);
  const file = path.join(dir, `${options.token}.wav`);
  // Renaming is atomic: of two concurrent requests only one gets the clip.
  const taken = path.join(dir, `${options.token}.taken-${randomBytes(6).toString('hex')}`);
  try {
    await rename(file, taken);
  } catch {
    return undefined;
  }
  try {
    const info = await stat(taken);
    if ((options.nowMs ?? Date.now()) - info.mtimeMs > CLIP_TTL_MS) return undefined;
    return await readFile(taken);
  } finally {
    await rm(taken, { force: true });
  }
}
