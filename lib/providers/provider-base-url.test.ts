import { describe, expect, it } from 'vitest';
import { providerBaseUrlProblem } from './provider-base-url';

describe('providerBaseUrlProblem', () => {
  it('accepts https anywhere and plain http only on this machine or a local service name', () => {
    for (const url of [
      'https://api.openai.com/v1',
      'https://llm.example.com:8443/v1',
      'http://localhost:11434/v1',
      'http://app.localhost/v1',
      'http://127.0.0.1:5000',
      'http://127.8.9.10',
      'http://[::1]:8880/v1',
      'http://kokoro:8880',
      'http://ollama/v1',
    ])
      expect(providerBaseUrlProblem(url), url).toBeUndefined();
  });

  it('refuses plain http across the network, where the key would travel in clear', () => {
    for (const url of [
      'http://api.example.com/v1',
      'http://192.168.1.20:11434/v1',
      'http://10.0.0.5',
      'http://[2001:db8::1]/v1',
      'http://localhost.example.com',
    ])
      expect(providerBaseUrlProblem(url), url).toBe(
        'baseUrl must use https:// (plain http:// is allowed only for localhost or a local service name)',
      );
  });

  it('says what to fix for other schemes, credentials in the URL and non-URLs', () => {
    expect(providerBaseUrlProblem('ftp://files.example.com')).toBe(
      'baseUrl must start with https://',
    );
    expect(providerBaseUrlProblem('ws://localhost:8080')).toBe('baseUrl must start with https://');
    expect(providerBaseUrlProblem('https://user:secret@api.example.com/v1')).toBe(
      'baseUrl must not contain a user name or password; put the key in apiKey',
    );
    expect(providerBaseUrlProblem('http://token@localhost:11434')).toMatch(/user name/);
    for (const value of ['not a url', 'api.openai.com/v1', ''])
      expect(providerBaseUrlProblem(value), value).toBe(
        'baseUrl must be a full URL such as https://api.openai.com/v1',
      );
  });
});
