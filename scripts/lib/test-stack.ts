/**
 * The whole stack for an `npm test` step that tests it from outside (api-schema,
 * agents-plugin): inside the test network namespace, LiveKit, the app and a worker host are
 * started in a fresh data directory under .test-data/, the installation's admin (the
 * bootstrap's demo account) signs in and makes an API key, and the step's own work runs with
 * them. Afterwards the stack stops; a failed run keeps its data directory (stack.log and
 * whatever the step wrote) and prints the log's tail, a passed one removes it unless
 * `keepDataEnv` is set to 1.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { assertTestNamespace } from '../../tests/integration/support/network';
import { demoApiKey } from '../../tests/support/api-key-login';
import { findLivekitServer } from './livekit-binary.mjs';
import { NAMESPACE_NODE_IP } from './livekit-config.mjs';
import { startStack, type Stack } from './stack.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');

/** Lines of stack.log shown when the step fails. */
const LOG_TAIL_LINES = 40;

export interface TestStack {
  stack: Stack;
  appUrl: string;
  /** An API key of the installation's admin with the scopes asked for. */
  apiKey: string;
  /** The run's data directory (the stack's, and the step's to write into). */
  dataDir: string;
}

export interface TestStackOptions {
  /** The step's name: the data directory's prefix and the log lines' tag. */
  name: string;
  /** The scopes of the admin's API key. */
  scopes: string[];
  /** The environment variable that keeps a passed run's data directory when it is 1. */
  keepDataEnv: string;
  /** The step's work; resolves with its exit code. */
  run: (stack: TestStack) => Promise<number>;
}

/** Runs `options.run` against a fresh stack; resolves with its exit code (1 if it threw). */
export async function withTestStack(options: TestStackOptions): Promise<number> {
  const { name } = options;
  assertTestNamespace();
  const livekitServer = findLivekitServer(root);
  if (!livekitServer) throw new Error('livekit-server not found: run `npm run setup`');
  const dataDir = path.join(root, '.test-data', `${name}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'stack.log');
  const output = fs.createWriteStream(logFile);
  process.stdout.write(`${name}: starting the stack in ${dataDir}\n`);
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
      log: (message) => output.write(`[${name}] ${message}\n`),
    });
    const appUrl = stack.urls.app;
    const { key } = await demoApiKey(stack, name, options.scopes);
    code = await options.run({ stack, appUrl, apiKey: key, dataDir });
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
    code = 1;
  } finally {
    await stack?.stop({ graceMs: 10_000 });
    output.end();
  }
  if (code !== 0) {
    const tail = fs.existsSync(logFile)
      ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-LOG_TAIL_LINES).join('\n')
      : '';
    if (tail) process.stderr.write(`--- ${logFile} (tail) ---\n${tail}\n`);
  }
  if (code === 0 && process.env[options.keepDataEnv] !== '1') {
    fs.rmSync(dataDir, { recursive: true, force: true });
  } else {
    process.stdout.write(`${name}: kept ${dataDir}\n`);
  }
  return code;
}
