import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tagText, toTag } from '../../src/actions/internal/tag.js';

describe('session key tags', () => {
  it('reads back text whose last character ends in a zero hex digit (p is 0x70, 0 is 0x30)', () => {
    for (const text of ['tipping-app', 'v0', 'APP', 'x@', 'a p', 'P'.repeat(31)]) expect(tagText(toTag(text))).toBe(text);
  });

  it('reads back any printable ASCII text of up to 31 characters', () => {
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 31 }), (text) => tagText(toTag(text)) === text));
  });

  it('gives an empty text for no tag and none for binary tags', () => {
    expect(tagText(toTag(''))).toBe('');
    expect(tagText(`0x01${'00'.repeat(31)}`)).toBeUndefined();
  });
});
