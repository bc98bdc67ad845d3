import fs from 'node:fs';
import { InvalidSessionKeyGrantError, type SessionKeyGrant, parseSessionKeyGrant, serializeSessionKeyGrant } from '@leash/sdk';
import { CliError, exitCodes } from '../../errors.js';

/** Reads and checks a grant file (`leash key grant --out`); a bad file is a usage error naming the field. */
export function readGrantFile(path: string): SessionKeyGrant {
  let text: string;
  try {
    text = path === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CliError(`Cannot read the grant file ${path}: ${(cause as Error).message}`, { exitCode: exitCodes.usage });
  }
  try {
    return parseSessionKeyGrant(text);
  } catch (error) {
    if (error instanceof InvalidSessionKeyGrantError)
      throw new CliError(`${path} is not a valid grant: ${error.shortMessage}`, { exitCode: exitCodes.usage, details: { field: error.field }, cause: error });
    throw error;
  }
}

/** Writes a grant file (no secret inside, but whoever holds the key can use it: readable by its owner only). */
export function writeGrantFile(path: string, grant: SessionKeyGrant): void {
  const text = `${serializeSessionKeyGrant(grant)}\n`;
  if (path === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    fs.writeFileSync(path, text, { mode: 0o600 });
  } catch (cause) {
    throw new CliError(`Cannot write the grant file ${path}: ${(cause as Error).message}`, { exitCode: exitCodes.usage });
  }
}
