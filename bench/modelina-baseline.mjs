// The anchor for generation: @asyncapi/parser plus @asyncapi/modelina's TypeScript generator,
// types only, written to a folder. Usage: node bench/modelina-baseline.mjs <spec> <outDir>
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';
import { TypeScriptGenerator } from '@asyncapi/modelina';

const [spec, out] = process.argv.slice(2);
const { document, diagnostics } = await fromFile(new Parser(), spec).parse();
if (!document) throw new Error(diagnostics.map((d) => d.message).join('\n'));
const models = await new TypeScriptGenerator({ modelType: 'interface' }).generate(document);
mkdirSync(out, { recursive: true });
for (const m of models) writeFileSync(path.join(out, `${m.modelName || 'Model'}.ts`), m.result);
