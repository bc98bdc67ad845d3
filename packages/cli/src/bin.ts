import { Command, CommanderError } from 'commander';
import { BaseError } from 'viem';
import { LeashError, SessionKeyViolationError, setLeashLogger } from '@leash/sdk';
import { registerAccount } from './commands/account.js';
import { registerDeploy } from './commands/deploy.js';
import { registerExec } from './commands/exec.js';
import { registerGrantCommands } from './commands/grant/index.js';
import { registerKey } from './commands/key/index.js';
import { registerUi } from './commands/ui.js';
import { registerUp } from './commands/up.js';
import { CliError, exitCodes } from './errors.js';
import { paint, printJson, setJsonMode } from './output.js';

const json = process.argv.includes('--json');
setJsonMode(json);
// The CLI says what the SDK's logger would (waits through exec's progress line, permission warnings as notes), and
// keeps stdout clean for --json.
setLeashLogger(undefined);

const program = new Command()
  .name('leash')
  .description('Session keys for ERC-4337 smart accounts')
  .version('0.1.0')
  .showHelpAfterError()
  // Commander's usage errors are thrown to the handler below (exit code 2) instead of exiting at once.
  .exitOverride();

registerUp(program);
registerAccount(program);
registerKey(program);
registerExec(program);
registerGrantCommands(program);
registerDeploy(program);
registerUi(program);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the message (or the help) itself.
    process.exitCode = error.exitCode === 0 ? 0 : exitCodes.usage;
  } else {
    report(error);
  }
}

/** Prints an error (as JSON with --json), with the exit code its kind calls for. */
function report(error: unknown): void {
  const exitCode =
    error instanceof CliError ? error.exitCode : error instanceof SessionKeyViolationError ? exitCodes.refused : exitCodes.error;
  const message =
    error instanceof CliError
      ? error.message
      : error instanceof LeashError
        ? error.message
        : error instanceof BaseError
          ? [error.shortMessage, error.details].filter(Boolean).join('\n')
          : error instanceof Error
            ? error.message
            : String(error);
  const hint = error instanceof CliError ? error.hint : undefined;
  process.exitCode = exitCode;
  if (json) {
    printJson({
      error: {
        name: error instanceof Error ? error.name : 'Error',
        message,
        ...(hint ? { hint } : {}),
        ...(error instanceof CliError ? error.details : {}),
        ...(error instanceof SessionKeyViolationError ? { rule: error.rule } : {}),
        exitCode,
      },
    });
    return;
  }
  console.error(`${paint('red', 'error:')} ${message}`);
  if (hint) console.error(hint);
  if (process.env.LEASH_DEBUG && error instanceof Error) console.error(error.stack);
}
