/**
 * Finds the parameters that differ between variants and groups variants
 * that differ only in a seed into settings, so `compare` can show one row
 * per setting with the spread over seeds.
 */
import type { VariantResult } from './types.js';

/** Parameter name that marks a column as a random seed. */
export const SEED_PARAM = 'seed';

/** One column of differing parameters. */
export interface ParamColumn {
  /** Header: the parameter name, or `node.param` where that is ambiguous. */
  name: string;
  /**
   * The `node.param` keys shown in this column. Several keys share a column
   * when they hold the same value in every variant, such as one seed
   * interpolated into several nodes.
   */
  keys: string[];
  /** Whether the column is a seed, averaged over within a setting. */
  isSeed: boolean;
}

/** Variants that differ only in their seed columns. */
export interface Setting {
  /** `name=value` of the non-seed columns, or the variant name. */
  label: string;
  /** Values of the non-seed columns by column name, as display text. */
  values: Record<string, string>;
  variants: VariantResult[];
}

/**
 * Returns the columns of parameters whose values differ between variants,
 * in the order the parameters first appear.
 */
export function differingParamColumns(
  variants: readonly VariantResult[],
): ParamColumn[] {
  const groups = new Map<string, { param: string; keys: string[] }>();
  for (const key of allKeys(variants)) {
    const texts = variants.map((v) => canonicalText(v.params[key]));
    if (new Set(texts).size < 2) continue;
    const param = key.slice(key.indexOf('.') + 1);
    const id = `${param}\u0000${texts.join('\u0001')}`;
    const group = groups.get(id) ?? { param, keys: [] };
    group.keys.push(key);
    groups.set(id, group);
  }

  const params = [...groups.values()].map((g) => g.param);
  return [...groups.values()].map((group) => ({
    name:
      params.filter((p) => p === group.param).length === 1
        ? group.param
        : group.keys[0],
    keys: group.keys,
    isSeed: group.param === SEED_PARAM,
  }));
}

/** Returns the display text of a column's value in one variant. */
export function columnValue(
  variant: VariantResult,
  column: ParamColumn,
): string {
  return displayText(variant.params[column.keys[0]]);
}

/**
 * Groups variants into settings by their non-seed columns. Returns one
 * setting per variant (labelled with the variant name) when no two
 * variants share a setting, so plain sweeps keep their own names.
 */
export function groupBySetting(
  variants: readonly VariantResult[],
  columns: readonly ParamColumn[],
): { grouped: boolean; settings: Setting[] } {
  const settingColumns = columns.filter((c) => !c.isSeed);
  const bySetting = new Map<string, Setting>();
  for (const variant of variants) {
    const values = valuesOf(variant, settingColumns);
    const label = settingLabel(settingColumns, values);
    const setting = bySetting.get(label) ?? { label, values, variants: [] };
    setting.variants.push(variant);
    bySetting.set(label, setting);
  }

  const grouped =
    columns.some((c) => c.isSeed) && bySetting.size < variants.length;
  if (grouped) return { grouped, settings: [...bySetting.values()] };
  const settings = variants.map((variant) => ({
    label: variant.variant ?? '(no variants)',
    values: valuesOf(variant, columns),
    variants: [variant],
  }));
  return { grouped, settings };
}

/** Returns display text for a parameter value: strings unquoted. */
export function displayText(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value === 'string') return value;
  return canonicalText(value);
}

function valuesOf(
  variant: VariantResult,
  columns: readonly ParamColumn[],
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const column of columns)
    values[column.name] = columnValue(variant, column);
  return values;
}

function settingLabel(
  columns: readonly ParamColumn[],
  values: Record<string, string>,
): string {
  if (columns.length === 0) return 'all';
  return columns.map((c) => `${c.name}=${values[c.name]}`).join(',');
}

function allKeys(variants: readonly VariantResult[]): string[] {
  const keys: string[] = [];
  for (const variant of variants) {
    for (const key of Object.keys(variant.params)) {
      if (!keys.includes(key)) keys.push(key);
    }
  }

  return keys;
}

/** JSON with object keys sorted, so equal values compare equal as text. */
function canonicalText(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
      return inner;
    }
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) {
      sorted[key] = (inner as Record<string, unknown>)[key];
    }
    return sorted;
  });
}
