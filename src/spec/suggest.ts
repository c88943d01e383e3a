/** "Did you mean" suggestions by edit distance. */

/** Edit distance between two strings (insertions, deletions, swaps of one). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);

  for (let i = 1; i <= a.length; i++) {
    const current = [i];

    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }

    previous = current;
  }

  return previous[b.length];
}

/**
 * Number of name comparisons left for suggestions among many candidates
 * (node names, variables, override paths). A file with thousands of
 * unknown names would otherwise spend minutes on suggestions.
 */
export class SuggestionBudget {
  constructor(private remaining = 2_000_000) {}

  /** Takes `count` comparisons; false when too few are left. */
  spend(count: number): boolean {
    if (count > this.remaining) return false;
    this.remaining -= count;
    return true;
  }
}

/**
 * Returns the candidate closest to `name`, or undefined when none is close
 * enough to be a likely typo: the distance must be at most a third of the
 * longer name (at least 1), or one name must contain the other.
 */
export function closestMatch(
  name: string,
  candidates: Iterable<string>,
  budget?: SuggestionBudget,
): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lowerName = name.toLowerCase();
  const list = [...candidates];
  if (budget !== undefined && !budget.spend(list.length)) return undefined;

  for (const candidate of list) {
    // Long inputs are junk rather than typos, and the distance is quadratic.
    if (candidate.length > 200 || name.length > 200) continue;
    const distance = editDistance(lowerName, candidate.toLowerCase());
    if (
      distance < bestDistance &&
      isPlausibleTypo(lowerName, candidate, distance)
    ) {
      best = candidate;
      bestDistance = distance;
    }
  }

  return best;
}

function isPlausibleTypo(
  name: string,
  candidate: string,
  distance: number,
): boolean {
  const lowerCandidate = candidate.toLowerCase();
  const limit = Math.max(
    1,
    Math.floor(Math.max(name.length, candidate.length) / 3),
  );
  const contains =
    name.length >= 3 &&
    (lowerCandidate.includes(name) || name.includes(lowerCandidate));
  return distance <= limit || contains;
}

/** ` Did you mean \`x\`?` when a close candidate exists, else ''. */
export function didYouMean(
  name: string,
  candidates: Iterable<string>,
  budget?: SuggestionBudget,
): string {
  const match = closestMatch(name, candidates, budget);
  return match === undefined ? '' : ` Did you mean \`${match}\`?`;
}

/**
 * Lists names in backticks, at most `max` of them, for `expected:` lines:
 * "`a`, `b` or `c`", or "`a`, `b` and 3 more".
 */
export function listNames(names: readonly string[], max = 12): string {
  const quoted = names.slice(0, max).map((name) => `\`${name}\``);
  if (names.length > max)
    return `${quoted.join(', ')} and ${names.length - max} more`;
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
