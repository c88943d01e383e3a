import { describe, expect, test } from 'vitest';
import {
  closestMatch,
  editDistance,
  listNames,
  SuggestionBudget,
} from '../src/spec/suggest.js';

describe('suggestions', () => {
  test.each([
    ['epoch', 'epochs', 1],
    ['studnet', 'student', 2],
    ['', 'abc', 3],
    ['same', 'same', 0],
  ])('edit distance %s to %s', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  test('closest plausible candidate wins', () => {
    expect(closestMatch('epoch', ['seed', 'epochs', 'epoch2x'])).toBe('epochs');
  });

  test('distant names get no suggestion', () => {
    expect(closestMatch('zzz', ['epochs', 'seed'])).toBeUndefined();
  });

  test('exhausted budget gives no suggestion', () => {
    const budget = new SuggestionBudget(3);
    expect(closestMatch('epoch', ['epochs', 'seed'], budget)).toBe('epochs');
    expect(closestMatch('epoch', ['epochs', 'seed'], budget)).toBeUndefined();
  });

  test('names are listed with or and a count', () => {
    expect(listNames(['a'])).toBe('`a`');
    expect(listNames(['a', 'b', 'c'])).toBe('`a`, `b` or `c`');
    expect(listNames(['a', 'b', 'c'], 2)).toBe('`a`, `b` and 1 more');
  });
});
