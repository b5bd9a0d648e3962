/**
 * Generates the Prisma client (node_modules/.prisma/client) when it is missing or older than
 * the schema. Offline-safe: with engineType "client" and `engine: "js"` in prisma.config.ts
 * the CLI needs no native engine, provided it can read the schema's datasource (an unset
 * DATABASE_URL makes it fall back to defaults that download one, so a placeholder is set).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { detail, seconds, step } from './log.mjs';
import { npmBin, repoRoot } from './repo.mjs';
import { run } from './run.mjs';

/** Files whose content decides what `prisma generate` produces. */
const inputs = [
  'prisma/schema.prisma',
  'prisma.config.ts',
  'node_modules/@prisma/client/package.json',
];

/**
 * Fingerprint of the generator's inputs (sha256 hex). Content, not mtime: editors and git
 * touch files without changing them, and a rebuild of the client is cheap but not free.
 * @param {string} root
 */
export function prismaInputsHash(root) {
  const hash = crypto.createHash('sha256');
  for (const file of inputs) {
    hash.update(`${file}\0`);
    try {
      hash.update(fs.readFileSync(path.join(root, file)));
    } catch {
      hash.update('(missing)');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** @param {string} root */
function stampPath(root) {
  // Inside node_modules so that `npm ci` (which deletes the generated client) removes it too.
  return path.join(root, 'node_modules', '.prisma', 'facecast-generate.sha256');
}

/**
 * True when there is a schema and the generated client does not match it.
 * @param {string} [root]
 */
export function needsPrismaGenerate(root = repoRoot) {
  if (!fs.existsSync(path.join(root, 'prisma', 'schema.prisma'))) return false;
  if (!fs.existsSync(path.join(root, 'node_modules', '.prisma', 'client', 'schema.prisma')))
    return true;
  try {
    return fs.readFileSync(stampPath(root), 'utf8').trim() !== prismaInputsHash(root);
  } catch {
    return true;
  }
}

/** Environment for Prisma CLI commands that must not touch the network. */
export function prismaOfflineEnv(env = process.env) {
  return {
    ...env,
    // Only read by the CLI to validate the schema; generate never connects.
    DATABASE_URL: env.DATABASE_URL || 'postgresql://placeholder@127.0.0.1:5432/placeholder',
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    PRISMA_GENERATE_SKIP_AUTOINSTALL: '1',
    PRISMA_SKIP_POSTINSTALL_GENERATE: '1',
  };
}

/** Runs `prisma generate` when needed. Throws when it fails. */
export async function ensurePrismaClient(root = repoRoot) {
  if (!fs.existsSync(path.join(root, 'prisma', 'schema.prisma'))) {
    step('Prisma client: no prisma/schema.prisma yet, skipped');
    return;
  }
  if (!needsPrismaGenerate(root)) {
    step('Prisma client: up to date');
    return;
  }
  step('Prisma client: prisma generate');
  const { code, durationMs } = await run(npmBin('prisma'), ['generate'], {
    cwd: root,
    env: prismaOfflineEnv(),
  });
  if (code !== 0) throw new Error(`prisma generate failed (exit ${code})`);
  fs.writeFileSync(stampPath(root), `${prismaInputsHash(root)}\n`);
  detail(`generated in ${seconds(durationMs)}`);
}
