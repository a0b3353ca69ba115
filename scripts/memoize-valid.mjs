// Part of scripts/build-asyncapi-validators.mjs: makes an ajv standalone validator remember, for
// one call, which objects each of its functions found valid, and answer those again at once.
//
// Why: the `asyncapi-document-resolved` rule checks the resolved document, in which every use of a
// `$ref` is the same object. A schema or message used in forty places was checked forty times, the
// same way: for OKX's document that was 130 ms of the 220 ms the rule took; remembered, 20 ms.
//
// Why the answer is the same: in these validators a function's verdict on an object depends on
// that object alone (the code never reads `rootData` or `parentData`, which it only passes on,
// and has no `$data`, dynamic or unevaluated keywords), and nothing changes the document while it
// is checked (the build refuses code that writes to it). Only "valid" is remembered: a function
// that finds errors runs in full every time, so every error is reported at each of its places, as
// before. What is remembered is forgotten when the next call starts. The build fails if ajv's
// output does not have the shape this relies on.
const HEADER = /function (validate\d+)\(data, \{instancePath="", parentData, parentDataProperty, rootData=data\}=\{\}\)\{/g;
const END = /(validate\d+)\.errors = vErrors;return errors === 0;\}/g;
const EXPORTS = /^"use strict";module\.exports = (validate\d+);module\.exports\.default = \1;/;

export function memoizeValid(code) {
  const names = [...code.matchAll(HEADER)].map((m) => m[1]);
  const ends = [...code.matchAll(END)].map((m) => m[1]);
  const entry = EXPORTS.exec(code)?.[1];
  const functions = (code.match(/\bfunction validate\d+\(/g) ?? []).length;
  if (entry === undefined || names.length === 0 || names.length !== functions || ends.sort().join() !== [...names].sort().join())
    throw new Error('memoize-valid: ajv standalone code is not in the shape this build expects (see scripts/memoize-valid.mjs)');
  // A validator that writes to the data (useDefaults, removeAdditional, coerceTypes) changes what
  // another function already found valid.
  if (/\bdata\d*(\.[\w$]+|\[[^\]]+\])\s*=[^=]|\bdelete\s+data|parentData\[/.test(code))
    throw new Error('memoize-valid: a validator writes to the data; what it found valid may not stay so');
  // Outside the headers, each appears only as passed on to a call: `{..., parentData:data1, parentDataProperty:"x", rootData}`.
  if (/rootData(?!\})|parentData(?![:,]|Property)|parentDataProperty(?![:,])/.test(code.replace(HEADER, '')))
    throw new Error('memoize-valid: a validator reads rootData or parentData; its verdicts depend on more than the object');
  const body = code
    .replace(EXPORTS, '"use strict";module.exports = $entry;module.exports.default = $entry;')
    .replace(
      HEADER,
      (header, name) =>
        `let ${name}$ok = new WeakSet();${header}if(data !== null && typeof data == "object" && ${name}$ok.has(data)){${name}.errors = null;return true;}`,
    )
    .replace(
      END,
      (_end, name) => `${name}.errors = vErrors;if(errors === 0 && data !== null && typeof data == "object"){${name}$ok.add(data);}return errors === 0;}`,
    );
  return `${body}
function $entry(data, options) {${names.map((n) => `${n}$ok = new WeakSet();`).join('')}const valid = ${entry}(data, options);$entry.errors = ${entry}.errors;return valid;}
`;
}
