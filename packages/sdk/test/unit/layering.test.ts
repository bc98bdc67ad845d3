import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.resolve(import.meta.dirname, '../../src');

/** The relative imports of every file in a folder of src, as `file -> imported path` (resolved inside src). */
function importsOf(folder: string): string[] {
  return fs.readdirSync(path.join(src, folder), { recursive: true, encoding: 'utf8' }).flatMap((file) => {
    if (!file.endsWith('.ts')) return [];
    const text = fs.readFileSync(path.join(src, folder, file), 'utf8');
    return [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => `${folder}/${file} -> ${path.relative(src, path.resolve(src, folder, path.dirname(file), m[1]!))}`);
  });
}

describe('layering', () => {
  it('session/ and clients/ do not import each other', () => {
    expect(importsOf('session').filter((line) => / -> clients\//.test(line))).toEqual([]);
    expect(importsOf('clients').filter((line) => / -> session\//.test(line))).toEqual([]);
  });

  it('the session key actions, the planner and the reader know accounts only through the capability', () => {
    const offenders = [...importsOf('actions'), ...importsOf('session'), ...importsOf('lens')].filter((line) =>
      / -> (clients\/|account\/toLeashSmartAccount|generated\/LeashAccount\.js)/.test(line),
    );
    expect(offenders).toEqual([]);
  });
});
