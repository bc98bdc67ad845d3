import type { Address } from 'viem';
import { type SessionKeyGrant, parseSessionKeyGrant, serializeSessionKeyGrant } from '@leash/sdk';

/** A grant this browser issued: the grant's JSON (as handed over) and when it was signed. */
export type LocalGrant = { grant: SessionKeyGrant; json: string; tag: string; issuedAt: number };

const storageKey = 'leash:web:grants';
const changedEvent = 'leash:local-grants';

type Stored = { json: string; tag: string; issuedAt: number };

function readStored(): Stored[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
    return Array.isArray(parsed) ? (parsed as Stored[]) : [];
  } catch {
    return [];
  }
}

function writeStored(grants: Stored[]): void {
  localStorage.setItem(storageKey, JSON.stringify(grants));
  window.dispatchEvent(new Event(changedEvent));
}

/** The grants this browser issued for `account`, newest first (an entry that no longer parses is skipped). */
export function listLocalGrants(account: Address): LocalGrant[] {
  return readStored()
    .flatMap((stored) => {
      try {
        return [{ ...stored, grant: parseSessionKeyGrant(stored.json) }];
      } catch {
        return [];
      }
    })
    .filter(({ grant }) => grant.account.toLowerCase() === account.toLowerCase())
    .sort((a, b) => b.issuedAt - a.issuedAt);
}

/** Keeps a grant this browser issued; returns its JSON. */
export function saveLocalGrant(grant: SessionKeyGrant, tag: string): LocalGrant {
  const json = serializeSessionKeyGrant(grant);
  const entry = { json, tag, issuedAt: Date.now() };
  writeStored([...readStored().filter((stored) => stored.json !== json), entry]);
  return { ...entry, grant };
}

/** Forgets a grant (used, or no longer wanted). */
export function forgetLocalGrant(json: string): void {
  writeStored(readStored().filter((stored) => stored.json !== json));
}

/** The grant this browser issued for a key of `account`, if any (the demo app's first op carries it). */
export function findLocalGrant(account: Address, sessionKey: Address): SessionKeyGrant | undefined {
  return listLocalGrants(account).find(({ grant }) => grant.sessionKey.toLowerCase() === sessionKey.toLowerCase())?.grant;
}

/** The event fired when the stored grants change. */
export const localGrantsChangedEvent = changedEvent;
