// Loaded with `node --import` into a measured process: reports its peak RSS on exit.
process.on('exit', () => process.stderr.write(`\nbench-maxrss-kb=${process.resourceUsage().maxRSS}\n`));
