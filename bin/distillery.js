#!/usr/bin/env node
// Entry point of the `distillery` command. The sources are TypeScript and
// run through tsx, so a checkout works straight after `npm ci` with no build.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// tsx looks for tsconfig.json in the working directory by default; the
// project's own settings (the automatic JSX runtime of the Ink UI) must
// apply wherever the command is run from.
register({
  tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
