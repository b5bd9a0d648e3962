import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './content-security-policy';

const directive = (csp: string, name: string) =>
  csp
    .split('; ')
    .find((d) => d.startsWith(`${name} `))
    ?.slice(name.length + 1);

describe('the Content-Security-Policy', () => {
  it('lets no site frame a page by default', () => {
    const csp = contentSecurityPolicy({ livekitUrl: 'ws://localhost:7880', frameAncestors: [] });
    expect(directive(csp, 'frame-ancestors')).toBe("'none'");
    expect(directive(csp, 'object-src')).toBe("'none'");
    expect(directive(csp, 'script-src')).not.toContain('unsafe-eval');
  });

  it('connects to the LiveKit server over WebSocket and HTTP', () => {
    const csp = contentSecurityPolicy({ livekitUrl: 'wss://lk.example.com', frameAncestors: [] });
    expect(directive(csp, 'connect-src')).toBe(
      "'self' wss://lk.example.com https://lk.example.com",
    );
  });

  it("lists an embed's allowed sites as frame ancestors", () => {
    const csp = contentSecurityPolicy({
      livekitUrl: 'ws://localhost:7880',
      frameAncestors: ["'self'", 'https://shop.example', 'https://*.example.com'],
    });
    expect(directive(csp, 'frame-ancestors')).toBe(
      "'self' https://shop.example https://*.example.com",
    );
  });
});
