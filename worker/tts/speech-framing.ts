/**
 * The wire format between session processes and the host's speech service (Unix socket).
 * Every message is one frame: header length (u32 LE), payload length (u32 LE), a JSON header,
 * then raw bytes (the PCM of a sentence; empty for requests and errors).
 */
import type { PhoneTiming } from './speech-audio';

export interface SpeechRequestHeader {
  id: number;
  text: string;
  voice?: string;
  rate?: number;
}

export type SpeechResponseHeader =
  | { id: number; ok: true; sampleRateHz: number; phones: PhoneTiming[] }
  | { id: number; ok: false; message: string };

/** A sentence of text is small; anything bigger is a broken peer, not a request. */
const MAX_HEADER_BYTES = 1024 * 1024;
/** 60 s of 16-bit mono at 48 kHz; far above one sentence. */
const MAX_PAYLOAD_BYTES = 60 * 48_000 * 2;

export function encodeFrame(header: object, payload?: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(json.length, 0);
  prefix.writeUInt32LE(payload?.byteLength ?? 0, 4);
  return Buffer.concat(payload ? [prefix, json, payload] : [prefix, json]);
}

export interface Frame {
  header: unknown;
  /** Its own ArrayBuffer, offset 0 (so it can be viewed as 16-bit samples). */
  payload: Uint8Array;
}

/** Collects socket chunks and hands out whole frames; throws on a frame no peer of ours sends. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Frame[] = [];
    while (this.buffered.length >= 8) {
      const headerBytes = this.buffered.readUInt32LE(0);
      const payloadBytes = this.buffered.readUInt32LE(4);
      if (headerBytes > MAX_HEADER_BYTES || payloadBytes > MAX_PAYLOAD_BYTES) {
        throw new Error(`speech frame too large (${headerBytes} + ${payloadBytes} bytes)`);
      }
      const total = 8 + headerBytes + payloadBytes;
      if (this.buffered.length < total) break;
      const header: unknown = JSON.parse(this.buffered.toString('utf8', 8, 8 + headerBytes));
      // Copied out so the PCM does not pin the read buffer and starts on an aligned offset.
      const payload = new Uint8Array(payloadBytes);
      payload.set(this.buffered.subarray(8 + headerBytes, total));
      frames.push({ header, payload });
      this.buffered = this.buffered.subarray(total);
    }
    return frames;
  }
}
