import { describe, expect, it } from 'vitest';
import {
  frameAncestorSources,
  normalizeOrigin,
  originAllowed,
  originProblem,
} from './allowed-origins';

describe('allowed origins of an embed', () => {
  it('accepts origins and written wildcards, and normalises them', () => {
    expect(originProblem('https://shop.example')).toBeNull();
    expect(originProblem('http://127.0.0.1:8080')).toBeNull();
    expect(originProblem('https://*.example.com')).toBeNull();
    expect(normalizeOrigin(' HTTPS://Shop.Example:443/ ')).toBe('https://shop.example');
    expect(normalizeOrigin('http://localhost:80')).toBe('http://localhost');
    expect(normalizeOrigin('https://*.Example.com')).toBe('https://*.example.com');
  });

  it('refuses what is not an origin, saying why', () => {
    expect(originProblem('shop.example')).toMatch(/not an origin/);
    expect(originProblem('https://shop.example/cart')).toMatch(/no path/);
    expect(originProblem('ftp://shop.example')).toMatch(/not an origin/);
    expect(originProblem('*')).toMatch(/not an origin/);
    expect(originProblem('https://*')).toMatch(/host name|wildcard/);
    expect(originProblem('https://*.com')).toMatch(/too wide/);
    expect(originProblem('https://a.*.example.com')).toMatch(/wrong place/);
    expect(originProblem('https://shop.example:70000')).toMatch(/port/);
    expect(originProblem('https://*.10.0.0.1')).toMatch(/IP address/);
    expect(originProblem('https://sh op.example')).toMatch(/not valid|not an origin/);
  });

  it('matches scheme, host and port exactly', () => {
    const allowed = ['https://shop.example', 'http://127.0.0.1:8080'];
    expect(originAllowed('https://shop.example', allowed)).toBe(true);
    expect(originAllowed('http://shop.example', allowed)).toBe(false);
    expect(originAllowed('https://shop.example:8443', allowed)).toBe(false);
    expect(originAllowed('https://www.shop.example', allowed)).toBe(false);
    expect(originAllowed('https://shop.example.evil.test', allowed)).toBe(false);
    expect(originAllowed('http://127.0.0.1:8080', allowed)).toBe(true);
    expect(originAllowed('http://127.0.0.1:8081', allowed)).toBe(false);
    expect(originAllowed('null', allowed)).toBe(false);
    expect(originAllowed(null, allowed)).toBe(false);
  });

  it('lets a wildcard match one or more labels, never the bare domain', () => {
    const allowed = ['https://*.example.com'];
    expect(originAllowed('https://a.example.com', allowed)).toBe(true);
    expect(originAllowed('https://a.b.example.com', allowed)).toBe(true);
    expect(originAllowed('https://example.com', allowed)).toBe(false);
    expect(originAllowed('https://badexample.com', allowed)).toBe(false);
    expect(originAllowed('http://a.example.com', allowed)).toBe(false);
    expect(originAllowed('https://a.example.com:8443', allowed)).toBe(false);
  });

  it('writes frame-ancestors sources', () => {
    expect(frameAncestorSources(['https://*.example.com', 'http://127.0.0.2:9000'])).toEqual([
      'https://*.example.com',
      'http://127.0.0.2:9000',
    ]);
  });
});
