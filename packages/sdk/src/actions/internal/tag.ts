import { type Hex, hexToString, isHex, size, stringToHex, trim } from 'viem';
import { LeashError } from '../../errors/LeashError.js';

/** A key's tag as the module stores it (bytes32): a 32-byte hex as is, text as UTF-8 padded to 32 bytes. */
export function toTag(tag: Hex | string | undefined): Hex {
  if (tag === undefined || tag === '') return `0x${'00'.repeat(32)}`;
  if (isHex(tag)) {
    if (size(tag) !== 32) throw new LeashError(`A hex tag must be 32 bytes, not ${size(tag)}.`);
    return tag;
  }
  if (new TextEncoder().encode(tag).length > 31) throw new LeashError(`Tag "${tag}" is longer than 31 bytes.`);
  return stringToHex(tag, { size: 32 });
}

/** The tag as text when it is printable UTF-8 padded with zeros, else undefined. */
export function tagText(tag: Hex): string | undefined {
  if (/^0x0*$/.test(tag)) return '';
  try {
    const text = hexToString(trim(tag, { dir: 'right' }));
    return /^[\x20-\x7e\u00a0-\uffff]+$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
