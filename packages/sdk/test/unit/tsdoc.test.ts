import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const entryPoints = ['src/index.ts', 'src/local/index.ts', 'src/alchemy/index.ts'].map((file) => path.resolve(import.meta.dirname, '../..', file));

/** Every export of an entry point that has no TSDoc comment with an @example, as `name (file)`. */
function exportsWithoutExample(program: ts.Program, entryPoint: string): string[] {
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entryPoint)!)!;
  return checker.getExportsOfModule(module).flatMap((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.getDeclarations()?.[0];
    if (!declaration) return [`${exported.name} (no declaration)`];
    // A `const` carries its comment on the statement, two levels up.
    const documented = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
    const hasExample = ts.getJSDocTags(documented).some((tag) => tag.tagName.text === 'example');
    return hasExample ? [] : [`${exported.name} (${path.relative(process.cwd(), declaration.getSourceFile().fileName)})`];
  });
}

describe('TSDoc', () => {
  it('every public export of @leash/sdk, @leash/sdk/local and @leash/sdk/alchemy has an example', () => {
    const config = ts.getParsedCommandLineOfConfigFile(path.resolve(import.meta.dirname, '../../tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    })!;
    const program = ts.createProgram(entryPoints, { ...config.options, noEmit: true });
    for (const entryPoint of entryPoints) expect(exportsWithoutExample(program, entryPoint), entryPoint).toEqual([]);
  });
});
