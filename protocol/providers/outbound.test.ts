import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type StandIn } from '../../tests/support/openai-stand-in';
import { ChatModelError, testChatModel } from './chat-model';
import {
  addressKind,
  allowlisted,
  assertOutboundAllowed,
  guardedFetch,
  OutboundRefused,
  parseAllowlist,
  PUBLIC_ONLY,
  refusalIn,
  untilAborted,
} from './outbound';

const ADMIN = { allowPrivate: true, allowlist: [] };

describe('addressKind', () => {
  it.each([
    ['169.254.169.254', 'forbidden'],
    ['::ffff:169.254.169.254', 'forbidden'],
    ['fe80::1', 'forbidden'],
    ['fd00:ec2::254', 'forbidden'],
    ['127.0.0.1', 'private'],
    ['127.8.9.10', 'private'],
    ['0.0.0.0', 'private'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.100.100.200', 'private'],
    ['::1', 'private'],
    ['[::1]', 'private'],
    ['::ffff:127.0.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'private'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['2001:4860:4860::8888', 'public'],
  ])('%s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });
});

describe('allowlisted', () => {
  const list = parseAllowlist(' 127.0.0.1:11434, ollama ,[::1]:8080,10.0.0.5 ');
  it.each([
    ['http://127.0.0.1:11434/v1', true],
    ['http://127.0.0.1:8080/v1', false],
    ['http://ollama/v1', true],
    ['http://ollama:9999/v1', true],
    ['http://[::1]:8080/v1', true],
    ['http://[::1]:8081/v1', false],
    ['https://10.0.0.5/v1', true],
    ['http://10.0.0.6/v1', false],
  ])('%s → %s', (url, expected) => {
    expect(allowlisted(new URL(url), list)).toBe(expected);
  });
});

describe('assertOutboundAllowed', () => {
  const resolvesTo = (addresses: string[]) => () => Promise.resolve(addresses);

  it('refuses link-local and metadata addresses for everyone, allowlisted or not', async () => {
    const everything = { allowPrivate: true, allowlist: ['169.254.169.254', 'metadata'] };
    await expect(
      assertOutboundAllowed('http://169.254.169.254/latest/meta-data', everything),
    ).rejects.toThrow(/link-local or cloud-metadata/);
    await expect(
      assertOutboundAllowed(
        'http://metadata/computeMetadata',
        everything,
        resolvesTo(['169.254.169.254']),
      ),
    ).rejects.toThrow(OutboundRefused);
    await expect(assertOutboundAllowed('http://[fe80::1]:80/', everything)).rejects.toThrow(
      OutboundRefused,
    );
  });

  it('lets only admins and allowlisted hosts reach loopback and private networks', async () => {
    const url = 'http://127.0.0.1:11434/v1';
    await expect(assertOutboundAllowed(url, PUBLIC_ONLY)).rejects.toThrow(
      /FACECAST_OUTBOUND_ALLOWLIST/,
    );
    await expect(assertOutboundAllowed(url, ADMIN)).resolves.toBeUndefined();
    await expect(
      assertOutboundAllowed(url, { allowPrivate: false, allowlist: ['127.0.0.1:11434'] }),
    ).resolves.toBeUndefined();
    // A public-looking name that resolves inside is judged by where it points.
    await expect(
      assertOutboundAllowed(
        'https://llm.example/v1',
        PUBLIC_ONLY,
        resolvesTo(['8.8.8.8', '10.0.0.1']),
      ),
    ).rejects.toThrow(OutboundRefused);
    await expect(
      assertOutboundAllowed('https://llm.example/v1', PUBLIC_ONLY, resolvesTo(['8.8.8.8'])),
    ).resolves.toBeUndefined();
  });

  it('refuses schemes other than http and https', async () => {
    await expect(assertOutboundAllowed('file:///etc/passwd', ADMIN)).rejects.toThrow(/file:/);
  });
});

describe('guardedFetch', () => {
  let server: http.Server;
  let other: http.Server;
  let base: string;
  let otherBase: string;
  const seen: { path: string; authorization?: string }[] = [];

  const listen = (handler: http.RequestListener) =>
    new Promise<[http.Server, string]>((resolve) => {
      const s = http.createServer(handler);
      s.listen(0, '127.0.0.1', () =>
        resolve([s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`]),
      );
    });

  beforeAll(async () => {
    [other, otherBase] = await listen((req, res) => {
      seen.push({ path: `other${req.url}`, authorization: req.headers.authorization });
      res.end('other');
    });
    [server, base] = await listen((req, res) => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
      const to: Record<string, string> = {
        '/to-metadata': 'http://169.254.169.254/latest/meta-data/',
        '/to-self': '/final',
        '/to-other': `${otherBase}/landing`,
        '/loop': '/loop',
      };
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 3_000);
        return;
      }
      const location = to[req.url ?? ''];
      if (location) res.writeHead(302, { location }).end();
      else res.end('final');
    });
  });

  afterAll(() => {
    server.close();
    other.close();
  });

  it('refuses a redirect to a metadata address before connecting', async () => {
    const error = await guardedFetch(ADMIN)(`${base}/to-metadata`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(refusalIn(error)?.message).toMatch(/169\.254\.169\.254.*never sent/);
  });

  it('refuses loopback for a user who may not reach it, and follows allowed redirects', async () => {
    await expect(guardedFetch(PUBLIC_ONLY)(`${base}/final`)).rejects.toThrow(/fetch refused/);
    const response = await guardedFetch(ADMIN)(`${base}/to-self`, {
      headers: { authorization: 'Bearer sk-own' },
    });
    expect(await response.text()).toBe('final');
    expect(seen.at(-1)).toEqual({ path: '/final', authorization: 'Bearer sk-own' });
  });

  it('drops the API key on a redirect to another origin, and stops redirect loops', async () => {
    const response = await guardedFetch(ADMIN)(`${base}/to-other`, {
      headers: { authorization: 'Bearer sk-own' },
    });
    expect(await response.text()).toBe('other');
    expect(seen.at(-1)).toEqual({ path: 'other/landing', authorization: undefined });
    await expect(guardedFetch(ADMIN)(`${base}/loop`)).rejects.toThrow(/redirects/);
  });

  it('with keepMethod, hands back a redirect that would turn a POST into a GET', async () => {
    const post = {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    };
    const kept = await guardedFetch(ADMIN, undefined, { keepMethod: true })(
      `${base}/to-self`,
      post,
    );
    expect(kept.status).toBe(302);
    expect(seen.at(-1)?.path).toBe('/to-self');
    // Without it, fetch's rule: the POST becomes a GET to the new location.
    const followed = await guardedFetch(ADMIN)(`${base}/to-self`, post);
    expect(await followed.text()).toBe('final');
    expect(seen.at(-1)?.path).toBe('/final');
  });

  it("gives up at the caller's abort, whatever fetch does with its own copy of the signal", async () => {
    const deadline = new AbortController();
    const started = Date.now();
    setTimeout(() => deadline.abort(new DOMException('deadline', 'TimeoutError')), 100);
    const error = await guardedFetch(ADMIN)(`${base}/slow`, { signal: deadline.signal }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('untilAborted', () => {
  it("rejects with the signal's reason even when the promise never settles", async () => {
    const controller = new AbortController();
    const pending = untilAborted(new Promise<never>(() => undefined), controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('passes results and errors through when nothing aborts', async () => {
    const controller = new AbortController();
    await expect(untilAborted(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(untilAborted(Promise.reject(new Error('no')), controller.signal)).rejects.toThrow(
      'no',
    );
    await expect(untilAborted(Promise.resolve(1), undefined)).resolves.toBe(1);
  });
});

describe('the OpenAI client behind guardedFetch', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startOpenAiStandIn();
  });
  afterAll(() => standIn.close());

  it('reports a refused model URL as a connection error that says why, and works when allowed', async () => {
    const settings = { baseUrl: standIn.url, model: 'stand-in-chat' };
    const refused = await testChatModel(
      { ...settings, fetch: guardedFetch(PUBLIC_ONLY) },
      { timeoutMs: 5_000 },
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChatModelError);
    expect((refused as ChatModelError).code).toBe('connection');
    expect((refused as ChatModelError).message).toMatch(/private network.*only an admin/);
    const answer = await testChatModel(
      { ...settings, fetch: guardedFetch(ADMIN) },
      { timeoutMs: 5_000 },
    );
    expect(answer.text.length).toBeGreaterThan(0);
  });
});
