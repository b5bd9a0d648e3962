import { JobStatus, JobType, WorkerStatus } from '@livekit/protocol';
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import {
  agentSocketUrl,
  agentWorkerToken,
  jobStatusMessage,
  registerRequest,
  sameCapacity,
  workerStatusMessage,
  LIVEKIT_TARGET_LOAD,
} from './agent-connection';

describe('agentSocketUrl', () => {
  it('puts /agent on the LiveKit URL, turning http(s) into ws(s)', () => {
    expect(agentSocketUrl('ws://127.0.0.1:7880')).toBe('ws://127.0.0.1:7880/agent');
    expect(agentSocketUrl('wss://lk.example.com/')).toBe('wss://lk.example.com/agent');
    expect(agentSocketUrl('http://lk:7880')).toBe('ws://lk:7880/agent');
    expect(agentSocketUrl('https://lk.example.com/base/?x=1')).toBe(
      'wss://lk.example.com/base/agent',
    );
  });

  it('refuses what is not a LiveKit URL, naming the variable', () => {
    expect(() => agentSocketUrl('localhost:7880')).toThrow(/must start with ws:\/\//);
    expect(() => agentSocketUrl('not a url')).toThrow(/set LIVEKIT_URL/);
    expect(() => agentSocketUrl('ftp://lk')).toThrow(/must start with ws:\/\//);
  });
});

describe('agentWorkerToken', () => {
  it('carries the agent grant and nothing that joins a room', async () => {
    const jwt = await agentWorkerToken({ apiKey: 'key', apiSecret: 'a-secret', hostId: 'h1' });
    const claims = await new TokenVerifier('key', 'a-secret').verify(jwt);
    expect(claims.video?.agent).toBe(true);
    expect(claims.video?.roomJoin).toBeFalsy();
    expect(claims.sub).toBe('worker-host:h1');
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(600);
    await expect(new TokenVerifier('key', 'other').verify(jwt)).rejects.toThrow();
  });
});

describe('workerStatusMessage', () => {
  it("maps full to WS_FULL, clamps load into 0..1 and scales it onto LiveKit's target load", () => {
    const full = workerStatusMessage({ load: 0.3, full: true, jobCount: 2 });
    expect(full.status).toBe(WorkerStatus.WS_FULL);
    expect(full.load).toBeCloseTo(0.3 * LIVEKIT_TARGET_LOAD);
    expect(full.jobCount).toBe(2);
    const over = workerStatusMessage({ load: 1.7, full: false, jobCount: -1 });
    expect(over.status).toBe(WorkerStatus.WS_AVAILABLE);
    expect(over.load).toBeCloseTo(LIVEKIT_TARGET_LOAD);
    expect(over.jobCount).toBe(0);
    const nan = workerStatusMessage({ load: Number.NaN, full: false, jobCount: 0 });
    expect(nan.load).toBeCloseTo(LIVEKIT_TARGET_LOAD);
    expect(workerStatusMessage({ load: -0.5, full: false, jobCount: 0 }).load).toBe(0);
  });

  it('keeps a host with a free slot under the target load, so the server still offers it jobs', () => {
    for (const capacity of [1, 2, 6, 8, 32]) {
      const lastFree = workerStatusMessage({
        load: (capacity - 1) / capacity,
        full: false,
        jobCount: capacity - 1,
      });
      expect(lastFree.load).toBeLessThan(LIVEKIT_TARGET_LOAD);
    }
  });
});

describe('sameCapacity (status dedupe)', () => {
  const base = { load: 0.25, full: false, jobCount: 1 };
  it('treats nothing sent yet as different', () => {
    expect(sameCapacity(undefined, base)).toBe(false);
  });
  it('ignores load jitter below 0.1 % and clamped differences', () => {
    expect(sameCapacity(base, { ...base, load: 0.2504 })).toBe(true);
    expect(sameCapacity({ ...base, load: 1.2 }, { ...base, load: 1 })).toBe(true);
  });
  it('sees load, full and job count changes', () => {
    expect(sameCapacity(base, { ...base, load: 0.3 })).toBe(false);
    expect(sameCapacity(base, { ...base, full: true })).toBe(false);
    expect(sameCapacity(base, { ...base, jobCount: 2 })).toBe(false);
  });
});

describe('registerRequest and jobStatusMessage', () => {
  it('registers for room jobs under the agent name with publish/subscribe/data rights', () => {
    const request = registerRequest({ agentName: 'facecast-avatar', hostId: 'host-a' });
    expect(request.type).toBe(JobType.JT_ROOM);
    expect(request.agentName).toBe('facecast-avatar');
    expect(request.version).toBe('host-a');
    expect(request.allowedPermissions).toMatchObject({
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canUpdateMetadata: true,
    });
  });

  it('maps job states and carries the error of a failed job', () => {
    expect(jobStatusMessage('AJ_1', 'running').status).toBe(JobStatus.JS_RUNNING);
    expect(jobStatusMessage('AJ_1', 'success').status).toBe(JobStatus.JS_SUCCESS);
    const failed = jobStatusMessage('AJ_1', 'failed', 'avatar frame store missing');
    expect(failed).toMatchObject({ jobId: 'AJ_1', status: JobStatus.JS_FAILED });
    expect(failed.error).toBe('avatar frame store missing');
  });
});
