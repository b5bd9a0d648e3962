/** The deployment checks catch what they are meant to catch (compose.test.ts relies on them). */
import { describe, expect, it } from 'vitest';
import {
  baseImageProblems,
  documentedSettings,
  hasHealthcheck,
  interpolatedVariables,
  isMultiStage,
  isRootUser,
  parseDockerfile,
  pullsFromRegistry,
  runtimeUser,
  serviceHasHealthcheck,
  unhealthyDependencies,
} from './compose-checks';

const multiStage = `
ARG BASE_IMAGE=facecast/debian-base:bookworm
FROM \${BASE_IMAGE} AS build
RUN make \\
 && make install
FROM \${BASE_IMAGE}
COPY --from=build /out /app
USER app
HEALTHCHECK CMD ["true"]
`;

describe('Dockerfile checks', () => {
  it('accept a two-stage build on the local base image, run as a user, with a health check', () => {
    const file = parseDockerfile(multiStage);
    expect(file.stages).toHaveLength(2);
    expect(baseImageProblems(file)).toEqual([]);
    expect(isMultiStage(file)).toBe(true);
    expect(runtimeUser(file)).toBe('app');
    expect(hasHealthcheck(file)).toBe(true);
  });

  it('flag a registry base image, a single stage, root and a missing health check', () => {
    const file = parseDockerfile('FROM node:20-bookworm\nCOPY . /app\nUSER node\nUSER 0:0\n');
    expect(baseImageProblems(file)).toEqual([
      'FROM node:20-bookworm is neither facecast/debian-base:bookworm nor an earlier stage',
    ]);
    expect(isMultiStage(file)).toBe(false);
    expect(isRootUser(runtimeUser(file))).toBe(true);
    expect(isRootUser(runtimeUser(parseDockerfile('FROM a\n')))).toBe(true);
    expect(hasHealthcheck(file)).toBe(false);
    expect(hasHealthcheck(parseDockerfile('FROM a\nHEALTHCHECK NONE\n'))).toBe(false);
  });

  it('flag an ARG whose default is a registry image', () => {
    const file = parseDockerfile('ARG BASE=debian:bookworm\nFROM ${BASE}\n');
    expect(baseImageProblems(file)).toHaveLength(1);
  });

  it('count a USER in the build stage only as the build stage’s', () => {
    const file = parseDockerfile('FROM a AS b\nUSER app\nFROM a\nCOPY --from=b /x /x\n');
    expect(runtimeUser(file)).toBe('root');
  });
});

describe('compose service checks', () => {
  it('flag images that would be pulled', () => {
    expect(pullsFromRegistry({ image: 'postgres:16' })).toBe(true);
    expect(pullsFromRegistry({ image: 'ghcr.io/livekit/livekit-server', build: '.' })).toBe(true);
    expect(pullsFromRegistry({ image: 'localhost:5000/app', build: '.' })).toBe(true);
    expect(pullsFromRegistry({ image: 'facecast/app', build: '.' })).toBe(true); // may pull
    expect(pullsFromRegistry({ image: 'facecast/app', build: '.', pull_policy: 'build' })).toBe(
      false,
    );
    expect(pullsFromRegistry({ build: { dockerfile: 'deploy/app.Dockerfile' } })).toBe(false);
    expect(pullsFromRegistry({})).toBe(true);
  });

  it('flag missing or disabled health checks and dependencies not waited healthy', () => {
    expect(serviceHasHealthcheck({})).toBe(false);
    expect(serviceHasHealthcheck({ healthcheck: { test: ['NONE'] } })).toBe(false);
    expect(serviceHasHealthcheck({ healthcheck: { test: ['CMD', 'x'], disable: true } })).toBe(
      false,
    );
    expect(serviceHasHealthcheck({ healthcheck: { test: ['CMD', 'true'] } })).toBe(true);
    expect(unhealthyDependencies({ depends_on: ['db'] })).toEqual(['db']);
    expect(
      unhealthyDependencies({
        depends_on: { db: { condition: 'service_started' }, lk: { condition: 'service_healthy' } },
      }),
    ).toEqual(['db']);
  });
});

describe('settings', () => {
  it("reads the configuration table's names, several to a cell", () => {
    const readme = [
      '# X',
      '## Configuration',
      '| Variable | Default |',
      '| --- | --- |',
      '| `PORT` | `3000` |',
      '| `LIVEKIT_API_KEY` / `LIVEKIT_API_SECRET` | generated |',
      '## Tests',
      '| `NOT_A_SETTING` | x |',
    ].join('\n');
    expect([...documentedSettings(readme)]).toEqual([
      'PORT',
      'LIVEKIT_API_KEY',
      'LIVEKIT_API_SECRET',
    ]);
  });

  it('finds interpolated variables but not escaped dollars', () => {
    expect([...interpolatedVariables('a: ${A}\nb: ${B:-x}\nc: ${C:?m}\nd: $${D}\n')]).toEqual([
      'A',
      'B',
      'C',
    ]);
  });
});
