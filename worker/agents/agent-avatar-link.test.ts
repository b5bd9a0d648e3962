import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import {
  AgentAvatarLink,
  FramePieces,
  RPC_CLEAR_BUFFER,
  RPC_PLAYBACK_FINISHED,
  type AgentLinkRoom,
  type AgentRpcInvocation,
  type AgentStreamReader,
} from './agent-avatar-link';

const log = createLogger({ name: 'test', level: 'silent' });
const AGENT = 'agent-1';
const FRAME = 320; // 20 ms at 16 kHz

/** A byte stream the test writes into, read by the link like rtc-node's ByteStreamReader. */
class TestStream implements AgentStreamReader {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  closed = false;
  constructor(readonly info: { streamId: string; attributes?: Record<string, string> }) {}
  write(chunk: Uint8Array) {
    this.chunks.push(chunk);
    this.wake?.();
  }
  end() {
    this.ended = true;
    this.wake?.();
  }
  close() {
    this.closed = true;
    this.ended = true;
    this.wake?.();
    return Promise.resolve();
  }
  async *[Symbol.asyncIterator]() {
    for (;;) {
      const next = this.chunks.shift();
      if (next) yield next;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

function fakeRoom() {
  const rpcs = new Map<string, (data: AgentRpcInvocation) => Promise<string>>();
  const sent: { method: string; payload: string; to: string }[] = [];
  let onStream: ((reader: AgentStreamReader, p: { identity: string }) => void) | undefined;
  const room: AgentLinkRoom = {
    registerByteStreamHandler: (_topic, handler) => (onStream = handler),
    unregisterByteStreamHandler: () => (onStream = undefined),
    localParticipant: {
      registerRpcMethod: (method, handler) => rpcs.set(method, handler),
      unregisterRpcMethod: (method) => rpcs.delete(method),
      performRpc: (params) => {
        sent.push({
          method: params.method,
          payload: params.payload,
          to: params.destinationIdentity,
        });
        return Promise.resolve('ok');
      },
    },
  };
  return {
    room,
    sent,
    open: (stream: TestStream, identity = AGENT) => onStream?.(stream, { identity }),
    call: (method: string, callerIdentity: string) =>
      rpcs.get(method)!({ callerIdentity, payload: '' }),
  };
}

/** Records what the link hands the player. */
function fakeSpeech() {
  const calls: string[] = [];
  const samples = new Map<string, number>();
  return {
    calls,
    samples,
    speech: {
      stream: (pcm: Int16Array, rate: number, id: string) => {
        expect(rate).toBe(16000);
        expect(pcm.length % FRAME === 0 || calls.at(-1) !== `stream ${id}`).toBe(true);
        samples.set(id, (samples.get(id) ?? 0) + pcm.length);
        calls.push(`stream ${id}`);
      },
      endUtterance: (id: string) => calls.push(`end ${id}`),
      interrupt: () => calls.push('interrupt'),
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const bytesOf = (samples: number) => new Uint8Array(samples * 2);
const finished = (sent: { method: string; payload: string }[]) =>
  sent
    .filter((s) => s.method === RPC_PLAYBACK_FINISHED)
    .map((s) => JSON.parse(s.payload) as { playback_position: number; interrupted: boolean });

function setUp() {
  const room = fakeRoom();
  const speech = fakeSpeech();
  const link = new AgentAvatarLink({
    room: room.room,
    agentIdentity: AGENT,
    speech: speech.speech,
    sampleRateHz: 16000,
    frameSamples: FRAME,
    log,
  });
  return { room, speech, link };
}

describe('agent avatar link', () => {
  it('plays a segment in whole frames and reports it finished with the seconds received', async () => {
    const { room, speech, link } = setUp();
    const stream = new TestStream({
      streamId: 's1',
      attributes: { sample_rate: '16000', num_channels: '1' },
    });
    room.open(stream);
    // 1 s (32000 bytes) in uneven chunks, odd byte counts too.
    for (const size of [1001, 3333, 77, 32000 - 1001 - 3333 - 77])
      stream.write(new Uint8Array(size));
    stream.end();
    await tick();
    expect(speech.calls.at(-1)).toBe('end agent-s1');
    const played = speech.samples.get('agent-s1')!;
    expect(Math.abs(played - 16000)).toBeLessThanOrEqual(1);
    expect(finished(room.sent)).toEqual([]);
    // The player has played it to the end.
    link.utteranceStarted({ utteranceId: 'agent-s1', text: '', startedAt: 1000 });
    link.utteranceEnded({
      utteranceId: 'agent-s1',
      text: '',
      interrupted: false,
      started: true,
      startedAt: 1000,
      endedAt: 2010,
    });
    expect(finished(room.sent)).toEqual([
      { playback_position: 1, interrupted: false, synchronized_transcript: null },
    ]);
    expect(room.sent.map((s) => s.method)).toEqual(['lk.playback_started', RPC_PLAYBACK_FINISHED]);
    expect(room.sent.every((s) => s.to === AGENT)).toBe(true);
  });

  it('clear_buffer: "ok" when idle, and mid-segment drops the rest and reports it interrupted', async () => {
    const { room, speech, link } = setUp();
    expect(await room.call(RPC_CLEAR_BUFFER, AGENT)).toBe('ok');
    expect(finished(room.sent)).toEqual([]);

    const stream = new TestStream({ streamId: 's2', attributes: { sample_rate: '16000' } });
    room.open(stream);
    stream.write(bytesOf(16000));
    await tick();
    expect(await room.call(RPC_CLEAR_BUFFER, AGENT)).toBe('ok');
    // The player ends the utterance, interrupted, when told to (after 0.25 s heard).
    link.utteranceEnded({
      utteranceId: 'agent-s2',
      text: '',
      interrupted: true,
      started: true,
      startedAt: 5000,
      endedAt: 5250,
    });
    stream.write(bytesOf(16000));
    stream.end();
    await tick();
    expect(speech.calls.filter((c) => c === 'interrupt')).toHaveLength(2);
    expect(speech.samples.get('agent-s2')).toBe(16000);
    const [report, ...more] = finished(room.sent);
    expect(more).toEqual([]);
    expect(report).toMatchObject({ interrupted: true });
    expect(stream.closed).toBe(true);
  });

  it('answers a stranger "reject" and drops its audio', async () => {
    const { room, speech } = setUp();
    expect(await room.call(RPC_CLEAR_BUFFER, 'someone-else')).toBe('reject');
    const stream = new TestStream({ streamId: 'x', attributes: { sample_rate: '16000' } });
    room.open(stream, 'someone-else');
    stream.write(bytesOf(3200));
    await tick();
    expect(speech.calls).toEqual([]);
    expect(stream.closed).toBe(true);
  });

  it('a stream it cannot play is ignored but still reported finished (the agent counts it)', async () => {
    const { room, speech } = setUp();
    for (const [id, attributes] of [
      ['nosr', {}],
      ['five', { sample_rate: '16000', num_channels: '5' }],
      ['eight', { sample_rate: '16000', bits_per_sample: '8' }],
    ] as const) {
      const stream = new TestStream({ streamId: id, attributes });
      room.open(stream);
      stream.write(bytesOf(3200));
      stream.end();
    }
    await tick();
    expect(speech.calls).toEqual([]);
    expect(finished(room.sent)).toEqual([
      { playback_position: 0, interrupted: false, synchronized_transcript: null },
      { playback_position: 0, interrupted: false, synchronized_transcript: null },
      { playback_position: 0, interrupted: false, synchronized_transcript: null },
    ]);
  });

  it('a new stream while one is open ends the open one (its end was lost)', async () => {
    const { room, speech } = setUp();
    const first = new TestStream({ streamId: 'a', attributes: { sample_rate: '16000' } });
    room.open(first);
    first.write(bytesOf(3200));
    await tick();
    const second = new TestStream({ streamId: 'b', attributes: { sample_rate: '16000' } });
    room.open(second);
    await tick();
    expect(speech.calls).toContain('end agent-a');
  });
});

describe('frame pieces', () => {
  it('cuts whole frames of at least the minimum and keeps the rest', () => {
    const pieces = new FramePieces(640, 320);
    expect(pieces.push(new Int16Array(500))).toEqual([]);
    const [piece] = pieces.push(new Int16Array(500));
    expect(piece?.length).toBe(960);
    expect(pieces.rest().length).toBe(40);
    expect(pieces.rest().length).toBe(0);
  });
});
