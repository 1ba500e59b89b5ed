/** Where the E2E harness keeps its outputs, and where it finds code-server and Chromium. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../../helpers/paths';

export { repoRoot, fixture } from '../../helpers/paths';

/** Screenshots, logs and the VSIX under test; kept as CI artifacts. */
export const artifactsDir = join(repoRoot, 'test-artifacts', 'e2e');

export const CODE_SERVER_VERSION = '4.100.3';

/** On CI a scenario that cannot start its browser or code-server must fail, and it does everywhere. */
export const onCi = process.env.CI === 'true' || process.env.CI === '1';

/** code-server installed by .ci/install-code-server.sh (same default folder), or `CODE_SERVER_BIN`. */
export function codeServerBin(): string {
  const fromEnv = process.env.CODE_SERVER_BIN;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CODE_SERVER_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  const home = process.env.CODE_SERVER_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'model-studio', `code-server-${CODE_SERVER_VERSION}`);
  const bin = join(home, 'node_modules', '.bin', 'code-server');
  if (!existsSync(bin)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed at ${bin}: run \`bash .ci/install-code-server.sh\` (as root on CI)`);
  }
  return bin;
}

/** Debian's Chromium (playwright's own browser download does not work on these machines). */
export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`Chromium not found at ${p}: run .ci/install-system-deps.sh (apt-get install chromium)`);
  return resolve(p);
}
