/**
 * A stand-in session process for host tests: speaks the real IPC protocol (ready, pong,
 * sessionStarted, shutdown) without joining LiveKit. FAKE_SESSION_MODE changes behaviour:
 * `hang` never answers pings (tests the heartbeat kill), `fail` reports sessionFailed,
 * `store` reports a damaged avatar frame store. Started sessions report the builtin renderer.
 */
import { assertNever, parentMessageSchema, type ChildMessage } from '../protocol/ipc';

const mode = process.env.FAKE_SESSION_MODE ?? 'ok';

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
      }
      break;
    case 'ping':
      if (mode !== 'hang') send({ case: 'pong', value: message.value });
      break;
    case 'shutdown':
      process.exit(0);
      break;
    default:
      assertNever(message);
  }
});
process.on('disconnect', () => process.exit(1));
send({ case: 'ready', value: { pid: process.pid } });
