import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustedProxies } from './client-address.mjs';

describe('client address', () => {
  it('ignores what the client claims when no proxy is trusted', () => {
    expect(clientAddress('6.6.6.6', '203.0.113.9', 0)).toBe('203.0.113.9');
    expect(clientAddress(undefined, '::ffff:127.0.0.1', 0)).toBe('127.0.0.1');
  });

  it('takes the address the trusted proxy appended, not the ones before it', () => {
    // client → proxy (appends the client's address) → app
    expect(clientAddress('6.6.6.6, 198.51.100.7', '10.0.0.2', 1)).toBe('198.51.100.7');
    expect(clientAddress('198.51.100.7, 10.0.0.3', '10.0.0.2', 2)).toBe('198.51.100.7');
    expect(clientAddress(['198.51.100.7', '10.0.0.3'], '10.0.0.2', 2)).toBe('198.51.100.7');
  });

  it('falls back to the farthest address when there are fewer hops than proxies', () => {
    expect(clientAddress(undefined, '10.0.0.2', 1)).toBe('10.0.0.2');
  });

  it('reads FACECAST_TRUSTED_PROXIES strictly', () => {
    expect(parseTrustedProxies(undefined)).toBe(0);
    expect(parseTrustedProxies('1')).toBe(1);
    expect(() => parseTrustedProxies('yes')).toThrow(/whole number/);
    expect(() => parseTrustedProxies('-1')).toThrow(/whole number/);
  });
});
