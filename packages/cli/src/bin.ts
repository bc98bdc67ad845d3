import { Command } from 'commander';
import { LeashError } from '@leash/sdk';
import { registerDeploy } from './commands/deploy.js';
import { registerUp } from './commands/up.js';
import { paint } from './output.js';

const program = new Command()
  .name('leash')
  .description('Session keys for ERC-4337 smart accounts')
  .version('0.1.0')
  .showHelpAfterError();

registerUp(program);
registerDeploy(program);

try {
  await program.parseAsync();
} catch (error) {
  const message = error instanceof LeashError ? error.message : error instanceof Error ? error.message : String(error);
  console.error(`${paint('red', 'error:')} ${message}`);
  process.exitCode = 1;
}
