#!/usr/bin/env node
import module from 'node:module';

// V8's code for chanx-gen and its dependencies (the parser, Spectral, ajv) is kept between runs, and
// a later start skips compiling it again. Node 22.1+ does it (in the OS temp folder, or
// NODE_COMPILE_CACHE) for every module; on Node 20, dist/code-cache.js does it for the CommonJS files
// of node_modules and of dist/, which are most of the start-up (see there for what keeps it safe).
if (typeof module.enableCompileCache === 'function') module.enableCompileCache();
else (await import('../dist/code-cache.js')).enableCodeCache();
const { run } = await import('../dist/cli.js');

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
// Exit once what was written is out ('exit' handlers, such as the caches' writes, still run): a
// process left to end on its own frees its whole heap first (OKX: ~35 ms from 'exit' to the end, ~16 ms so).
process.stdout.write('', () => process.stderr.write('', () => process.exit()));
