/**
 * A webhook receiver for e2e tests: an HTTP server on 127.0.0.1 inside the test process
 * (the stack runs in the same network namespace; global-setup allowlists 127.0.0.1 for
 * outbound requests). It keeps every request and verifies them with the `standardwebhooks`
 * library, as a user's server would.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookMessage {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Verifies a received request's signature with `secret` and returns its parsed body. */
  verify(secret: string, request: ReceivedWebhook): WebhookMessage;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hook'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    verify: (secret, request) =>
      new Webhook(secret).verify(
        request.body,
        request.headers as Record<string, string>,
      ) as WebhookMessage,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
