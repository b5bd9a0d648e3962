/**
 * `npm test`'s api-schema step: starts the stack, signs in as the installation's admin (the
 * bootstrap's demo account), creates an API key through the app, and runs schemathesis against
 * GET /api/v1/openapi.json with it: every operation, examples, coverage and fuzzing phases,
 * checking that no response is a 5xx and that every status, content type, header and body
 * matches the document. Must run inside the private network namespace (`npm test -- --only
 * api-schema` puts it there): the app, LiveKit and the worker host are started in it.
 *
 * DELETE /api/v1/api-keys/{id} runs apart, after the rest, with a throwaway key of its own:
 * schemathesis reuses ids it has seen in answers, GET /api/v1/api-keys lists the run's own key,
 * and a revoked key would turn every later case into a 401 that conforms to the document. The
 * stateful phase, which chains operations on purpose, is left out. After the runs the main key
 * must still work, or the step fails.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import readline from 'node:readline';
import { plainBanner, schemathesisBin } from './lib/schemathesis.mjs';
import { addCounts, junitCounts, noTests } from './lib/test-counts.mjs';
import { withTestStack } from './lib/test-stack';

/** Cases per operation and phase: enough to find the 5xx a route has, within ~2 minutes. */
const MAX_EXAMPLES = Number(process.env.FACECAST_SCHEMATHESIS_EXAMPLES ?? 15);

/** Runs a command, passing its output on line by line; resolves with its exit code. */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return new Promise<{ code: number }>((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => process.stdout.write(`${plainBanner(line)}\n`));
    const closed = new Promise((done) => lines.once('close', done));
    child.on('error', () => resolve({ code: 127 }));
    child.on('exit', (code, signal) => {
      void closed.then(() => resolve({ code: code ?? (signal ? 128 : 1) }));
    });
  });
}

/** Leaves the JUnit reports' counts (one test per operation) where `npm test` reads them. */
function writeCounts(reportDirs: string[]): void {
  const target = process.env.FACECAST_TEST_COUNTS_FILE;
  if (!target) return;
  const counts = reportDirs
    .filter((dir) => fs.existsSync(dir))
    .flatMap((dir) =>
      fs
        .readdirSync(dir)
        .filter((name) => name.endsWith('.xml'))
        .map((name) => junitCounts(fs.readFileSync(path.join(dir, name), 'utf8'))),
    )
    .reduce(addCounts, noTests());
  fs.writeFileSync(target, JSON.stringify(counts));
}

/** A key for the revocation run, so revoking it cannot disable the main run's key. */
async function createThrowawayKey(appUrl: string, key: string): Promise<string> {
  const response = await fetch(new URL('/api/v1/api-keys', appUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'schemathesis revocation run', scopes: ['read'] }),
  });
  const body = (await response.json()) as { key?: unknown };
  if (response.status !== 201 || typeof body.key !== 'string')
    throw new Error(`api-schema: could not create the throwaway key (${response.status})`);
  return body.key;
}

async function main(): Promise<number> {
  if (!fs.existsSync(schemathesisBin)) {
    throw new Error(`${schemathesisBin} is missing: run \`npm test -- --only api-schema\``);
  }
  return withTestStack({
    name: 'api-schema',
    // Every scope, so the admin routes are exercised too, not refused with 403.
    scopes: ['read', 'sessions', 'avatars', 'admin'],
    keepDataEnv: 'FACECAST_API_SCHEMA_KEEP_DATA',
    run: async ({ appUrl, apiKey: key, dataDir }) => {
      const reports = {
        main: path.join(dataDir, 'schemathesis-report'),
        revoke: path.join(dataDir, 'schemathesis-revoke-report'),
      };
      const schemathesis = (bearer: string, operations: string[], reportDir: string) =>
        run(
          schemathesisBin,
          [
            'run',
            new URL('/api/v1/openapi.json', appUrl).toString(),
            '--url',
            appUrl,
            '--header',
            `Authorization: Bearer ${bearer}`,
            ...operations,
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
            // One worker: with two threads, CPython 3.11's ast.parse (hypothesis describing a
            // filter) raced on shared state and schemathesis died with "AST constructor
            // recursion depth mismatch" (a CI run, GET /api/v1/admin/audit).
            '--workers',
            '1',
            '--request-timeout',
            '30',
            '--report',
            'junit',
            '--report-dir',
            reportDir,
            '--output-sanitize',
            'true',
            // CI runs the same cases every time (a red CI lands nothing, so a failure there must
            // be one a rerun shows again); a developer's run draws new ones and finds new bugs.
            ...(process.env.CI ? ['--generation-deterministic'] : []),
          ],
          { cwd: dataDir, env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } },
        );
      const started = Date.now();
      // Revoking keys: see the comment at the top.
      const revoke = 'DELETE /api/v1/api-keys/{id}';
      const result = await schemathesis(key, ['--exclude-name', revoke], reports.main);
      // A `read` key may revoke only keys holding no more than `read`: itself, not the main key.
      const throwaway = await createThrowawayKey(appUrl, key);
      const revokeResult = await schemathesis(
        throwaway,
        ['--include-name', revoke],
        reports.revoke,
      );
      process.stdout.write(
        `api-schema: schemathesis exited ${result.code}, then ${revokeResult.code} (key revocation), after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      let code = result.code || revokeResult.code;
      writeCounts([reports.main, reports.revoke]);
      const check = await fetch(new URL('/api/v1/usage', appUrl), {
        headers: { authorization: `Bearer ${key}` },
      });
      if (check.status !== 200) {
        process.stderr.write(
          `api-schema: the run's API key no longer works (${check.status}): its answers prove nothing\n`,
        );
        code = 1;
      }
      return code;
    },
  });
}

process.exit(await main());
