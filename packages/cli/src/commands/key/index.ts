import type { Command } from 'commander';
import { registerGrant } from './grant.js';
import { registerLifecycle } from './lifecycle.js';
import { registerRead } from './read.js';
import { registerSignGrant } from './signGrant.js';

/** `leash key …`: add, list, show, update, rotate, remove and revoke session keys. */
export function registerKey(program: Command): void {
  const key = program.command('key').description('manage the account\'s session keys');
  registerGrant(key);
  registerSignGrant(key);
  registerRead(key);
  registerLifecycle(key);
}
