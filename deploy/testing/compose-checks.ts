/**
 * Checks of the container deployment (deploy/compose.yaml and deploy/*.Dockerfile), as pure
 * functions over the resolved compose config (`docker-compose config`), Dockerfile text and
 * the README, so each check can be shown to fail on a bad input (compose-checks.test.ts).
 */

/** A service as `docker-compose config` prints it (only the fields checked here). */
export interface ComposeService {
  build?: { context?: string; dockerfile?: string } | string;
  image?: string;
  pull_policy?: string;
  deploy?: { replicas?: number };
  healthcheck?: { test?: string[] | string; disable?: boolean };
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition?: string }> | string[];
}

export interface ComposeConfig {
  services: Record<string, ComposeService>;
}

/** One stage of a Dockerfile: its FROM image, its name and the instructions in it. */
export interface DockerStage {
  from: string;
  name?: string;
  instructions: { keyword: string; args: string }[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string | undefined>;
  stages: DockerStage[];
}

/** The image every Dockerfile builds on; made by deploy/make-base-image.sh. */
export const BASE_IMAGE = 'facecast/debian-base:bookworm';

/** Parses a Dockerfile: joins continuation lines, drops comments, splits stages. */
export function parseDockerfile(text: string): Dockerfile {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== '') lines.push(current.trim());
    current = '';
  }
  if (current.trim() !== '') lines.push(current.trim());

  const result: Dockerfile = { globalArgs: {}, stages: [] };
  for (const line of lines) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    const args = match[2] ?? '';
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      result.stages.push({ from: from?.[1] ?? '', name: from?.[2], instructions: [] });
    } else if (result.stages.length === 0) {
      if (keyword === 'ARG') {
        const [name = '', value] = args.split('=', 2);
        result.globalArgs[name.trim()] = value?.trim();
      }
    } else {
      result.stages[result.stages.length - 1]?.instructions.push({ keyword, args });
    }
  }
  return result;
}

/**
 * Problems with where a Dockerfile's stages come from: every FROM must be the local base
 * image (directly or through an ARG defaulting to it) or an earlier stage, never an image
 * that would be pulled from a registry.
 */
export function baseImageProblems(file: Dockerfile): string[] {
  const problems: string[] = [];
  const stageNames = new Set<string>();
  for (const stage of file.stages) {
    const arg = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(stage.from)?.[1];
    const image = arg !== undefined ? file.globalArgs[arg] : stage.from;
    if (!stageNames.has(stage.from) && image !== BASE_IMAGE) {
      problems.push(`FROM ${stage.from} is neither ${BASE_IMAGE} nor an earlier stage`);
    }
    if (stage.name) stageNames.add(stage.name);
  }
  return problems;
}

/** True when the Dockerfile builds in one stage and copies the result into another. */
export function isMultiStage(file: Dockerfile): boolean {
  const final = file.stages[file.stages.length - 1];
  return (
    file.stages.length >= 2 &&
    final !== undefined &&
    final.instructions.some((i) => i.keyword === 'COPY' && /--from=/.test(i.args))
  );
}

/** The user the final stage runs as (the last USER), or 'root' when none is set. */
export function runtimeUser(file: Dockerfile): string {
  const final = file.stages[file.stages.length - 1];
  const users = final?.instructions.filter((i) => i.keyword === 'USER') ?? [];
  const last = users[users.length - 1]?.args.trim();
  return last && last !== '' ? last : 'root';
}

/** True for root by name or by uid (`root`, `0`, `root:root`, `0:0`). */
export function isRootUser(user: string): boolean {
  const name = user.split(':')[0];
  return name === 'root' || name === '0';
}

/** True when the final stage has a HEALTHCHECK that is not NONE. */
export function hasHealthcheck(file: Dockerfile): boolean {
  const final = file.stages[file.stages.length - 1];
  return (
    final?.instructions.some((i) => i.keyword === 'HEALTHCHECK' && !/^NONE\b/i.test(i.args)) ??
    false
  );
}

/**
 * True when an image reference names a registry host (`ghcr.io/x`, `localhost:5000/x`,
 * `docker.io/library/x`) or would be pulled from Docker Hub (`postgres:16`, `livekit/x`)
 * because the service has nothing to build it from.
 */
export function pullsFromRegistry(service: ComposeService): boolean {
  if (service.image === undefined) return service.build === undefined;
  const first = service.image.split('/')[0] ?? '';
  const namesHost =
    service.image.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  if (namesHost) return true;
  return service.build === undefined || !['build', 'never'].includes(service.pull_policy ?? '');
}

/** True when the service has a health check that runs something. */
export function serviceHasHealthcheck(service: ComposeService): boolean {
  const check = service.healthcheck;
  if (!check || check.disable) return false;
  const test = Array.isArray(check.test) ? check.test : check.test ? [check.test] : [];
  return test.length > 0 && test[0] !== 'NONE';
}

/** Services a service waits for without `condition: service_healthy`. */
export function unhealthyDependencies(service: ComposeService): string[] {
  const deps = service.depends_on;
  if (!deps) return [];
  if (Array.isArray(deps)) return deps;
  return Object.entries(deps)
    .filter(([, value]) => value.condition !== 'service_healthy')
    .map(([name]) => name);
}

/**
 * The settings documented in the README's configuration table: every back-quoted name in
 * the first column of the table under "## Configuration".
 */
export function documentedSettings(readme: string): Set<string> {
  const start = readme.indexOf('\n## Configuration');
  if (start < 0) throw new Error('README has no "## Configuration" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) continue;
    const firstCell = line.split('|')[1] ?? '';
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) {
      if (match[1]) names.add(match[1]);
    }
  }
  return names;
}

/** Variable names a compose file interpolates (`${NAME}`, `${NAME:-x}`, `${NAME:?msg}`). */
export function interpolatedVariables(composeText: string): Set<string> {
  const names = new Set<string>();
  for (const match of composeText.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (match[1]) names.add(match[1]);
  }
  return names;
}

/** The `NAME=value` lines of an env file. */
export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const index = line.indexOf('=');
    if (index > 0) values.set(line.slice(0, index).trim(), line.slice(index + 1).trim());
  }
  return values;
}
