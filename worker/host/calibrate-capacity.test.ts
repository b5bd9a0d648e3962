import { describe, expect, it } from 'vitest';
import {
  ENCODE_ESTIMATE_FACTOR,
  SESSION_OVERHEAD_MS_PER_FRAME,
  calibrateCapacity,
  capacityFromCosts,
} from './calibrate-capacity';

describe('capacityFromCosts', () => {
  it('divides the usable cores by what one session uses', () => {
    // (4 + 2 + 4) ms × 25 fps = 250 ms of CPU a second = 0.25 cores; 2 × 0.85 / 0.25 = 6.8.
    const r = capacityFromCosts({
      cores: 2,
      renderMsPerFrame: 4,
      encodeMsPerFrame: 2,
      overheadMsPerFrame: 4,
      fps: 25,
      targetUtilisation: 0.85,
    });
    expect(r.perSessionCores).toBeCloseTo(0.25, 10);
    expect(r.maxSessions).toBe(6);
  });

  it('uses the default overhead, fps and utilisation', () => {
    const r = capacityFromCosts({ cores: 8, renderMsPerFrame: 10, encodeMsPerFrame: 5 });
    const perSession = ((10 + 5 + SESSION_OVERHEAD_MS_PER_FRAME) * 25) / 1000;
    expect(r.perSessionCores).toBeCloseTo(perSession, 10);
    expect(r.maxSessions).toBe(Math.floor((8 * 0.85) / perSession));
  });

  it('never says fewer than one session, however slow the host', () => {
    expect(capacityFromCosts({ cores: 1, renderMsPerFrame: 80, encodeMsPerFrame: 20 })).toEqual({
      perSessionCores: ((80 + 20 + SESSION_OVERHEAD_MS_PER_FRAME) * 25) / 1000,
      maxSessions: 1,
    });
  });

  it('refuses nonsense with a message naming the figure', () => {
    expect(() =>
      capacityFromCosts({ cores: 2, renderMsPerFrame: -1, encodeMsPerFrame: 1 }),
    ).toThrow(/renderMsPerFrame must be a finite number/);
    expect(() =>
      capacityFromCosts({
        cores: 2,
        renderMsPerFrame: 1,
        encodeMsPerFrame: 1,
        targetUtilisation: 2,
      }),
    ).toThrow(/targetUtilisation/);
  });
});

describe('calibrateCapacity', () => {
  it('measures render and VP8 encode cost on this machine within about two seconds', async () => {
    const r = await calibrateCapacity();
    expect(r.encoder).toBe('ffmpeg-libvpx');
    expect(r.note).toBeUndefined();
    // Renderer v2 at 512×512 costs a few ms here (docs/performance.md); a 10× slower machine
    // would still pass, a broken measurement (0, or seconds per frame) would not.
    expect(r.renderMsPerFrame).toBeGreaterThan(0.3);
    expect(r.renderMsPerFrame).toBeLessThan(40);
    expect(r.encodeMsPerFrame).toBeGreaterThan(0.1);
    expect(r.encodeMsPerFrame).toBeLessThan(40);
    expect(r.cores).toBeGreaterThanOrEqual(1);
    expect(r.perSessionCores).toBeCloseTo(
      ((r.renderMsPerFrame + r.encodeMsPerFrame + r.overheadMsPerFrame) * r.fps) / 1000,
      10,
    );
    expect(r.maxSessions).toBe(Math.max(1, Math.floor((r.cores * 0.85) / r.perSessionCores)));
    // ≤ 2 s on an idle host; the margin covers other test files sharing the CPU.
    expect(r.calibrationMs).toBeLessThan(5_000);
  });

  it('estimates the encoder from the render cost when ffmpeg cannot run, and says so', async () => {
    const r = await calibrateCapacity({ ffmpegPath: '/nonexistent/ffmpeg', renderMs: 400 });
    expect(r.encoder).toBe('estimate');
    expect(r.encodeMsPerFrame).toBeCloseTo(r.renderMsPerFrame * ENCODE_ESTIMATE_FACTOR, 10);
    expect(r.note).toMatch(/\/nonexistent\/ffmpeg/);
    expect(r.note).toMatch(/apt-get install ffmpeg/);
    expect(r.maxSessions).toBeGreaterThanOrEqual(1);
  });
});
