import { describe, expect, it } from 'vitest';
import { HSTS_MAX_AGE_S, strictTransportSecurity } from './strict-transport-security';

describe('strictTransportSecurity', () => {
  it('is sent for an https installation only', () => {
    expect(strictTransportSecurity('https://facecast.example.com')).toBe(
      `max-age=${HSTS_MAX_AGE_S}`,
    );
    expect(strictTransportSecurity('http://localhost:3000')).toBeNull();
    expect(strictTransportSecurity('not a url')).toBeNull();
  });
});
