/**
 * Text progress bars built from block characters, so they stay readable
 * without colour.
 */

const FULL_BLOCK = '█';
const EMPTY_CELL = '░';
/** Left-aligned partial blocks from 1/8 to 7/8 of a cell. */
const PARTIAL_BLOCKS = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * Renders `fraction` (clamped to 0..1) as a bar exactly `width` cells
 * wide, with eighth-cell resolution at the filled end.
 */
export function renderBar(fraction: number, width: number): string {
  const cells = Math.max(0, Math.floor(width));
  const clamped = Number.isFinite(fraction)
    ? Math.min(1, Math.max(0, fraction))
    : 0;
  const eighths = Math.round(clamped * cells * 8);
  const full = Math.floor(eighths / 8);
  const remainder = eighths % 8;

  const partial = remainder > 0 ? PARTIAL_BLOCKS[remainder - 1] : '';
  const empty = cells - full - (partial === '' ? 0 : 1);

  return FULL_BLOCK.repeat(full) + partial + EMPTY_CELL.repeat(empty);
}
