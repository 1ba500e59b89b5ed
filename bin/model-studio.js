#!/usr/bin/env node
// Runs the bundled CLI when it is built (npm run build), else the TypeScript source through tsx,
// so that `npx model-studio` works straight from a checkout.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const dist = join(__dirname, '..', 'dist', 'cli.js');
let cli;
if (existsSync(dist)) {
  cli = require(dist);
} else {
  // Both hooks: the CLI loads its commands with dynamic import(), which goes through the ESM loader.
  require('tsx/cjs/api').register();
  require('tsx/esm/api').register();
  cli = require(join(__dirname, '..', 'src', 'cli.ts'));
}
cli.main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
