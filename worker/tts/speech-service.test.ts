import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { createSpeechClient } from './speech-client';
import { startSpeechService, type SpeechService } from './speech-service';

const log = createLogger({ name: 'speech-test', level: 'silent' });
const dir = mkdtempSync(path.join(os.tmpdir(), 'speech-service-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shared speech service', () => {
  it('serves several clients over its socket with audio and phone timings', async () => {
    const service = await startSpeechService({
      log,
      logLevel: 'silent',
      socketPath: path.join(dir, 'a.sock'),
      threads: 2,
    });
    const a = createSpeechClient({ socketPath: service.socketPath });
    const b = createSpeechClient({ socketPath: service.socketPath });
    try {
      const [first, second, slow] = await Promise.all([
        a.synthesize('Hello from the first session.'),
        b.synthesize('And the second session speaks at once.', 'kal16'),
        a.synthesize('Hello from the first session.', undefined, 0.5),
      ]);
      expect(first.sampleRateHz).toBe(16_000);
      expect(first.pcm).toBeInstanceOf(Int16Array);
      expect(first.pcm.length).toBeGreaterThan(8_000);
      expect(first.pcm.some((s) => Math.abs(s) > 1000)).toBe(true);
      expect(first.phones.length).toBeGreaterThan(10);
      expect(first.phones.at(-1)!.endMs).toBeCloseTo((first.pcm.length / 16_000) * 1000, -2);
      expect(second.pcm.length).toBeGreaterThan(8_000);
      // Half the rate takes about twice as long: the options reach Flite.
      expect(slow.pcm.length).toBeGreaterThan(first.pcm.length * 1.6);
      expect((await a.synthesize('')).pcm.length).toBe(0);
    } finally {
      await a.close();
      await b.close();
      await service.close();
    }
  }, 30_000);

  it('is forked again when it dies; the sentence in flight fails, the next one speaks', async () => {
    let service: SpeechService | undefined;
    const client = createSpeechClient({ socketPath: path.join(dir, 'b.sock') });
    try {
      service = await startSpeechService({
        log,
        logLevel: 'silent',
        socketPath: path.join(dir, 'b.sock'),
        threads: 1,
      });
      expect((await client.synthesize('Before the crash.')).pcm.length).toBeGreaterThan(4_000);
      const firstPid = service.pid!;
      const inFlight = client.synthesize(
        'This long sentence is being synthesised when the service process is killed by the test.',
      );
      process.kill(firstPid, 'SIGKILL');
      await expect(inFlight).rejects.toThrow(/speech service/);
      const deadline = Date.now() + 20_000;
      let after: Awaited<ReturnType<typeof client.synthesize>> | undefined;
      while (!after && Date.now() < deadline) {
        after = await client.synthesize('After the restart.').catch(() => undefined);
        if (!after) await new Promise((r) => setTimeout(r, 200));
      }
      expect(after?.pcm.length).toBeGreaterThan(4_000);
      expect(service.restarts).toBe(1);
      expect(service.pid).not.toBe(firstPid);
    } finally {
      await client.close();
      await service?.close();
    }
  }, 40_000);

  it('fails a request at once when no service listens', async () => {
    const client = createSpeechClient({ socketPath: path.join(dir, 'none.sock') });
    await expect(client.synthesize('Anyone there?')).rejects.toThrow(/speech service unavailable/);
    await client.close();
  });
});
