import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { assertSameOriginWrite } from './same-origin';

function request(method: string, headers: Record<string, string>, body?: string): Request {
  return new Request('http://localhost:3000/api/v1/api-keys', {
    method,
    headers: { host: 'localhost:3000', ...headers },
    body,
  });
}

function refusal(req: Request): { code: string; message: string } | undefined {
  try {
    assertSameOriginWrite(req);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return { code: (error as ApiError).code, message: (error as ApiError).message };
  }
}

describe('cookie writes from other sites', () => {
  it('lets reads through whatever their origin', () => {
    expect(refusal(request('GET', { origin: 'https://evil.example' }))).toBeUndefined();
  });

  it('refuses a foreign Origin with a text/plain body (the classic forged request)', () => {
    const result = refusal(
      request(
        'POST',
        { origin: 'https://evil.example', 'content-type': 'text/plain' },
        '{"name":"x"}',
      ),
    );
    expect(result?.code).toBe('forbidden');
    expect(result?.message).toContain('https://evil.example');
  });

  it('refuses a write without an Origin, and an Origin that only looks alike', () => {
    expect(refusal(request('DELETE', {}))?.code).toBe('forbidden');
    expect(refusal(request('DELETE', { origin: 'http://localhost:3000.evil.example' }))?.code).toBe(
      'forbidden',
    );
    expect(refusal(request('DELETE', { origin: 'null' }))?.code).toBe('forbidden');
  });

  it("accepts the site's own JSON, multipart and binary writes, and bodiless ones", () => {
    const origin = 'http://localhost:3000';
    expect(
      refusal(request('POST', { origin, 'content-type': 'application/json' }, '{}')),
    ).toBeUndefined();
    expect(
      refusal(request('PUT', { origin, 'content-type': 'application/octet-stream' }, 'x')),
    ).toBeUndefined();
    expect(refusal(request('DELETE', { origin }))).toBeUndefined();
  });

  it('trusts the host a proxy names', () => {
    expect(
      refusal(
        request('POST', { origin: 'https://app.example', 'x-forwarded-host': 'app.example' }),
      ),
    ).toBeUndefined();
  });

  it('refuses form-like bodies from its own pages with 415', () => {
    const result = refusal(
      request(
        'POST',
        { origin: 'http://localhost:3000', 'content-type': 'application/x-www-form-urlencoded' },
        'a=b',
      ),
    );
    expect(result?.code).toBe('unsupported_media_type');
  });
});
