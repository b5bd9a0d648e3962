import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { groupAlive, Supervisor } from './supervisor.mjs';

const sink = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
};

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
    await new Promise((resolve) => setImmediate(resolve));
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
});
