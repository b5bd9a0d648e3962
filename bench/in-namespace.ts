/**
 * Benchmarks that use WebRTC run inside a private network namespace (DESIGN.md network
 * rule): outside one, they run themselves again inside a fresh namespace and return the
 * figures of that run's JSON line.
 */
import { spawnSync } from 'node:child_process';
import { namespaceInvocation, namespaceSupport } from '@/scripts/lib/netns.mjs';

export type BenchFigures = Record<string, number | string | null>;

/** Runs `npm run bench -- <name> --json <args>` inside a namespace; returns its figures. */
export function runBenchInNamespace(name: string, args: string[] = []): BenchFigures {
  const support = namespaceSupport();
  if (!support.ok)
    throw new Error(`the ${name} benchmark needs a network namespace: ${support.reason}`);
  const { command, args: invocation } = namespaceInvocation(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', name, '--json', ...args],
    support,
  );
  const result = spawnSync(command, invocation, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !last.startsWith('{'))
    throw new Error(`benchmark failed:\n${result.stdout}`);
  const { bench: _b, machine: _m, node: _n, ...figures } = JSON.parse(last) as BenchFigures;
  return figures;
}
