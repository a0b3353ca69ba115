/**
 * The handlebars templates, compiled once per process, and the only helpers they may use.
 * Templates lay text out; every name, import list and escaped string is computed before rendering.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

const TEMPLATE_DIR = new URL('../../templates/', import.meta.url);

const hbs = Handlebars.create();
// Code is not HTML: nothing is HTML-escaped. Views carry strings already escaped for their context.
const compiled = new Map<string, HandlebarsTemplateDelegate>();

export type TemplateName =
  | 'messages.ts'
  | 'validators.ts'
  | 'handlers.ts'
  | 'router.ts'
  | 'consumer.ts'
  | 'consumer-method'
  | 'server.ts'
  | 'client.ts'
  | 'client-validators.ts'
  | 'playground.html'
  | 'topic-handlers.ts'
  | 'topic.ts';

export function render(name: TemplateName, view: object): string {
  let template = compiled.get(name);
  if (template === undefined) {
    const source = readFileSync(new URL(`${name}.hbs`, TEMPLATE_DIR), 'utf8');
    template = hbs.compile(source, { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return tidy(template(view));
}

/** At most one blank line in a row, none at the start, exactly one newline at the end. */
function tidy(text: string): string {
  return `${text
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .trimEnd()}\n`;
}
