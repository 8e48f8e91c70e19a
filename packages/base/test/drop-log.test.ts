/** DropLog: the first drop of a kind said, then counted, the count said at each power of ten. */
import { describe, expect, it } from 'vitest';
import { DropLog, silentLogger } from '../src/index.js';
import { logRecorder } from '@x/testing';

const recorder = logRecorder;

describe('DropLog', () => {
  it('says the first drop of a kind with its details, then the count at 10, 100, 1000', () => {
    const log = recorder();
    const drops = new DropLog(log);
    for (let i = 0; i < 1000; i++) drops.drop('bad things', () => `bad thing ${i}`);
    drops.drop('other', () => 'other thing', 'warn');
    expect(log.lines).toEqual([
      'debug bad thing 0; further ones are counted',
      'debug bad things: 10 so far',
      'debug bad things: 100 so far',
      'debug bad things: 1000 so far',
      'warn other thing; further ones are counted',
    ]);
    expect(drops.summary()).toBe('bad things 1000, other 1');
  });

  it('is off with the silent logger and never formats', () => {
    const drops = new DropLog(silentLogger);
    expect(drops.on).toBe(false);
    drops.drop('x', () => {
      throw new Error('formatted while off');
    });
    expect(drops.count('x')).toBe(0);
  });
});

