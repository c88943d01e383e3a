#!/usr/bin/env node
// Entry point of the `distillery` command. The sources are TypeScript and
// run through tsx, so a checkout works straight after `npm ci` with no build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
