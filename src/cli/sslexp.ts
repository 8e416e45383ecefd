/**
 * The `sslexp` process (dist/cli.js): runs {@link main} on the command line's arguments with
 * stdout and stderr as its output, and sets the exit status. Kept apart from main.ts so that
 * tests and other code can run the commands in-process.
 */
import { main } from './main';

/**
 * A writer that goes quiet once its reader has gone (EPIPE, e.g. `sslexp … | head -1`):
 * the command still finishes and exits with its own status, without a stack trace.
 */
function pipeWriter(stream: NodeJS.WriteStream): (s: string) => void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed = true;
    else process.exitCode = process.exitCode || 1;
  });
  return (s: string) => {
    if (closed) return;
    try {
      stream.write(s + '\n');
    } catch {
      closed = true;
    }
  };
}

main(process.argv.slice(2), { out: pipeWriter(process.stdout), err: pipeWriter(process.stderr) }).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`sslexp: internal error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
