/** Sessions of the pool benchmark, driven through the public REST API like a developer does. */
import type { Platform } from './pool-platform';
import { joinViewer, type PoolViewer } from './pool-viewer';

const SPEECH =
  'Welcome to the museum. This gallery holds paintings from four centuries, and each of them ' +
  'has a story worth hearing. Take your time, look closely, and ask me anything you like.';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StartedSession {
  id: string;
  room: string;
  /** performance.now() when the POST was sent. */
  postedAtMs: number;
}

export interface LiveSession extends StartedSession {
  viewer: PoolViewer;
  /** Stops the keep-speaking loop. */
  quiet(): void;
}

/** POST /api/v1/sessions (wait:false): the session `starting`, or 'full' on 503. */
export async function startSession(
  platform: Platform,
  avatarId: string,
): Promise<StartedSession | 'full'> {
  const postedAtMs = performance.now();
  const { status, body } = await platform.api('POST', '/api/v1/sessions', {
    avatarId,
    wait: false,
  });
  if (status === 503) return 'full';
  if (status !== 201) throw new Error(`POST /api/v1/sessions: ${status} ${JSON.stringify(body)}`);
  const session = body as { id: string; room: string };
  return { id: session.id, room: session.room, postedAtMs };
}

/** Joins the session's room with the app's viewer token (POST …/tokens). */
export async function watch(platform: Platform, sessionId: string): Promise<PoolViewer> {
  const { status, body } = await platform.api('POST', `/api/v1/sessions/${sessionId}/tokens`);
  if (status !== 200) throw new Error(`viewer token: ${status} ${JSON.stringify(body)}`);
  const grant = body as { livekitUrl: string; token: string };
  return joinViewer({ url: grant.livekitUrl, token: grant.token });
}

/** Starts a session, joins it and keeps it talking; 'full' on 503. */
export async function startTalkingSession(
  platform: Platform,
  avatarId: string,
): Promise<LiveSession | 'full'> {
  const started = await startSession(platform, avatarId);
  if (started === 'full') return 'full';
  const viewer = await watch(platform, started.id);
  return { ...started, viewer, quiet: keepSpeaking(platform, started.id, viewer) };
}

/** Keeps the avatar talking: POST …/speak whenever it has been quiet for 600 ms. */
function keepSpeaking(platform: Platform, id: string, viewer: PoolViewer): () => void {
  let stopped = false;
  let sentAtMs = 0;
  void (async () => {
    while (!stopped) {
      const now = performance.now();
      if (now - Math.max(viewer.lastSpeechMs(), sentAtMs) > 600 && now - sentAtMs > 2_000) {
        sentAtMs = now;
        await platform.api('POST', `/api/v1/sessions/${id}/speak`, { text: SPEECH });
      }
      await sleep(200);
    }
  })().catch(() => undefined);
  return () => (stopped = true);
}

/** Leaves the room and stops the session (DELETE). */
export async function endSession(platform: Platform, session: LiveSession): Promise<void> {
  session.quiet();
  await session.viewer.leave();
  await platform.api('DELETE', `/api/v1/sessions/${session.id}`);
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

/** Waits (up to 30 s) for the session's first video frame at its viewer. */
export async function firstFrame(session: LiveSession): Promise<void> {
  await waitFor(() => session.viewer.frameTimesMs.length > 0, 30_000, 'first frame of a session');
}
