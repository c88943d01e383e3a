// Keeps the MovieLens ratings at or above a threshold. Usage:
//   node filter-ratings.mjs INPUT OUTPUT
// INPUT is a `u.data` file (user, item, rating, timestamp, tab-separated);
// OUTPUT gets the keptLines lines unchanged. The threshold is `minRating` in
// the JSON file named by DISTILLERY_PARAMS_FILE, which the `command` node
// writes from its `values` param.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node filter-ratings.mjs INPUT OUTPUT');
  process.exit(2);
}

const { minRating } = JSON.parse(
  readFileSync(process.env.DISTILLERY_PARAMS_FILE, 'utf8'),
);
if (typeof minRating !== 'number') {
  console.error(`minRating must be a number; received ${minRating}`);
  process.exit(2);
}

const lines = readFileSync(input, 'latin1').split('\n').filter(Boolean);
const keptLines = lines.filter(
  (line) => Number(line.split('\t')[2]) >= minRating,
);
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, `${keptLines.join('\n')}\n`);
console.log(
  `kept ${keptLines.length} of ${lines.length} ratings >= ${minRating}`,
);
