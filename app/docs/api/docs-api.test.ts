import { describe, expect, it } from 'vitest';
import { GET as page } from './route';
import { GET as bundle } from './scalar.js/route';

describe('the API reference page', () => {
  it('loads Scalar from the app itself and points it at the OpenAPI document', async () => {
    const response = page();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<script src="/docs/api/scalar.js"></script>');
    expect(html).toContain('"url":"/api/v1/openapi.json"');
    // No CDN, no font service: every script and URL on the page is the app's own.
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves the standalone bundle from node_modules', async () => {
    const response = await bundle();
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    const source = await response.text();
    expect(source.length).toBeGreaterThan(1_000_000);
    expect(source).toContain('createApiReference');
  });
});
