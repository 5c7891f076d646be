import { describe, expect, it } from 'vitest';
import { connectedComponents, stronglyConnectedBlocks } from './comparison-graph.js';

const edges = (list: [number, number][]) => ({ from: list.map(([from]) => from), to: list.map(([, to]) => to) });

describe('comparison graph checks', () => {
  it('finds connected components', () => {
    expect(connectedComponents(5, edges([[0, 1], [3, 4]]))).toEqual([[0, 1], [2], [3, 4]]);
    expect(connectedComponents(3, edges([[2, 0], [1, 2]]))).toEqual([[0, 1, 2]]);
  });

  it('orders strongly connected blocks sources first', () => {
    // 3 beats the cycle {0,1,2}, which beats 4.
    const graph = edges([[0, 1], [1, 2], [2, 0], [3, 0], [1, 4]]);
    expect(stronglyConnectedBlocks(5, graph)).toEqual([[3], [0, 1, 2], [4]]);
    expect(stronglyConnectedBlocks(3, edges([[0, 1], [1, 2], [2, 0]]))).toEqual([[0, 1, 2]]);
    // A chain given in reverse still comes out strongest first.
    expect(stronglyConnectedBlocks(3, edges([[2, 1], [1, 0]]))).toEqual([[2], [1], [0]]);
  });
});
