import * as vscode from 'vscode';

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/**
 * The value a command works on: `given` (a script's or a row's argument) when there is one, else
 * what the user types in a box that runs the same check on every keystroke (plus `also`, e.g.
 * "already watched"). The check runs once more on the result, so a script's bad argument gets the
 * check's message as an error. Undefined: cancelled, or refused.
 */
export async function askValid<T>(
  given: unknown,
  box: vscode.InputBoxOptions,
  check: (input: unknown) => Checked<T>,
  also?: (value: T) => string | undefined,
): Promise<T | undefined> {
  let input = given;
  if (input === undefined) {
    input = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      ...box,
      validateInput: (v) => {
        const r = check(v);
        return r.ok ? also?.(r.value) : r.message;
      },
    });
    if (input === undefined) return undefined;
  }
  const r = check(input);
  if (!r.ok) {
    void vscode.window.showErrorMessage(r.message);
    return undefined;
  }
  return r.value;
}
