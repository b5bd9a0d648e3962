import { describe, expect, it } from 'vitest';
import { DEFAULT_AFTER_LOGIN, afterLoginPath } from './after-login-path';

describe('afterLoginPath', () => {
  it('keeps a path on this site, with its query and hash', () => {
    expect(afterLoginPath('/sessions/abc?x=1#talk')).toBe('/sessions/abc?x=1#talk');
    expect(afterLoginPath('/bookings')).toBe('/bookings');
  });

  it('never sends the visitor to another site (no open redirect)', () => {
    for (const value of [
      'https://evil.example/phish',
      '//evil.example/phish',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      ' https://evil.example',
    ]) {
      expect(afterLoginPath(value), value).toBe(DEFAULT_AFTER_LOGIN);
    }
  });

  it('falls back to the avatars page without one', () => {
    expect(afterLoginPath(null)).toBe(DEFAULT_AFTER_LOGIN);
    expect(afterLoginPath('')).toBe(DEFAULT_AFTER_LOGIN);
  });
});
