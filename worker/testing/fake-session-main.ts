/**
 * A stand-in session process for host tests: speaks the real IPC protocol (ready, pong,
 * sessionStarted, shutdown) without joining LiveKit. FAKE_SESSION_MODE changes behaviour:
 * `hang` never answers pings (tests the heartbeat kill), `fail` reports sessionFailed,
 * `store` reports a damaged avatar frame store, `crash` exits 1 a moment after starting and
 * `hang-after-start` stops answering pings once started, and `lost` ends its session as a
 * LiveKit server restart does (connectionLost, with a turn queued) and says `ready` (the
 * first time only: FAKE_SESSION_CRASH_FILE marks that it happened). Started sessions
 * report the builtin renderer and stats; `shutdown` ends the session and the process says
 * `ready` again (recycled) unless the host asked for the process to exit.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { assertNever, parentMessageSchema, type ChildMessage } from '../ipc/ipc';

const mode = process.env.FAKE_SESSION_MODE ?? 'ok';
let current: string | undefined;
let silent = false;

function send(message: ChildMessage) {
  process.send?.(message);
}

process.on('message', (raw: unknown) => {
  const message = parentMessageSchema.parse(raw);
  switch (message.case) {
    case 'startSession':
      if (mode === 'fail' || mode === 'store') {
        send({
          case: 'sessionFailed',
          value: {
            sessionId: message.value.request.sessionId,
            message: 'fake failure',
            ...(mode === 'store' ? { code: 'avatar_store_invalid' as const } : {}),
          },
        });
        setTimeout(() => process.exit(1), 50);
      } else {
        send({
          case: 'sessionStatus',
          value: { sessionId: message.value.request.sessionId, renderer: 'builtin' },
        });
        send({
          case: 'sessionStarted',
          value: { sessionId: message.value.request.sessionId, startupMs: 1 },
        });
        const sessionId = message.value.request.sessionId;
        current = sessionId;
        send({
          case: 'sessionStats',
          value: {
            sessionId,
            framesRendered: 25,
            framesDropped: 0,
            renderMs: [2, 3],
            quality: { fps: 25, widthPx: 512, heightPx: 512, degraded: false },
          },
        });
        const crashFile = process.env.FAKE_SESSION_CRASH_FILE;
        const firstTime = crashFile !== undefined && !existsSync(crashFile);
        if (firstTime && (mode === 'crash' || mode === 'hang-after-start')) {
          writeFileSync(crashFile, String(process.pid));
          if (mode === 'crash') {
            // Mid-sentence: one turn playing, one queued behind it, one already over.
            const at = Date.now();
            for (const event of [
              { type: 'speech.queued', turnId: 't1', text: 'Hello there.' },
              { type: 'speech.started', turnId: 't1', text: 'Hello there.', startedAt: at },
              { type: 'speech.queued', turnId: 't2', text: 'And more.' },
              { type: 'speech.queued', turnId: 't0', text: 'Short.' },
              {
                type: 'speech.ended',
                turnId: 't0',
                text: 'Short.',
                interrupted: false,
                startedAt: at,
                endedAt: at,
              },
            ] as const) {
              send({ case: 'sessionEvent', value: { sessionId, at, event } });
            }
            setTimeout(() => process.exit(1), 100);
          } else silent = true;
        }
        if (firstTime && mode === 'lost') {
          writeFileSync(crashFile, String(process.pid));
          const at = Date.now();
          const event = { type: 'speech.queued', turnId: 't1', text: 'Hello there.' } as const;
          send({ case: 'sessionEvent', value: { sessionId, at, event } });
          setTimeout(() => {
            current = undefined;
            send({
              case: 'sessionEnded',
              value: { sessionId, reason: 'disconnected:SERVER_SHUTDOWN', connectionLost: true },
            });
            send({ case: 'ready', value: { pid: process.pid, warmupMs: 0 } });
          }, 100);
        }
        if (mode === 'end') {
          setTimeout(() => {
            current = undefined;
            send({ case: 'sessionEnded', value: { sessionId, reason: 'room deleted' } });
            send({ case: 'ready', value: { pid: process.pid, warmupMs: 0 } });
          }, 100);
        }
      }
      break;
    case 'ping':
      if (mode !== 'hang' && !silent) send({ case: 'pong', value: message.value });
      break;
    case 'stopSession':
      if (current) {
        send({ case: 'sessionEnded', value: { sessionId: current, reason: message.value.reason } });
        current = undefined;
      }
      send({ case: 'ready', value: { pid: process.pid, warmupMs: 0 } });
      break;
    case 'shutdown':
      process.exit(0);
      break;
    default:
      assertNever(message);
  }
});
process.on('disconnect', () => process.exit(1));
send({ case: 'ready', value: { pid: process.pid, warmupMs: 0 } });
