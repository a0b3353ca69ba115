#!/usr/bin/env node
import module from 'node:module';
import v8 from 'node:v8';

// A run is short: V8 spends more optimising the code that gets warm than the optimised code gives
// back before the process ends. On Node 20 (V8 11), four times V8's default budget before a function
// is considered for its optimising compiler (66 KB of bytecode run) keeps that work for the code
// that is really hot: OKX's first run 2.20 -> 2.05 s wall, 3.09 -> 2.55 s CPU (12 interleaved
// pairs), the system spec's 0.81 -> 0.74 s. Set before any code is taken from a cache (whose
// entries V8 keys by its flags); an --interrupt-budget given to node itself stands. V8 12+ (Node 22,
// 24) counts calls instead and has no such flag (setting it would print "unrecognized flag"): there
// nothing is changed.
const v8Major = Number(process.versions.v8.split('.')[0]);
if (v8Major < 12 && !process.execArgv.some((arg) => /^--interrupt[-_]budget=/.test(arg))) v8.setFlagsFromString(`--interrupt-budget=${264 * 1024}`);

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
