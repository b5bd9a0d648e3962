import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, assertNoNulInUrl, errorResponse, notFound, readJson } from './errors';

describe('errorResponse', () => {
  it('maps ApiError codes to statuses and keeps headers', async () => {
    const response = errorResponse(new ApiError('unavailable', 'busy', { 'retry-after': '30' }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.json()).toEqual({ error: { code: 'unavailable', message: 'busy' } });
  });

  it('turns validation errors into 422 with the field path', async () => {
    const result = z.object({ text: z.string().min(1) }).safeParse({ text: '' });
    const response = errorResponse(result.error);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('text');
  });

  it('hides unknown errors behind a generic 500', async () => {
    const response = errorResponse(new Error('db password is hunter2'));
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain('hunter2');
  });

  it('notFound is a 404', () => {
    expect(notFound('Avatar').status).toBe(404);
  });
});

describe('readJson', () => {
  it('rejects malformed JSON with a 400', async () => {
    const request = new Request('http://x', { method: 'POST', body: '{"text": ' });
    await expect(readJson(request)).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('refuses NUL characters in any string or key with a 422 (the database cannot store them)', async () => {
    const post = (body: string) => readJson(new Request('http://x', { method: 'POST', body }));
    for (const body of ['{"name":"a\\u0000b"}', '{"x":[{"y":"\\u0000"}]}', '{"k\\u0000":1}'])
      await expect(post(body), body).rejects.toMatchObject({ code: 'unprocessable' });
    expect(await post('{"name":"a\\\\u0000b"}')).toEqual({ name: 'a\\u0000b' });
  });

  it('reads an empty body as an empty object', async () => {
    expect(await readJson(new Request('http://x', { method: 'POST', body: '' }))).toEqual({});
  });
});

describe('readJson limits', () => {
  it('refuses a body over the limit with 413, also when streamed without a length', async () => {
    const big = JSON.stringify({ text: 'a'.repeat(2000) });
    await expect(
      readJson(new Request('http://x', { method: 'POST', body: big }), 1000),
    ).rejects.toMatchObject({ code: 'payload_too_large' });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(4096).fill(32));
      },
    });
    // Node needs duplex for a stream body; its RequestInit type does not list it yet.
    const init = { method: 'POST', body: endless, duplex: 'half' } as RequestInit;
    const streamed = new Request('http://x', init);
    await expect(readJson(streamed, 64 * 1024)).rejects.toMatchObject({
      code: 'payload_too_large',
    });
    // It stopped reading soon after the limit instead of draining the stream.
    expect(pulled).toBeLessThan(40);
  });
});

describe('assertNoNulInUrl', () => {
  it('refuses an encoded NUL in the path or the query with 422, and lets the rest through', () => {
    expect(() =>
      assertNoNulInUrl(new Request('http://app.test/api/v1/admin/users?q=a%00b')),
    ).toThrow(/NUL/);
    expect(() => assertNoNulInUrl(new Request('http://app.test/api/v1/sessions/x%00y'))).toThrow(
      /NUL/,
    );
    expect(() =>
      assertNoNulInUrl(new Request('http://app.test/api/v1/admin/users?q=%2500&page=2')),
    ).not.toThrow();
  });
});
