/**
 * Entry point of the speech service process, forked once per host by speech-service.ts. It
 * serves Flite synthesis on the Unix socket given in FACECAST_SPEECH_SOCKET, says `ready` over
 * IPC, and exits when the host goes away.
 */
import { workerEnvSchema } from '../env';
import { createLogger } from '../log';
import { startSpeechServer } from './speech-server';

const log = createLogger({
  name: 'speech',
  level: workerEnvSchema.shape.LOG_LEVEL.catch('info').parse(process.env.LOG_LEVEL),
});

const socketPath = process.env.FACECAST_SPEECH_SOCKET;
const threads = Number(process.env.FACECAST_SPEECH_THREADS ?? '1');
if (!process.send || !socketPath || !Number.isInteger(threads) || threads < 1) {
  log.fatal(
    'speech service needs an IPC channel, FACECAST_SPEECH_SOCKET and FACECAST_SPEECH_THREADS',
  );
  process.exit(1);
}

const server = await startSpeechServer({ socketPath, threads, log });
const stop = () => {
  void server.close().finally(() => process.exit(0));
};
// The IPC channel closing means the host is gone.
process.on('disconnect', stop);
process.on('SIGTERM', stop);
// Ctrl-C reaches the whole process group; the host owns shutdown.
process.on('SIGINT', () => undefined);
process.send({ case: 'ready' });
log.debug({ socketPath, threads }, 'speech service ready');
