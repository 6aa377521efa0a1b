import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nodes = Object.entries(pkg['node-red'].nodes as Record<string, string>);

function lookup(catalog: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], catalog);
}

describe('package', () => {
  it('declares what Node-RED and npm need', () => {
    assert.equal(pkg.name, 'node-red-contrib-audio-capture');
    assert.equal(pkg['node-red'].version, '>=4.1.0');
    assert.equal(pkg.engines.node, '>=20.15', 'zlib.crc32, which the Pico link needs');
    assert.ok(pkg.keywords.includes('node-red'));
    assert.ok(pkg.repository?.url && pkg.license);
    assert.ok(pkg.optionalDependencies.naudiodon, 'naudiodon is optional');
    assert.deepEqual(nodes.map(([type]) => type).sort(), ['button-trigger', 'mic-in', 'pico-device', 'sd-card', 'sd-store', 'wav-writer']);
  });
});

for (const [type, file] of nodes) {
  describe(`${type} editor files`, () => {
    const js = join(root, file);
    const dir = dirname(js);
    const html = readFileSync(join(dir, `${type}.html`), 'utf8');
    const catalog = JSON.parse(readFileSync(join(dir, 'locales/en-US', `${type}.json`), 'utf8'));
    const runtime = readFileSync(join(root, 'src/nodes', type, `${type}.ts`), 'utf8');
    // A config node (sd-card) takes no messages and has no icon on the canvas.
    const configNode = html.includes("category: 'config'");

    it('has a built .js and a readable .html beside it with a literal registerType', () => {
      assert.ok(existsSync(js));
      assert.match(html, new RegExp(`RED\\.nodes\\.registerType\\('${type}', \\{`));
      assert.match(html, new RegExp(`<script type="text/html" data-template-name="${type}">`));
      assert.ok(html.split('\n').length > 50, 'not minified');
    });

    it(configNode ? 'has help with Details' : 'has help with Inputs, Outputs and Details', () => {
      const help = html.slice(html.indexOf(`data-help-name="${type}"`));
      for (const section of configNode ? ['Details'] : ['Inputs', 'Outputs', 'Details']) assert.match(help, new RegExp(`<h3>${section}</h3>`));
      if (!configNode) assert.match(help, /<dl class="message-properties">/);
    });

    if (!configNode) {
      it('ships the icon it names', () => {
        const icon = /icon: '([^']+)'/.exec(html)?.[1];
        assert.ok(icon && existsSync(join(dir, 'icons', icon)), `icon ${icon}`);
      });
    }

    it('has a locale string for every key the editor and the runtime use', () => {
      const keys = new Set<string>();
      for (const source of [html, runtime]) {
        for (const match of source.matchAll(new RegExp(`['"\\]](${type}\\.[A-Za-z]+\\.[A-Za-z0-9_.]+)['"]`, 'g'))) keys.add(match[1]!);
      }
      assert.ok(keys.size > 10, `found ${keys.size} keys`);
      for (const key of keys) assert.equal(typeof lookup(catalog, key), 'string', `missing locale string ${key}`);
    });
  });
}
