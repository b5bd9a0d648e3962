/**
 * `npm test`'s api-schema step: starts the stack, signs in as the installation's admin (the
 * bootstrap's demo account), creates an API key through the app, and runs schemathesis against
 * GET /api/v1/openapi.json with it: every operation, examples, coverage and fuzzing phases,
 * checking that no response is a 5xx and that every status, content type, header and body
 * matches the document. Must run inside the private network namespace (`npm test -- --only
 * api-schema` puts it there): the app, LiveKit and the worker host are started in it.
 *
 * Left out, so the run cannot saw off the branch it sits on: DELETE /api/v1/api-keys/{id}
 * (schemathesis reuses ids it has seen in answers, GET /api/v1/api-keys lists the run's own
 * key, and a revoked key turns every later case into a 401 that conforms to the document), and
 * the stateful phase, which chains operations on purpose. After the run the key must still
 * work, or the step fails.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { findLivekitServer } from './lib/livekit-binary.mjs';
import { NAMESPACE_NODE_IP } from './lib/livekit-config.mjs';
import { schemathesisBin } from './lib/schemathesis.mjs';
import { startStack, type Stack } from './lib/stack.mjs';
import { createApiKeyByLogin } from '../tests/support/api-key-login';

/** Cases per operation and phase: enough to find the 5xx a route has, within ~2 minutes. */
const MAX_EXAMPLES = Number(process.env.FACECAST_SCHEMATHESIS_EXAMPLES ?? 15);

const root = path.resolve(import.meta.dirname, '..');

/** Runs a command with inherited output; resolves with its exit code. */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return new Promise<{ code: number }>((resolve) => {
    const child = spawn(command, args, { ...options, stdio: 'inherit' });
    child.on('error', () => resolve({ code: 127 }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1) }));
  });
}

function assertInsideNamespace(): void {
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .map((info) => info?.address);
  if (!addresses.includes(NAMESPACE_NODE_IP)) {
    throw new Error(
      `${NAMESPACE_NODE_IP} is on no interface: run this through \`npm test -- --only api-schema\`, which makes the test network namespace`,
    );
  }
}

async function main(): Promise<number> {
  assertInsideNamespace();
  if (!fs.existsSync(schemathesisBin)) {
    throw new Error(`${schemathesisBin} is missing: run \`npm test -- --only api-schema\``);
  }
  const livekitServer = findLivekitServer(root);
  if (!livekitServer) throw new Error('livekit-server not found: run `npm run setup`');
  const dataDir = path.join(root, '.test-data', `api-schema-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'stack.log');
  const output = fs.createWriteStream(logFile);
  process.stdout.write(`api-schema: starting the stack in ${dataDir}\n`);
  let stack: Stack | undefined;
  let code = 1;
  try {
    stack = await startStack({
      dataDir,
      root,
      livekitServer,
      nodeIp: NAMESPACE_NODE_IP,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      output,
      log: (message) => output.write(`[api-schema] ${message}\n`),
    });
    const demo = stack.bootstrap.demo;
    if (!demo?.password) throw new Error('the bootstrap made no demo admin with a password');
    const appUrl = stack.urls.app;
    const { key } = await createApiKeyByLogin({
      appUrl,
      email: demo.email,
      password: demo.password,
      name: 'schemathesis',
    });
    const started = Date.now();
    const result = await run(
      schemathesisBin,
      [
        'run',
        new URL('/api/v1/openapi.json', appUrl).toString(),
        '--url',
        appUrl,
        '--header',
        `Authorization: Bearer ${key}`,
        // Revoking keys: see the comment at the top.
        '--exclude-name',
        'DELETE /api/v1/api-keys/{id}',
        '--phases',
        'examples,coverage,fuzzing',
        '--checks',
        [
          'not_a_server_error',
          'status_code_conformance',
          'content_type_conformance',
          'response_headers_conformance',
          'response_schema_conformance',
        ].join(','),
        '--max-examples',
        String(MAX_EXAMPLES),
        '--workers',
        '2',
        '--request-timeout',
        '30',
        '--report',
        'junit',
        '--report-dir',
        path.join(dataDir, 'schemathesis-report'),
        '--output-sanitize',
        'true',
      ],
      { cwd: dataDir, env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } },
    );
    process.stdout.write(
      `api-schema: schemathesis exited ${result.code} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    code = result.code;
    const check = await fetch(new URL('/api/v1/usage', appUrl), {
      headers: { authorization: `Bearer ${key}` },
    });
    if (check.status !== 200) {
      process.stderr.write(
        `api-schema: the run's API key no longer works (${check.status}): its answers prove nothing\n`,
      );
      code = 1;
    }
  } catch (error) {
    process.stderr.write(`api-schema: ${(error as Error).message}\n`);
    const tail = fs.existsSync(logFile)
      ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')
      : '';
    if (tail) process.stderr.write(`--- ${logFile} ---\n${tail}\n`);
  } finally {
    await stack?.stop({ graceMs: 10_000 });
    output.end();
  }
  if (code === 0 && process.env.FACECAST_API_SCHEMA_KEEP_DATA !== '1') {
    fs.rmSync(dataDir, { recursive: true, force: true });
  } else {
    process.stdout.write(`api-schema: kept ${dataDir} (stack.log, schemathesis-report)\n`);
  }
  return code;
}

process.exit(await main());
