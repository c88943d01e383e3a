/**
 * Finds a CBLAS library on this machine: OpenBLAS on Linux, Accelerate on
 * macOS. Only file-system checks and `ldconfig -p`; nothing is loaded here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Result of a library search: the paths tried, in order. */
export interface BlasSearch {
  /** First existing candidate, or undefined when none exists. */
  found?: string;
  /** Every path that was checked. */
  tried: string[];
}

const MACOS_ACCELERATE =
  '/System/Library/Frameworks/Accelerate.framework/Accelerate';

// Debian and Ubuntu install the threaded build under openblas-pthread and
// point libopenblas.so.0 at the preferred build through update-alternatives.
const LINUX_DIRECTORIES = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu/openblas-pthread',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu/openblas-pthread',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
  '/opt/homebrew/opt/openblas/lib',
];

const LINUX_NAMES = ['libopenblas.so.0', 'libopenblas.so'];

/**
 * Lists candidate library paths for `platform`, the explicit path first.
 * `ldconfig` is consulted last because it costs a process start.
 */
export function blasCandidates(
  platform: NodeJS.Platform,
  explicitPath?: string,
): string[] {
  const candidates: string[] = [];
  if (explicitPath) candidates.push(explicitPath);
  if (platform === 'darwin') candidates.push(MACOS_ACCELERATE);
  for (const directory of LINUX_DIRECTORIES) {
    for (const name of LINUX_NAMES) candidates.push(`${directory}/${name}`);
  }

  return candidates;
}

/** Parses `ldconfig -p` output into the paths of OpenBLAS libraries. */
export function parseLdconfig(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split('\n')) {
    const match = /^\s*(libopenblas\S*\.so\S*)\s.*=>\s*(\S+)\s*$/.exec(line);
    if (match?.[2]) paths.push(match[2]);
  }

  return paths;
}

function ldconfigPaths(): string[] {
  try {
    const output = execFileSync('ldconfig', ['-p'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
    return parseLdconfig(output);
  } catch {
    // No ldconfig (macOS, minimal images): the fixed paths were all we had.
    return [];
  }
}

/**
 * Returns the first BLAS library that exists. `explicitPath` (from
 * DISTILLERY_BLAS_PATH) is tried first and is reported even when missing,
 * so a typo shows up in the diagnosis.
 */
export function locateBlas(explicitPath?: string): BlasSearch {
  const tried: string[] = [];
  const candidates = blasCandidates(process.platform, explicitPath);
  for (const path of candidates) {
    tried.push(path);
    if (existsSync(path)) return { found: path, tried };
  }

  if (process.platform !== 'linux') return { tried };
  for (const path of ldconfigPaths()) {
    tried.push(path);
    if (existsSync(path)) return { found: path, tried };
  }

  return { tried };
}
