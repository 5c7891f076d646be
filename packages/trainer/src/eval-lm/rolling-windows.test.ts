import { describe, expect, it } from 'vitest';
import { rollingWindows } from './rolling-windows.js';

const stream = Array.from({ length: 10 }, (_, i) => 100 + i);

/** The token ids each window scores, concatenated. */
const scoredTokens = (windows: ReturnType<typeof rollingWindows>) => windows.flatMap((window) => window.ids.slice(window.ids.length - window.scored));

describe('rollingWindows', () => {
  it('without overlap, cuts the stream into consecutive windows that each score every token', () => {
    const windows = rollingWindows(stream, 4, 4);
    expect(windows.map((window) => window.ids)).toEqual([[100, 101, 102, 103], [104, 105, 106, 107], [108, 109]]);
    expect(windows.map((window) => window.scored)).toEqual([4, 4, 2]);
  });

  it('with a stride, keeps earlier tokens as context and scores every token exactly once', () => {
    const windows = rollingWindows(stream, 4, 2);
    expect(windows[1]).toEqual({ ids: [102, 103, 104, 105], scored: 2 });
    expect(scoredTokens(windows)).toEqual(stream);
  });

  it('rejects a stride longer than the window', () => {
    expect(() => rollingWindows(stream, 4, 5)).toThrow(/stride/);
  });
});
