/**
 * Booking under contention, through the REST API of the whole platform (scripts/lib/stack.mjs,
 * as `npm start` runs it): 200 clients at once ask for overlapping slots of a pool with 5
 * bookable slots (FACECAST_BOOKABLE_SLOTS=6, one kept for instant sessions), first on the
 * embedded database, then on a throwaway PostgreSQL server.
 *
 * - overbooked: bookings beyond the capacity at the fullest instant (must be 0)
 * - accepted / refused: 201s and 409 `no_capacity`s; errors: any other answer
 * - p50_ms / p99_ms: request → answer, per request of the 200
 * - alone_p50_ms: the same request with no other client (what one booking costs)
 * - floor_p50_ms / floor_p99_ms: 200 clients at once on an authenticated route that books
 *   nothing (GET /api/v1/voices: the API key lookup and a small JSON answer), measured just
 *   before the bookings: what the app's HTTP path itself costs under the same burst
 * - framework_floor_p50_ms / framework_floor_p99_ms: the same burst on a path no route answers
 *   (a JSON 404 from app/api/[...path]: no authentication, no database): what Next.js's
 *   request handling alone costs under it
 * - load_1m: the machine's 1-minute load average just before the burst (2 cores, shared)
 *
 * `--db pglite|postgresql` measures one database only (both by default).
 */
import os from 'node:os';
import path from 'node:path';
import { mostAtOnce } from '@/lib/bookings/booking-capacity';
import { insideTestNamespace } from '@/scripts/lib/netns.mjs';
import { startTestPostgres } from '@/scripts/lib/postgres-cluster.mjs';
import { runBenchInNamespace } from './in-namespace';
import { apiRequest, startPlatform } from './pool-platform';
import { percentile } from './stats';

const CLIENTS = 200;
const POOL_SLOTS = 6;
const BOOKABLE = POOL_SLOTS - 1;
const MINUTE = 60_000;
const repoRoot = path.resolve(import.meta.dirname, '..');

type DatabaseName = 'pglite' | 'postgresql';

interface Figures {
  /** One client alone: request → answer, p50 of 20 bookings made one after the other. */
  alone_p50_ms: number;
  overbooked: number;
  accepted: number;
  refused: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
  floor_p50_ms: number;
  floor_p99_ms: number;
  framework_floor_p50_ms: number;
  framework_floor_p99_ms: number;
  load_1m: number;
}

/** `--db pglite|postgresql` (also `postgres`), or both. */
function chosenDatabases(): DatabaseName[] {
  const at = process.argv.indexOf('--db');
  if (at < 0) return ['pglite', 'postgresql'];
  const value = process.argv[at + 1];
  if (value === 'pglite') return ['pglite'];
  if (value === 'postgresql' || value === 'postgres') return ['postgresql'];
  throw new Error(`--db takes pglite or postgresql, not ${value ?? 'nothing'}`);
}

export async function bookingBench(): Promise<Record<string, number | string>> {
  const databases = chosenDatabases();
  // The platform includes LiveKit and a worker host: WebRTC stays inside a namespace.
  if (!insideTestNamespace()) {
    const args = databases.length === 1 ? ['--db', databases[0]!] : [];
    return runBenchInNamespace('booking', args) as Record<string, number | string>;
  }
  const measured: Partial<Record<DatabaseName, Figures>> = {};
  if (databases.includes('pglite')) measured.pglite = await measure({});
  if (databases.includes('postgresql')) {
    const server = await startTestPostgres({ dir: path.join(repoRoot, '.test-data', 'bench-pg') });
    try {
      measured.postgresql = await measure({ DATABASE_URL: server.url });
    } finally {
      await server.stop();
    }
  }
  const all = Object.values(measured);
  const prefixed = (name: string, figures: Figures) =>
    Object.fromEntries(Object.entries(figures).map(([k, v]) => [`${name}_${k}`, v]));
  return {
    clients: CLIENTS,
    bookable_slots: BOOKABLE,
    overbooked: Math.max(...all.map((f) => f.overbooked)),
    p99_ms: Math.max(...all.map((f) => f.p99_ms)),
    ...Object.fromEntries(
      Object.entries(measured).flatMap(([name, figures]) =>
        Object.entries(prefixed(name, figures)),
      ),
    ),
  };
}

async function measure(env: Record<string, string>): Promise<Figures> {
  // Every client is the demo user: its quotas must not be what refuses (lib/quotas).
  const platform = await startPlatform({
    FACECAST_BOOKABLE_SLOTS: String(POOL_SLOTS),
    FACECAST_QUOTA_CONCURRENT_SESSIONS: String(CLIENTS),
    FACECAST_QUOTA_MONTHLY_MINUTES: '1000000',
    // All 200 bookings reach the capacity check at once: that is what is measured, so the
    // app's load shedding (decision 029) is off.
    FACECAST_APP_MAX_INFLIGHT: '0',
    ...env,
  });
  try {
    const { api } = platform;
    const avatars = (await api('GET', '/api/v1/avatars')).body as { avatars: { id: string }[] };
    const avatarId = avatars.avatars[0]?.id;
    if (!avatarId) throw new Error('the demo user has no avatar');
    // A day well ahead, so every slot is in the future.
    const day = Math.ceil((Date.now() + 7 * 24 * 60 * MINUTE) / (24 * 60 * MINUTE)) * 24 * 60;
    const at = (minutes: number) => new Date((day + minutes) * MINUTE).toISOString();
    // Warm the routes up (first requests load their modules); not measured.
    for (let i = 0; i < 3; i++) {
      const warm = await api('POST', '/api/v1/bookings', {
        avatarId,
        startsAt: at(-600),
        endsAt: at(-570),
        kind: 'private',
      });
      const id = (warm.body as { id?: string }).id;
      if (warm.status !== 201 || !id) throw new Error(`warm-up booking: ${warm.status}`);
      await api('DELETE', `/api/v1/bookings/${id}`);
    }

    // One client alone: what a booking costs without a queue (each is cancelled again).
    const alone: number[] = [];
    for (let i = 0; i < 20; i++) {
      const sentAt = performance.now();
      const made = await api('POST', '/api/v1/bookings', {
        avatarId,
        startsAt: at(-300),
        endsAt: at(-270),
        kind: 'private',
      });
      alone.push(performance.now() - sentAt);
      await api('DELETE', `/api/v1/bookings/${(made.body as { id: string }).id}`);
    }
    alone.sort((a, b) => a - b);

    // The floors: the same burst on routes that book nothing (each warmed up first), with a
    // second between bursts for their connections and garbage to settle.
    const burst = async (route: string, status: number) => {
      for (let i = 0; i < 3; i++) await api('GET', route);
      const times = await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          const sentAt = performance.now();
          const response = await apiRequest(platform, false, 'GET', route);
          if (response.status !== status) throw new Error(`${route}: ${response.status}`);
          return performance.now() - sentAt;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return times.sort((a, b) => a - b);
    };
    const frameworkFloor = await burst('/api/v1/no-such-route', 404);
    const floor = await burst('/api/v1/voices', 200);
    const load1m = os.loadavg()[0]!;

    const results = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        // Starts spread over two hours, 30-90 minutes long: most overlap most others.
        const start = (i * 37) % 120;
        const length = 30 + ((i * 53) % 61);
        const sentAt = performance.now();
        const response = await apiRequest(platform, false, 'POST', '/api/v1/bookings', {
          avatarId,
          startsAt: at(start),
          endsAt: at(start + length),
          kind: i % 2 ? 'broadcast' : 'private',
        });
        return { ...response, ms: performance.now() - sentAt };
      }),
    );
    const code = (body: unknown) => (body as { error?: { code?: string } }).error?.code;
    const accepted = results.filter((r) => r.status === 201).length;
    const refused = results.filter((r) => r.status === 409 && code(r.body) === 'no_capacity');
    const listed = (
      await api(
        'GET',
        `/api/v1/bookings?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(240))}`,
      )
    ).body as { bookings: { startsAt: string; endsAt: string }[] };
    const times = results.map((r) => r.ms).sort((a, b) => a - b);
    return {
      alone_p50_ms: Math.round(percentile(alone, 50)),
      overbooked: Math.max(
        0,
        mostAtOnce(
          listed.bookings.map((b) => ({
            startsAt: new Date(b.startsAt),
            endsAt: new Date(b.endsAt),
          })),
        ) - BOOKABLE,
      ),
      accepted,
      refused: refused.length,
      errors: CLIENTS - accepted - refused.length,
      p50_ms: Math.round(percentile(times, 50)),
      p99_ms: Math.round(percentile(times, 99)),
      floor_p50_ms: Math.round(percentile(floor, 50)),
      floor_p99_ms: Math.round(percentile(floor, 99)),
      framework_floor_p50_ms: Math.round(percentile(frameworkFloor, 50)),
      framework_floor_p99_ms: Math.round(percentile(frameworkFloor, 99)),
      load_1m: Math.round(load1m * 100) / 100,
    };
  } finally {
    await platform.stop();
  }
}
