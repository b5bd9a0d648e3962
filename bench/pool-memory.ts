/**
 * Memory of the pool benchmark: PSS of the worker host's whole process tree with 1 and with N
 * talking sessions of the same avatar, per process, and the avatar frame store's per-file Pss
 * summed over its mappers (held once) against its summed Rss (counted in every mapping).
 */
import {
  findWorkerHostPid,
  mappedFilesUnder,
  processName,
  processPssBytes,
  processTree,
  pssBytes,
  storeMemory,
  type HostClient,
} from './pool-host';
import type { Platform } from './pool-platform';
import {
  endSession,
  firstFrame,
  sleep,
  startTalkingSession,
  waitFor,
  type LiveSession,
} from './pool-session';
import { round } from './stats';

/** Largest N of the memory phase (CPU does not matter there, but each session costs a core/3). */
const MEMORY_MAX_N = 4;
const MB = 2 ** 20;

/** PSS of the host's whole process tree with 1 and N talking sessions of the same avatar. */
export async function memoryPerSession(options: {
  platform: Platform;
  host: HostClient;
  avatarId: string;
  capacity: number;
  progress: (message: string) => void;
}): Promise<Record<string, number | string | null>> {
  const { platform, host, avatarId, capacity, progress } = options;
  const n = Math.max(2, Math.min(capacity, MEMORY_MAX_N));
  const sessions: LiveSession[] = [];
  const measure = async () => {
    await sleep(8_000);
    const tree = processTree(findWorkerHostPid());
    const sessionPids = new Set((await host.sessions()).map((s) => s.pid));
    const parts = tree.map((pid) => {
      const role = sessionPids.has(pid) ? 'session' : processName(pid);
      return `${role} ${round(processPssBytes(pid) / MB, 0)}`;
    });
    return { tree, pss: pssBytes(tree), parts: parts.join(', ') };
  };
  try {
    await waitFor(async () => (await host.sessions()).length === 0, 30_000, 'an idle host');
    let at1: Awaited<ReturnType<typeof measure>> | undefined;
    for (let i = 0; i < n; i++) {
      const session = await startTalkingSession(platform, avatarId);
      if (session === 'full') throw new Error(`memory: the host refused session ${i + 1} (503)`);
      sessions.push(session);
      await firstFrame(session);
      if (i === 0) {
        at1 = await measure();
        progress(`memory n=1: ${round(at1.pss / MB, 0)} MB (${at1.parts})`);
      }
    }
    const atN = await measure();
    const storeFile = atN.tree.flatMap((pid) => mappedFilesUnder(pid, platform.dataDir))[0];
    const store = storeFile ? await storeMemory(storeFile, atN.tree) : null;
    progress(`memory n=${n}: ${round(atN.pss / MB, 0)} MB (${atN.parts})`);
    if (!at1) throw new Error('memory: no 1-session measurement');
    return {
      pss_1_session_mb: round(at1.pss / MB, 1),
      pss_n_sessions_mb: round(atN.pss / MB, 1),
      pss_n: n,
      pss_per_extra_session_mb: round((atN.pss - at1.pss) / (n - 1) / MB, 1),
      pss_processes_n_mb: atN.parts,
      frame_store_mb: store ? round(store.fileBytes / MB, 1) : null,
      frame_store_mappers: store?.mappers ?? null,
      frame_store_rss_sum_mb: store ? round(store.rssSumBytes / MB, 1) : null,
      frame_store_pss_sum_mb: store ? round(store.pssSumBytes / MB, 1) : null,
    };
  } finally {
    for (const session of sessions) await endSession(platform, session).catch(() => undefined);
  }
}
