/**
 * How much of a mapped file a process holds in RAM, from Linux's /proc/<pid>/smaps: Rss (pages
 * of it resident in the process's mappings) and Pss (each page divided by the number of
 * mappings sharing it, so summing Pss over processes counts a shared page once).
 */
import { readFile } from 'node:fs/promises';

export interface MappedFileMemory {
  /** Resident bytes of the file across this process's mappings of it. */
  rssBytes: number;
  /** Proportional share of those bytes (shared pages divided among their mappers). */
  pssBytes: number;
  /** Number of mappings of the file in the process. */
  mappings: number;
}

/** Sums Rss and Pss of every mapping of `filePath` in the smaps text. */
export function parseMappedFileMemory(smaps: string, filePath: string): MappedFileMemory {
  const result: MappedFileMemory = { rssBytes: 0, pssBytes: 0, mappings: 0 };
  let inFile = false;
  for (const line of smaps.split('\n')) {
    // Mapping header: "start-end perms offset dev inode   path".
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      inFile = header[1] === filePath;
      if (inFile) result.mappings++;
      continue;
    }
    if (!inFile) continue;
    const field = /^(Rss|Pss):\s+(\d+) kB$/.exec(line);
    if (field?.[1] === 'Rss') result.rssBytes += Number(field[2]) * 1024;
    else if (field?.[1] === 'Pss') result.pssBytes += Number(field[2]) * 1024;
  }
  return result;
}

/** Rss and Pss of `filePath` in process `pid` ('self' for this one). Linux only. */
export async function mappedFileMemory(
  pid: number | 'self',
  filePath: string,
): Promise<MappedFileMemory> {
  return parseMappedFileMemory(await readFile(`/proc/${pid}/smaps`, 'utf8'), filePath);
}
