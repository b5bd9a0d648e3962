import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { descendants, waitUntilGone } from '../../tests/support/process-tree';
import { groupAlive, Supervisor } from './supervisor.mjs';
import { LAUNCH_TOKEN_VARIABLE } from './watchdog.mjs';

const sink = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
};

/**
 * Until the child's stdout and stderr are closed and read: 'exit' can come before the last
 * output is (a clean-clone CI run saw no line yet after 'exit' and one setImmediate).
 */
async function outputRead(child: ChildProcess): Promise<void> {
  await Promise.all(
    [child.stdout, child.stderr].map(
      (stream) =>
        new Promise((resolve) => {
          if (!stream || stream.closed) resolve(undefined);
          else stream.once('close', resolve);
        }),
    ),
  );
  await new Promise((resolve) => setImmediate(resolve));
}

describe('Supervisor', () => {
  it('prefixes each line of a child with its name', async () => {
    const out = sink();
    const supervisor = new Supervisor({ output: out.stream });
    const lines: string[] = [];
    const child = supervisor.spawn('echo', 'sh', ['-c', 'echo one; echo two >&2'], {
      oneShot: true,
      onStdoutLine: (line) => lines.push(line),
    });
    await child.exited;
    await outputRead(child.child);
    expect(lines).toEqual(['one']);
    expect(out.text()).toMatch(/\[echo\] +one\n/);
    expect(out.text()).toMatch(/\[echo\] +two\n/);
  });

  it('stops a whole process group, grandchildren included', async () => {
    const supervisor = new Supervisor({ output: sink().stream });
    // The shell starts a grandchild and waits; SIGTERM to the shell alone would orphan it.
    const managed = supervisor.spawn('tree', 'sh', ['-c', 'sleep 60 & wait']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(groupAlive(managed.pid)).toBe(true);
    await supervisor.stop({ graceMs: 5_000 });
    expect(groupAlive(managed.pid)).toBe(false);
  });

  it('kills a process that ignores SIGTERM after the grace period', async () => {
    const supervisor = new Supervisor({ output: sink().stream });
    const managed = supervisor.spawn('stubborn', 'sh', [
      '-c',
      'trap "" TERM; while :; do sleep 0.1; done',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await supervisor.stop({ graceMs: 500 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(groupAlive(managed.pid)).toBe(false);
  });

  it('reports a long-running child that dies, but not one-shot steps or stopped children', async () => {
    const supervisor = new Supervisor({ output: sink().stream });
    await supervisor.spawn('step', 'true', [], { oneShot: true }).exited;
    supervisor.spawn('crasher', 'sh', ['-c', 'exit 3']);
    await expect(supervisor.unexpectedExit).resolves.toEqual({
      name: 'crasher',
      code: 3,
      signal: null,
    });
    await supervisor.stop();
  });

  it('stops every group within one budget, not one budget per group', async () => {
    const supervisor = new Supervisor({ output: sink().stream });
    const stubborn = ['a', 'b', 'c'].map((name) =>
      supervisor.spawn(name, 'sh', ['-c', 'trap "" TERM; while :; do sleep 0.1; done']),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await supervisor.stop({ graceMs: 500 });
    // Three groups that ignore SIGTERM: one grace period for all, then SIGKILL.
    expect(Date.now() - started).toBeLessThan(1_400);
    for (const managed of stubborn) expect(groupAlive(managed.pid)).toBe(false);
  });

  it('signals a group again once its leader exited: a child restarted during shutdown stops too', async () => {
    const supervisor = new Supervisor({ output: sink().stream });
    // On SIGTERM the shell starts a new child, which never got the signal, and exits.
    const managed = supervisor.spawn('restarter', 'sh', [
      '-c',
      'trap "sleep 60 & exit 0" TERM; while :; do sleep 0.1; done',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await supervisor.stop({ graceMs: 3_000 });
    expect(groupAlive(managed.pid)).toBe(false);
    // Not by the SIGKILL after the grace.
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("marks each child with its watchdog's token, which the child's children inherit", async () => {
    const supervisor = new Supervisor({ output: sink().stream });
    const lines: string[] = [];
    const managed = supervisor.spawn(
      'marked',
      'sh',
      ['-c', `sh -c 'echo "$${LAUNCH_TOKEN_VARIABLE}"'`],
      { oneShot: true, onStdoutLine: (line) => lines.push(line) },
    );
    await managed.exited;
    await outputRead(managed.child);
    expect(lines).toEqual([supervisor.watchdog.token]);
    await supervisor.stop();
  });
});

/**
 * A launcher in a process of its own: a Supervisor that starts a process tree (a shell with a
 * grandchild) and a child that ignores SIGTERM, then prints "ready" and waits to be killed.
 */
const LAUNCHER = `
import { Supervisor } from ${JSON.stringify(pathToFileURL(path.join(import.meta.dirname, 'supervisor.mjs')).href)};
const supervisor = new Supervisor();
supervisor.spawn('tree', 'sh', ['-c', 'sleep 60 & sleep 60 & wait']);
supervisor.spawn('stubborn', 'sh', ['-c', 'trap "" TERM; while :; do sleep 0.1; done']);
setTimeout(() => console.log('ready'), 300);
setInterval(() => {}, 1000);
`;

describe('a launcher that dies without stopping its children', () => {
  it('leaves nothing running after a SIGKILL: its watchdog stops every group', async () => {
    const launcher = spawn(process.execPath, ['--input-type=module', '-e', LAUNCHER], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = readline.createInterface({ input: launcher.stdout });
    await new Promise<void>((resolve) => lines.on('line', (line) => line === 'ready' && resolve()));
    const tree = descendants(launcher.pid as number);
    // The watchdog, two shells, two sleeps under the first, one under the stubborn loop (or
    // between its sleeps): at least five.
    expect(tree.length).toBeGreaterThanOrEqual(5);
    expect(tree.some((p) => p.command.includes('watchdog.mjs'))).toBe(true);

    launcher.kill('SIGKILL');
    const { goneAfterMs, left } = await waitUntilGone(tree, 5_000);
    expect(left.map((p) => `${p.pid} ${p.command}`)).toEqual([]);
    // SIGTERM, then SIGKILL for the stubborn one after the watchdog's 2 s grace.
    expect(goneAfterMs).toBeLessThan(4_000);
  });
});
