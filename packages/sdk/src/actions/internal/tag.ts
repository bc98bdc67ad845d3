import { type Hex, bytesToString, hexToBytes, isHex, size, stringToHex } from 'viem';
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
    // Trailing zero bytes are padding (viem's trim() works on hex digits: it would cut the 0 of "p", 0x70).
    const bytes = hexToBytes(tag);
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    const text = bytesToString(bytes.subarray(0, end));
    return /^[\x20-\x7e\u00a0-\uffff]+$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
