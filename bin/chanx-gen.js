#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+: V8 keeps the code it compiled for chanx-gen, the parser and Spectral between runs (in
// the OS temp folder, or NODE_COMPILE_CACHE), and a later start skips compiling it again. It checks
// each file's content itself; on older Node there is no such cache and nothing changes.
module.enableCompileCache?.();
const { run } = await import('../dist/cli.js');

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
