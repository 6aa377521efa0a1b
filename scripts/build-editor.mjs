// Generates each node's editor .html beside its built .js (readable, with a literal
// RED.nodes.registerType call that node-red-dev validate can read) and copies the node's
// locales and icons next to it, where Node-RED looks for them.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function indent(text) {
  return text.trimEnd().split('\n').map((line) => (line ? `    ${line}` : line)).join('\n');
}

for (const type of readdirSync(join(root, 'src/nodes'))) {
  const source = join(root, 'src/nodes', type);
  const editor = join(source, 'editor');
  if (!existsSync(editor)) continue;
  const read = (name) => readFileSync(join(editor, name), 'utf8');
  const html = [
    `<script type="text/javascript">\n${indent(read(`${type}.editor.js`))}\n</script>`,
    `<script type="text/html" data-template-name="${type}">\n${indent(read('template.html'))}\n</script>`,
    `<script type="text/html" data-help-name="${type}">\n${indent(read('help.html'))}\n</script>`,
  ].join('\n\n');
  const target = join(root, 'dist/nodes', type);
  writeFileSync(join(target, `${type}.html`), `${html}\n`);
  for (const folder of ['locales', 'icons']) {
    if (existsSync(join(source, folder))) cpSync(join(source, folder), join(target, folder), { recursive: true });
  }
}
