/**
 * What the pool benchmark reads from the worker host: its Prometheus metrics, its session
 * list, and the memory of its process tree from /proc (PSS from smaps_rollup; per-file Pss of
 * the frame store from smaps, to show the store is held once however many sessions map it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mappedFileMemory } from '@/worker/native/proc-smaps';
import { kilobyteField } from '@/worker/host/proc-stats';

export interface HostClient {
  /** Sum of a metric's samples (all label sets) from /metrics. */
  metricSum(name: string): Promise<number>;
  sessions(): Promise<Array<{ sessionId: string; roomName: string; pid?: number; state: string }>>;
}

export function hostClient(workerUrl: string, secret: string): HostClient {
  return {
    async metricSum(name) {
      const text = await (await fetch(`${workerUrl}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(name)) continue;
        const rest = line.slice(name.length);
        if (rest[0] !== ' ' && rest[0] !== '{') continue;
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    async sessions() {
      const response = await fetch(`${workerUrl}/sessions`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      if (!response.ok) throw new Error(`worker GET /sessions answered ${response.status}`);
      return ((await response.json()) as { sessions: [] }).sessions;
    },
  };
}

/** Pid of the worker host (node … worker/main.ts) among this namespace's processes. */
export function findWorkerHostPid(): number {
  for (const pid of listPids()) {
    const cmdline = readProc(pid, 'cmdline').split('\0');
    if (cmdline.some((arg) => arg.endsWith('worker/main.ts'))) return pid;
  }
  throw new Error('no worker host process (node … worker/main.ts) found in /proc');
}

/** The process and all its descendants (children found through /proc/<pid>/stat ppid). */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of listPids()) {
    const stat = readProc(pid, 'stat');
    // Fields after the parenthesised command name: state ppid …
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Summed PSS (bytes) of the processes, from /proc/<pid>/smaps_rollup. */
export function pssBytes(pids: number[]): number {
  let total = 0;
  for (const pid of pids) total += processPssBytes(pid);
  return total;
}

/** PSS (bytes) of one process; 0 when it is gone. */
export function processPssBytes(pid: number): number {
  return kilobyteField(readProc(pid, 'smaps_rollup'), 'Pss') ?? 0;
}

/** A short name for a process: the script it runs (session/main.ts, …) or its binary. */
export function processName(pid: number): string {
  const args = readProc(pid, 'cmdline').split('\0').filter(Boolean);
  // Skip loader flags (--import file:///…/tsx/dist/loader.mjs): the entry script comes last.
  const script = args
    .filter((arg) => !arg.startsWith('-') && !arg.startsWith('file:'))
    .findLast((arg) => /\.(ts|js|mjs)$/.test(arg));
  return (script ?? args[0] ?? '?').split('/').slice(-2).join('/');
}

/** Files under `dir` that process `pid` has mapped (the avatar frame store's data file). */
export function mappedFilesUnder(pid: number, dir: string): string[] {
  const files = new Set<string>();
  for (const line of readProc(pid, 'maps').split('\n')) {
    const at = line.indexOf('/');
    if (at >= 0 && line.slice(at).startsWith(`${dir}/`)) files.add(line.slice(at));
  }
  return [...files];
}

export interface StoreMemory {
  file: string;
  fileBytes: number;
  /** Rss of the file summed over processes: counts every mapping in full. */
  rssSumBytes: number;
  /** Pss of the file summed over processes: counts each resident page once. */
  pssSumBytes: number;
  mappers: number;
}

export async function storeMemory(file: string, pids: number[]): Promise<StoreMemory> {
  const result = {
    file,
    fileBytes: statSync(file).size,
    rssSumBytes: 0,
    pssSumBytes: 0,
    mappers: 0,
  };
  for (const pid of pids) {
    const memory = await mappedFileMemory(pid, file).catch(() => null);
    if (!memory || memory.mappings === 0) continue;
    result.mappers++;
    result.rssSumBytes += memory.rssBytes;
    result.pssSumBytes += memory.pssBytes;
  }
  return result;
}

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Reads a /proc file; '' when the process is gone. */
export function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}
