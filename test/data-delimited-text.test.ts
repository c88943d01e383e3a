import { describe, expect, it } from 'vitest';
import { splitRecords } from '../src/data/delimited-text.js';
import { decodeText } from '../src/data/decode.js';
import { DataError } from '../src/data/errors.js';

const split = (text: string, delimiter = ',') => [
  ...splitRecords(text, { delimiter, file: 'in.csv' }),
];

function catchError(action: () => unknown): DataError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }

  throw new Error('expected a DataError');
}

describe('splitRecords', () => {
  it('splits plain fields and numbers lines', () => {
    const records = split('a,b\nc,d\n');
    expect(records).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['c', 'd'], line: 2 },
    ]);
  });

  it('strips CR of CRLF line ends', () => {
    const records = split('a,b\r\nc,d\r\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('skips blank lines but keeps line numbers', () => {
    const records = split('a\n\n  \nb');
    expect(records).toEqual([
      { fields: ['a'], line: 1 },
      { fields: ['b'], line: 4 },
    ]);
  });

  it('keeps delimiters inside quoted fields', () => {
    const [record] = split('11,"American President, The (1995)",Comedy\n');
    expect(record.fields).toEqual([
      '11',
      'American President, The (1995)',
      'Comedy',
    ]);
  });

  it('reads doubled quotes as one quote', () => {
    const [record] = split('1,"Say ""Hello""",x');
    expect(record.fields).toEqual(['1', 'Say "Hello"', 'x']);
  });

  it('continues quoted fields over line breaks', () => {
    const records = split('1,"two\r\nlines",x\r\n2,y,z\r\n');
    expect(records).toEqual([
      { fields: ['1', 'two\nlines', 'x'], line: 1 },
      { fields: ['2', 'y', 'z'], line: 3 },
    ]);
  });

  it('reads empty quoted and trailing fields', () => {
    const [record] = split('"",a,"b",');
    expect(record.fields).toEqual(['', 'a', 'b', '']);
  });

  it('treats a quote inside an unquoted field as text', () => {
    const [record] = split('1,12" record,x');
    expect(record.fields).toEqual(['1', '12" record', 'x']);
  });

  it('splits on runs of blanks with whitespace', () => {
    const records = split('u1  i1\n\tu2 \t i2 \n', 'whitespace');
    expect(records.map((r) => r.fields)).toEqual([
      ['u1', 'i1'],
      ['u2', 'i2'],
    ]);
  });

  it('rejects an unterminated quote', () => {
    const error = catchError(() => split('a,b\n1,"open,x\n2,y\n'));
    expect(error.reason).toBe('unterminated-quote');
    expect(error.file).toBe('in.csv');
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/^in\.csv:2: /);
  });

  it('rejects text after a closing quote', () => {
    const error = catchError(() => split('a\n"x"y,z\n'));
    expect(error.reason).toBe('malformed-row');
    expect(error.line).toBe(2);
    expect(error.message).toContain('`y`');
  });

  it('rejects a delimiter of two characters', () => {
    const error = catchError(() => split('a', ';;'));
    expect(error.reason).toBe('invalid-option');
    expect(error.message).toContain('`;;`');
  });
});

describe('decodeText', () => {
  const bytes = (...values: number[]) => Uint8Array.from(values);

  it('drops a UTF-8 byte-order mark', () => {
    const text = decodeText(bytes(0xef, 0xbb, 0xbf, 0x61), 'utf-8', 'f');
    expect(text).toBe('a');
  });

  it('drops the byte-order mark with latin1 too', () => {
    const text = decodeText(bytes(0xef, 0xbb, 0xbf, 0xe9), 'latin1', 'f');
    expect(text).toBe('é');
  });

  it('decodes multi-byte UTF-8', () => {
    const text = decodeText(Buffer.from('Cité – nôto'), 'utf-8', 'f');
    expect(text).toBe('Cité – nôto');
  });

  it('reports the line of invalid UTF-8', () => {
    const latin1 = Buffer.from('1|Toy\n543|Mis\xe9rables\n', 'latin1');
    const error = catchError(() => decodeText(latin1, 'utf-8', 'u.item'));
    expect(error.reason).toBe('invalid-utf8');
    expect(error.file).toBe('u.item');
    expect(error.line).toBe(2);
    expect(error.value).toBe('543|Mis\uFFFDrables');
    expect(error.message).toContain('`encoding: latin1`');
  });
});
