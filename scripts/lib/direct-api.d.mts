import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ApiRoute {
  segments: string[];
  file: string;
}
export function apiRoutes(manifest: Record<string, string>): ApiRoute[];
export function matchApiRoute(
  routes: ApiRoute[],
  pathname: string,
): { file: string; params: Record<string, string> } | null;
export function directApi(options: {
  distDir: string;
  nextHandler: (request: IncomingMessage, response: ServerResponse) => Promise<unknown>;
}): (request: IncomingMessage, response: ServerResponse) => Promise<void> | false;
