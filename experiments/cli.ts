#!/usr/bin/env node
// The `relax-pg` command. Modules are imported inside the guard so that any
// user mistake — even a bad $RELAX_PG_BACKEND read at tfjs start-up — ends as
// one line on stderr and a non-zero exit, never a stack trace.
import { UserError } from '../src/errors.js';

// `relax-pg list | head -1`: a reader that went away is not an error. Later
// writes are dropped and the command ends normally (exit 0, work kept).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  process.stderr.write(`relax-pg: cannot write to stdout: ${error.message}\n`);
  process.exitCode = 1;
});

const firstLine = (s: string) => s.split('\n')[0];

try {
  const { main } = await import('./cli/main.js');
  await main(process.argv);
} catch (error) {
  if (error instanceof UserError) {
    process.stderr.write(`relax-pg: ${firstLine(error.message)}\n`);
    process.exitCode = 2;
  } else if ((error as { code?: string }).code?.startsWith?.('commander.')) {
    // commander has already printed its one line (or the help/version asked for).
    // Its mistakes (unknown option, missing argument) are the user's: exit 2 like ours.
    process.exitCode = (error as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  } else {
    // One line; the stack only when asked for (RELAX_PG_DEBUG=1).
    const e = error instanceof Error ? error : new Error(String(error));
    const message = `${e.name}: ${e.message}`;
    const hint = process.env.RELAX_PG_DEBUG ? `\n${e.stack}` : ' (RELAX_PG_DEBUG=1 shows the stack)';
    process.stderr.write(`relax-pg: internal error: ${firstLine(message)}${hint}\n`);
    process.exitCode = 1;
  }
}
