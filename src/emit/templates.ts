/**
 * The handlebars templates, compiled once per process, and the only helpers they may use.
 * Templates lay text out; every name, import list and escaped string is computed before rendering.
 *
 * `npm run build` precompiles them (scripts/build-templates.mjs, dist/templates.cjs): a run then
 * needs only handlebars' runtime. A template whose source differs from the one precompiled (edited
 * since the build) is compiled here, with the full handlebars, loaded only then.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TEMPLATE_OPTIONS } from './template-options.js';

const TEMPLATE_DIR = new URL('../../templates/', import.meta.url);
const PRECOMPILED = new URL('../../dist/templates.cjs', import.meta.url);
const require = createRequire(import.meta.url);

type Template = (view: object) => string;
interface Precompiled {
  readonly source: string;
  readonly spec: object;
}
/** dist/templates.cjs: the templates, and what made them. */
interface Built {
  readonly made: { readonly handlebars: string; readonly options: string };
  readonly templates: Readonly<Record<string, Precompiled>>;
}
/** The runtime of handlebars: what a precompiled template needs. */
interface Runtime {
  template(spec: object): Template;
}
interface Compiler extends Runtime {
  compile(source: string, options: typeof TEMPLATE_OPTIONS): Template;
}

const compiled = new Map<string, Template>();
let precompiled: Readonly<Record<string, Precompiled>> | undefined;
let runtime: Runtime | undefined;
let compiler: Compiler | undefined;

export type TemplateName =
  | 'messages.ts'
  | 'validators.ts'
  | 'handlers.ts'
  | 'router.ts'
  | 'consumer.ts'
  | 'consumer-method'
  | 'consumer.test.ts'
  | 'server.ts'
  | 'client.ts'
  | 'client-validators.ts'
  | 'playground.html'
  | 'topic-handlers.ts'
  | 'topic.ts';

export function render(name: TemplateName, view: object): string {
  let template = compiled.get(name);
  if (template === undefined) {
    template = load(name, readFileSync(new URL(`${name}.hbs`, TEMPLATE_DIR), 'utf8'));
    compiled.set(name, template);
  }
  return tidy(template(view));
}

/** The template `name` made of `source`: the precompiled one when built from this very source. Exported for tests. */
export function load(name: string, source: string): Template {
  const built = (precompiled ??= readPrecompiled())[name];
  if (built !== undefined && built.source === source) {
    runtime ??= (require('handlebars/runtime') as { default: { create(): Runtime } }).default.create();
    return runtime.template(built.spec); // (made by this handlebars: readPrecompiled checks)
  }
  compiler ??= (require('handlebars') as { create(): Compiler }).create();
  return compiler.compile(source, { ...TEMPLATE_OPTIONS }); // handlebars writes to its options;
}

/**
 * What `npm run build` precompiled, when it was made by the handlebars installed now with the options
 * of this code; nothing otherwise, or when the build has not run (the sources are compiled then).
 */
function readPrecompiled(): Readonly<Record<string, Precompiled>> {
  try {
    const built = require(fileURLToPath(PRECOMPILED)) as Built;
    const { version } = require('handlebars/package.json') as { version: string };
    if (built.made.handlebars !== version || built.made.options !== JSON.stringify(TEMPLATE_OPTIONS)) return {};
    return built.templates;
  } catch {
    return {};
  }
}

/** At most one blank line in a row, none at the start, exactly one newline at the end. */
function tidy(text: string): string {
  return `${text
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .trimEnd()}\n`;
}
