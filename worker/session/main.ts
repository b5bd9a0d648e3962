/**
 * Entry point of a session process, forked by the worker host (one session at a time per
 * process, so one crash never takes down another session). It loads the runtime, renderer and
 * speech modules first (the host keeps such warm processes ready), then speaks only through
 * the IPC channel: it says `ready`, runs the session it is given, reports its figures every
 * second, and after the session says `ready` again so the host can recycle it. It exits when
 * the host asks, or when the host has gone silent (orphaned).
 */
import { dispose } from '@livekit/rtc-node';
import { workerEnvSchema } from '../env';
import { createLogger } from '../log';
import {
  ORPHAN_TIMEOUT_MS,
  assertNever,
  childMessageSchema,
  parentMessageSchema,
  type ChildMessage,
  type ParentMessage,
} from '../ipc/ipc';
import { prewarmRenderThread, type PrewarmedRenderThread } from '../render/render-host';
import { startAvatarSession, type AvatarSession } from './avatar-session';

// The host passes a level it already validated; fall back rather than fail on a bad one.
const log = createLogger({
  name: 'session',
  level: workerEnvSchema.shape.LOG_LEVEL.catch('info').parse(process.env.LOG_LEVEL),
});

if (!process.send) {
  log.fatal('session process started without an IPC channel');
  process.exit(1);
}

/** The host's speech service socket, given in the environment the host forks us with. */
const speechSocket = process.env.FACECAST_SPEECH_SOCKET || undefined;

/** Figures go to the host this often while a session runs. */
const STATS_INTERVAL_MS = 1_000;

let session: AvatarSession | undefined;
let sessionId: string | undefined;
let exiting = false;
let orphanTimer: ReturnType<typeof setTimeout> | undefined;
/** The next session's render thread, started while idle (not needed by a running session). */
let renderThread: PrewarmedRenderThread | undefined;

/**
 * Starts the next session's render thread before saying `ready`, so a session does not wait
 * for a thread to boot. A failure only costs that time back: the session starts its own.
 */
async function prewarm(): Promise<void> {
  if (renderThread?.available) return;
  try {
    renderThread = await prewarmRenderThread();
  } catch (error) {
    renderThread = undefined;
    log.warn({ err: error }, 'render thread prewarm failed; the session will start its own');
  }
}

/** Hands the prewarmed render thread to a session (it then owns and closes it). */
function takeRenderThread(): PrewarmedRenderThread | undefined {
  const thread = renderThread?.available ? renderThread : undefined;
  renderThread = undefined;
  return thread;
}

function send(message: ChildMessage): Promise<void> {
  // Validate outgoing messages too: a malformed one would be dropped by the parent.
  const checked = childMessageSchema.parse(message);
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    process.send(checked, undefined, {}, () => resolve());
  });
}

function armOrphanTimer() {
  if (orphanTimer) clearTimeout(orphanTimer);
  orphanTimer = setTimeout(() => {
    log.error({ timeoutMs: ORPHAN_TIMEOUT_MS }, 'host silent, assuming orphaned');
    void exit('orphaned', 1);
  }, ORPHAN_TIMEOUT_MS);
}

/** Stops the session, tells the host, releases native LiveKit resources, exits. */
async function exit(reason: string, code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  if (orphanTimer) clearTimeout(orphanTimer);
  // Never hang on the way out: the host kills us after its own deadline anyway.
  const hardStop = setTimeout(() => process.exit(code), 5_000);
  hardStop.unref();
  try {
    await renderThread?.close();
    if (session) await session.stop(reason);
    if (sessionId) await send({ case: 'sessionEnded', value: { sessionId, reason } });
    await dispose();
  } catch (error) {
    log.error({ err: error }, 'session cleanup failed');
  }
  log.info({ reason, code }, 'session process exiting');
  process.exit(code);
}

async function handleStart(value: Extract<ParentMessage, { case: 'startSession' }>['value']) {
  if (sessionId) {
    log.warn({ sessionId }, 'second startSession ignored');
    return;
  }
  sessionId = value.request.sessionId;
  const sessionLog = log.child({ sessionId, room: value.request.roomName });
  const started = performance.now();
  const thread = takeRenderThread();
  try {
    session = await startAvatarSession({
      request: value.request,
      join: value.join,
      log: sessionLog,
      plugins: workerEnvSchema.shape.FACECAST_PLUGINS.catch([]).parse(process.env.FACECAST_PLUGINS),
      // Set by the host when it runs the shared speech service (worker/tts/speech-service.ts).
      ...(speechSocket ? { speechSocket } : {}),
      ...(thread ? { renderThread: thread } : {}),
      onRenderStatus: (status) => {
        if (sessionId) void send({ case: 'sessionStatus', value: { sessionId, ...status } });
      },
      onEvent: (event) => {
        if (sessionId)
          void send({ case: 'sessionEvent', value: { sessionId, at: Date.now(), event } });
      },
    });
  } catch (error) {
    sessionLog.error({ err: error }, 'session start failed');
    await send({
      case: 'sessionFailed',
      value: {
        sessionId,
        message: error instanceof Error ? error.message : String(error),
        // Errors from the render thread arrive as plain Errors that keep their name.
        ...(error instanceof Error && error.name === 'FrameStoreError'
          ? { code: 'avatar_store_invalid' as const }
          : {}),
      },
    });
    sessionId = undefined;
    await thread?.close();
    // A failed start may leave native state half built: never reuse this process.
    await exit('start failed', 1);
    return;
  }
  const startupMs = Math.round(performance.now() - started);
  sessionLog.info({ startupMs }, 'session started');
  await send({ case: 'sessionStarted', value: { sessionId, startupMs } });
  const running = session;
  const id = sessionId;
  const stats = setInterval(() => {
    void send({ case: 'sessionStats', value: { sessionId: id, ...running.takeStats() } });
  }, STATS_INTERVAL_MS);
  const { reason, connectionLost } = await running.ended;
  clearInterval(stats);
  session = undefined;
  sessionId = undefined;
  if (exiting) return;
  sessionLog.info({ reason, connectionLost }, 'session ended, process idle');
  await send({ case: 'sessionEnded', value: { sessionId: id, reason, connectionLost } });
  const warmStarted = performance.now();
  await prewarm();
  if (exiting) return;
  const warmupMs = Math.round(performance.now() - warmStarted);
  await send({ case: 'ready', value: { pid: process.pid, warmupMs } });
}

function handle(message: ParentMessage) {
  armOrphanTimer();
  switch (message.case) {
    case 'startSession':
      void handleStart(message.value);
      break;
    case 'ping':
      void send({ case: 'pong', value: { timestampMs: message.value.timestampMs } });
      break;
    case 'stopSession':
      if (session) void session.stop(message.value.reason);
      else void send({ case: 'ready', value: { pid: process.pid, warmupMs: 0 } });
      break;
    case 'shutdown':
      void exit(message.value.reason, 0);
      break;
    default:
      assertNever(message);
  }
}

process.on('message', (raw: unknown) => {
  const parsed = parentMessageSchema.safeParse(raw);
  if (!parsed.success) {
    log.warn({ issues: parsed.error.issues.length }, 'invalid message from host ignored');
    return;
  }
  handle(parsed.data);
});

// The IPC channel closing means the host is gone: nobody will ever stop us.
process.on('disconnect', () => void exit('host disconnected', 1));
// Ctrl-C reaches the whole process group; the host owns shutdown and will ask us to stop.
process.on('SIGINT', () => log.debug('SIGINT ignored, host owns shutdown'));
process.on('SIGTERM', () => void exit('SIGTERM', 0));

armOrphanTimer();
void prewarm().then(() => {
  if (exiting) return;
  // Since the process started: module loading (runtime, renderer, speech) and the render
  // thread's start are the warm-up.
  const warmupMs = Math.round(process.uptime() * 1000);
  void send({ case: 'ready', value: { pid: process.pid, warmupMs } });
  log.debug({ warmupMs }, 'session process ready');
});
