/**
 * Finds or builds the LiveKit server binary. LiveKit is on neither npm nor Debian; it is a Go
 * program, built from the Go module proxy into .tools/bin (a few minutes, once).
 */
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { detail, seconds, step, warn } from './log.mjs';
import { repoRoot } from './repo.mjs';
import { probe, run, which } from './run.mjs';

export const LIVEKIT_VERSION = '1.13.5';
const LIVEKIT_MODULE = 'github.com/livekit/livekit-server/cmd/server';
/** Go version LiveKit's go.mod asks for. */
const MIN_GO = [1, 26];

/**
 * The version a livekit-server binary reports, e.g. "1.13.5", or null when it does not run.
 * @param {string} binary
 */
export function livekitVersion(binary) {
  const out = probe(binary, ['--version']);
  const match = out?.match(/livekit-server version v?(\d+\.\d+\.\d+)/);
  return match?.[1] ?? null;
}

/**
 * Parses `go version` output into [major, minor], e.g. "go version go1.26.8 linux/amd64".
 * @param {string | null} output
 * @returns {[number, number] | null}
 */
export function parseGoVersion(output) {
  const match = output?.match(/go(\d+)\.(\d+)/);
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/**
 * Resolves the livekit-server binary without building anything: $LIVEKIT_SERVER_BIN, then
 * `livekit-server` on PATH, then .tools/bin/livekit-server (renaming a `server` binary that a
 * manual `go install` left there). Returns null when none is found.
 * @param {string} [root]
 */
export function findLivekitServer(root = repoRoot) {
  const fromEnv = process.env.LIVEKIT_SERVER_BIN;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`LIVEKIT_SERVER_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  const onPath = which('livekit-server');
  if (onPath) return onPath;
  const binDir = path.join(root, '.tools', 'bin');
  const local = path.join(binDir, 'livekit-server');
  if (fs.existsSync(local)) return local;
  // `go install …/cmd/server` names the binary after its package directory: `server`.
  const goInstalled = path.join(binDir, 'server');
  if (fs.existsSync(goInstalled) && livekitVersion(goInstalled) !== null) {
    fs.renameSync(goInstalled, local);
    return local;
  }
  return null;
}

/**
 * Returns the path of a working livekit-server, building it with `go install` when missing.
 * Throws with instructions when Go is missing or too old.
 * @param {string} [root]
 */
export async function ensureLivekitServer(root = repoRoot) {
  const found = findLivekitServer(root);
  if (found) {
    const version = livekitVersion(found);
    if (version === null) throw new Error(`${found} does not run (try deleting it to rebuild)`);
    step(`LiveKit server: ${found} (v${version})`);
    if (version !== LIVEKIT_VERSION) warn(`Facecast is tested with LiveKit v${LIVEKIT_VERSION}`);
    return found;
  }
  const go = which('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
  const goVersion = go ? parseGoVersion(probe(go, ['version'])) : null;
  const goOk =
    goVersion !== null &&
    (goVersion[0] > MIN_GO[0] || (goVersion[0] === MIN_GO[0] && goVersion[1] >= MIN_GO[1]));
  if (!go || !goOk) {
    throw new Error(
      `The LiveKit server is not installed and Go >= ${MIN_GO.join('.')} is needed to build it` +
        ` (found: ${go ? `go${goVersion?.join('.') ?? '?'}` : 'no go'}).\n` +
        `Install Go from https://go.dev/dl/ or put a livekit-server v${LIVEKIT_VERSION} binary on PATH` +
        ` (or set LIVEKIT_SERVER_BIN).`,
    );
  }
  const binDir = path.join(root, '.tools', 'bin');
  fs.mkdirSync(binDir, { recursive: true });
  step(`LiveKit server: building v${LIVEKIT_VERSION} from the Go module proxy into .tools/bin`);
  detail(`GOBIN=${binDir} go install ${LIVEKIT_MODULE}@v${LIVEKIT_VERSION}`);
  detail('this downloads ~360 MB of Go modules and compiles; it takes several minutes, once');
  const { code, durationMs } = await run(go, ['install', `${LIVEKIT_MODULE}@v${LIVEKIT_VERSION}`], {
    cwd: root,
    env: { ...process.env, GOBIN: binDir },
  });
  if (code !== 0) throw new Error(`go install of the LiveKit server failed (exit ${code})`);
  fs.renameSync(path.join(binDir, 'server'), path.join(binDir, 'livekit-server'));
  const local = path.join(binDir, 'livekit-server');
  detail(`built ${local} in ${seconds(durationMs)}`);
  return local;
}
