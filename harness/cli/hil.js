#!/usr/bin/env node
// The `hil` command: loads the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
// Before anything can print: every byte hil writes to the terminal, and a crash's trace, has the
// lab file's secrets masked (harness/secrets/scrubber.ts).
const { scrubCrashes, scrubTerminal } = await import('../secrets/terminal.ts');
scrubTerminal();
scrubCrashes();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
