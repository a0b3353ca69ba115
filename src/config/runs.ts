/**
 * What one command line asks for, with the project's configuration applied: one run per document.
 * Flags override the configuration; a spec named on the command line that the configuration lists
 * runs with that document's options (and from its folder, so that headers stay the same bytes).
 */
import path from 'node:path';
import type { PipelineOptions } from '../pipeline.js';
import { findProjectConfig, CONFIG_FILE, PACKAGE_FIELD } from './project-config.js';

export interface RunFlags {
  out?: string;
  discriminator?: string;
}

export interface PlannedRun {
  /** Folder the run works in (displayed paths are relative to it). */
  cwd: string;
  options: PipelineOptions;
}

/** The runs, or a one-line reason there are none; throws InputError for a bad configuration. */
export function plannedRuns(spec: string | undefined, flags: RunFlags, cwd: string, styleWarnings: boolean): PlannedRun[] | string {
  const config = findProjectConfig(cwd);
  const from = (dir: string, p: string): string => path.relative(dir, path.resolve(cwd, p)) || '.';
  const run = (dir: string, s: string, out: string, discriminator: string | undefined): PlannedRun => ({
    cwd: dir,
    options: { spec: s, out, cwd: dir, styleWarnings, ...(discriminator !== undefined ? { discriminator } : {}) },
  });

  if (spec !== undefined) {
    const listed = config?.documents.find((d) => path.resolve(config.dir, d.spec) === path.resolve(cwd, spec));
    if (config === undefined || listed === undefined) return [run(cwd, spec, flags.out ?? 'generated', flags.discriminator)];
    return [run(config.dir, listed.spec, flags.out !== undefined ? from(config.dir, flags.out) : listed.out, flags.discriminator ?? listed.discriminator)];
  }
  if (config === undefined) {
    return `no spec given, and no ${CONFIG_FILE} (or "${PACKAGE_FIELD}" field in package.json) here or above; pass a spec (chanx-gen asyncapi.yaml) or run chanx-gen init`;
  }
  if (flags.out !== undefined && config.documents.length > 1) {
    return `--out names one folder, but ${config.source} lists ${config.documents.length} documents; name the spec too (chanx-gen <spec> --out <dir>)`;
  }
  return config.documents.map((d) =>
    run(config.dir, d.spec, flags.out !== undefined ? from(config.dir, flags.out) : d.out, flags.discriminator ?? d.discriminator),
  );
}
