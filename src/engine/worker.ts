/**
 * The training worker process (bundled to dist/worker.js; forked by SessionManager). One session per process:
 * a native crash, an out-of-memory GPU or a hung kernel takes down this process only, and the host can always
 * kill it. Messages are validated on arrival; unknown ones are dropped.
 */
import { parseHostToWorker, type WorkerToHost } from '../protocol/worker';
import { failure, runJob } from './job';
import { TrainingControl } from './control';

const control = new TrainingControl();
let started = false;

function send(m: WorkerToHost): void {
  if (process.connected) process.send?.(m);
}

/** Send, then exit once the message is flushed to the parent. */
function finish(m: WorkerToHost, code: number): void {
  if (!process.connected) process.exit(code);
  process.send?.(m, () => {
    process.disconnect();
    process.exit(code);
  });
}

process.on('message', (raw) => {
  const msg = parseHostToWorker(raw);
  if (!msg) return;
  switch (msg.type) {
    case 'start':
      if (started) return;
      started = true;
      control.watching = msg.watching === true;
      runJob(msg.job, send, control).then(
        (done) => finish(done, 0),
        (e) => finish(failure(e), 1),
      );
      return;
    case 'pause':
      control.pause();
      send({ type: 'state', state: 'paused' });
      return;
    case 'resume':
      control.resume();
      send({ type: 'state', state: 'running' });
      return;
    case 'stop':
      control.stop(msg.keep ?? 'batch');
      send({ type: 'state', state: 'stopping' });
      return;
    case 'frames':
      control.watching = msg.on;
      return;
  }
});

process.on('uncaughtException', (e) => finish(failure(e), 1));
process.on('unhandledRejection', (e) => finish(failure(e), 1));
// The host went away (VS Code closed): nothing to report to, stop at once.
process.on('disconnect', () => {
  if (started) process.exit(0);
});

send({ type: 'ready', pid: process.pid });
