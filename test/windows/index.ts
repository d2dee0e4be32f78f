// Extension-host entry of the two-window test (test/windows/twoWindows.mjs opens two workbench
// pages on one code-server, each loading this). Runs window.test.js with Mocha; the harness
// judges from the reports the windows write and from the simulator, not from an exit code.
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 0, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'window.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failed) => (failed ? reject(new Error(`${failed} window test(s) failed`)) : resolve()));
  });
}
