/** How every template is compiled, at build time (scripts/build-templates.mjs) and at run time alike (pass a copy: handlebars writes to it). */
export const TEMPLATE_OPTIONS = Object.freeze({
  // Code is not HTML: nothing is HTML-escaped. Views carry strings already escaped for their context.
  noEscape: true,
  strict: true,
});
