/**
 * GET /docs/api → the API reference: Scalar's standalone bundle (npm @scalar/api-reference,
 * served by ./scalar.js, never a CDN) rendering /api/v1/openapi.json. Fonts, telemetry and
 * Scalar's hosted AI agent are off, so the page asks nothing of any other site.
 */
const CONFIG = {
  url: '/api/v1/openapi.json',
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  authentication: { preferredSecurityScheme: 'apiKey' },
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Facecast API reference</title>
  </head>
  <body>
    <div id="api-reference"></div>
    <script src="/docs/api/scalar.js"></script>
    <script>Scalar.createApiReference('#api-reference', ${JSON.stringify(CONFIG)});</script>
  </body>
</html>
`;

export function GET(): Response {
  return new Response(PAGE, {
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
  });
}
