import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { CLIP_MAX_UPLOAD_BYTES } from '@/lib/clips/decode-audio-clip';
import { readClipUpload } from './speak-audio';

function formRequest(fields: Record<string, string | Blob>): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return new Request('http://app.test/api/v1/sessions/s/speak-audio', {
    method: 'POST',
    body: form,
  });
}

async function refusal(request: Request): Promise<ApiError> {
  const error = await readClipUpload(request).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('readClipUpload', () => {
  it('reads the audio field and the interrupt option', async () => {
    const audio = new Blob([new Uint8Array([1, 2, 3])]);
    expect(await readClipUpload(formRequest({ audio }))).toEqual({
      audio: new Uint8Array([1, 2, 3]),
      interrupt: false,
    });
    expect(await readClipUpload(formRequest({ audio, interrupt: 'true' }))).toMatchObject({
      interrupt: true,
    });
    expect((await refusal(formRequest({ audio, interrupt: 'yes' }))).status).toBe(422);
  });

  it('a missing field or a JSON body → 422 naming "audio"', async () => {
    const missing = await refusal(formRequest({ clip: new Blob([new Uint8Array(4)]) }));
    expect(missing.status).toBe(422);
    expect(missing.message).toMatch(/Missing "audio"/);
    const json = await refusal(
      new Request('http://app.test/x', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(json.status).toBe(422);
  });

  it('refuses an oversized body as it streams in, without a declared length', async () => {
    let pulled = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.length;
        // Far more than the limit would follow if it were read to the end.
        if (pulled > 500 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const request = new Request('http://app.test/x', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body,
      duplex: 'half',
    } as RequestInit);
    const error = await refusal(request);
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/larger than 20 MB/);
    expect(pulled).toBeLessThan(CLIP_MAX_UPLOAD_BYTES + 4 * 1024 * 1024);
  });
});
