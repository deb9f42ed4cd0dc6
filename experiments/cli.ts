#!/usr/bin/env node
// The `relax-pg` command. Modules are imported inside the guard so that any
// user mistake — even a bad $RELAX_PG_BACKEND read at tfjs start-up — ends as
// one line on stderr and a non-zero exit, never a stack trace.
import { UserError } from '../src/errors.js';

try {
  const { main } = await import('./cli/main.js');
  await main(process.argv);
} catch (error) {
  if (error instanceof UserError) {
    process.stderr.write(`relax-pg: ${error.message.split('\n')[0]}\n`);
    process.exitCode = 2;
  } else if ((error as { code?: string }).code?.startsWith?.('commander.')) {
    // commander has already printed its one-line message.
    process.exitCode = (error as { exitCode?: number }).exitCode ?? 2;
  } else {
    process.stderr.write(`relax-pg: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
