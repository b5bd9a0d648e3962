import { describe, expect, it } from 'vitest';
import { SealError, sealSecret, unsealSecret } from './sealing';

const SECRET = 'a-test-app-secret-of-at-least-32-characters';

describe('sealSecret / unsealSecret', () => {
  it('round-trips, and never stores the plain text', () => {
    const key = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';
    const sealed = sealSecret(key, SECRET, 'avatar-1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(key);
    expect(sealed).not.toContain(Buffer.from(key).toString('base64url'));
    expect(unsealSecret(sealed, SECRET, 'avatar-1')).toBe(key);
    // A fresh IV each time: the same key seals differently.
    expect(sealSecret(key, SECRET, 'avatar-1')).not.toBe(sealed);
  });

  it('refuses a wrong secret, another context and tampering', () => {
    const sealed = sealSecret('sk-secret', SECRET, 'avatar-1');
    expect(() => unsealSecret(sealed, `${SECRET}x`, 'avatar-1')).toThrow(SealError);
    expect(() => unsealSecret(sealed, SECRET, 'avatar-2')).toThrow(/app secret changed/);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[2] = body.toString('base64url');
    expect(() => unsealSecret(parts.join('.'), SECRET, 'avatar-1')).toThrow(SealError);
    expect(() => unsealSecret('sk-plain-text', SECRET, 'avatar-1')).toThrow(/not a sealed value/);
  });

  it('needs a real app secret', () => {
    expect(() => sealSecret('x', 'short', 'a')).toThrow(/at least 32/);
  });
});
