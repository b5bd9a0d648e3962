import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from './env';

const base = { AUTH_SECRET: 'a'.repeat(32), WORKER_SECRET: 'w'.repeat(16) };

describe('parseEnv', () => {
  it('applies documented defaults', () => {
    const env = parseEnv(base);
    expect(env.LIVEKIT_URL).toBe('ws://localhost:7880');
    expect(env.MAX_UPLOAD_MB).toBe(10);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.FACECAST_AGENT_NAME).toBe('facecast-avatar');
  });

  it('has quota and idle defaults, takes fractions of idle minutes, refuses bad ones', () => {
    expect(parseEnv(base)).toMatchObject({
      FACECAST_QUOTA_CONCURRENT_SESSIONS: 3,
      FACECAST_QUOTA_MONTHLY_MINUTES: 600,
      FACECAST_IDLE_MINUTES: 10,
    });
    expect(parseEnv({ ...base, FACECAST_IDLE_MINUTES: '0.1' }).FACECAST_IDLE_MINUTES).toBe(0.1);
    expect(() => parseEnv({ ...base, FACECAST_IDLE_MINUTES: '0' })).toThrow(
      /FACECAST_IDLE_MINUTES: must be more than 0/,
    );
    expect(() => parseEnv({ ...base, FACECAST_QUOTA_MONTHLY_MINUTES: '1.5' })).toThrow(
      /FACECAST_QUOTA_MONTHLY_MINUTES: must be a whole number/,
    );
    expect(() => parseEnv({ ...base, FACECAST_QUOTA_CONCURRENT_SESSIONS: 'three' })).toThrow(
      /FACECAST_QUOTA_CONCURRENT_SESSIONS: must be a number/,
    );
  });

  it('takes an agent name the LiveKit server accepts, and refuses one with spaces', () => {
    expect(parseEnv({ ...base, FACECAST_AGENT_NAME: 'eu-pool.2' }).FACECAST_AGENT_NAME).toBe(
      'eu-pool.2',
    );
    expect(() => parseEnv({ ...base, FACECAST_AGENT_NAME: 'my pool' })).toThrow(
      /FACECAST_AGENT_NAME: must be 1-64 letters/,
    );
  });

  it('transcribes with the offline recogniser by default and refuses openai without a URL', () => {
    expect(parseEnv(base)).toMatchObject({
      FACECAST_TRANSCRIBER: 'offline',
      FACECAST_TRANSCRIBER_MODEL: 'whisper-1',
    });
    expect(() => parseEnv({ ...base, FACECAST_TRANSCRIBER: 'openai' })).toThrow(
      /FACECAST_TRANSCRIBER_URL: must be set when FACECAST_TRANSCRIBER is openai/,
    );
    expect(() => parseEnv({ ...base, FACECAST_TRANSCRIBER: 'whisper' })).toThrow(
      /FACECAST_TRANSCRIBER: must be one of: offline, openai, off/,
    );
    expect(
      parseEnv({
        ...base,
        FACECAST_TRANSCRIBER: 'openai',
        FACECAST_TRANSCRIBER_URL: 'http://localhost:8000/v1',
        FACECAST_TRANSCRIBER_LANGUAGE: 'en',
      }),
    ).toMatchObject({ FACECAST_TRANSCRIBER_URL: 'http://localhost:8000/v1' });
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ ...base, DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('reports one readable line per wrong variable', () => {
    try {
      parseEnv({ AUTH_SECRET: 'short', DATABASE_URL: 'mysql://x', LIVEKIT_URL: 'http://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems.some((p) => p.startsWith('AUTH_SECRET:'))).toBe(true);
      expect(
        problems.some((p) => p.startsWith('DATABASE_URL:') && p.includes('postgresql://')),
      ).toBe(true);
      expect(problems.some((p) => p.startsWith('LIVEKIT_URL:'))).toBe(true);
      expect(problems.some((p) => p.startsWith('WORKER_SECRET:'))).toBe(true);
    }
  });
});
