/**
 * Graph checks that decide whether the unpenalised Bradley–Terry MLE exists. It is finite
 * and unique (up to the shift we anchor) exactly when the directed graph "i beat or tied
 * j at least once" is strongly connected (Zermelo 1929; Ford 1957). Two weaker failures
 * are told apart because they need different remedies: models that never met at all
 * (disconnected) and blocks that only ever won against the rest (separation).
 */

/** An edge list over `modelCount` nodes. */
export interface Edges {
  readonly from: ArrayLike<number>;
  readonly to: ArrayLike<number>;
}

/** Connected components of the undirected graph, each sorted, ordered by smallest member. */
export function connectedComponents(modelCount: number, edges: Edges): number[][] {
  const parent = Int32Array.from({ length: modelCount }, (_, index) => index);
  const root = (node: number): number => {
    let current = node;
    while (parent[current] !== current) {
      const up = parent[current] as number;
      parent[current] = parent[up] as number; // path halving
      current = up;
    }
    return current;
  };
  for (let edge = 0; edge < edges.from.length; edge++) {
    const left = root(edges.from[edge] as number);
    const right = root(edges.to[edge] as number);
    if (left !== right) parent[Math.max(left, right)] = Math.min(left, right);
  }
  const groups = new Map<number, number[]>();
  for (let node = 0; node < modelCount; node++) {
    const key = root(node);
    const group = groups.get(key) ?? [];
    group.push(node);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * Strongly connected components of the directed graph (Tarjan), in topological order of
 * the condensation: sources first. With edges "beat or tied", the first block is one
 * that never lost nor tied against anyone outside it, i.e. the strongest.
 */
export function stronglyConnectedBlocks(modelCount: number, edges: Edges): number[][] {
  const adjacency: number[][] = Array.from({ length: modelCount }, () => []);
  for (let edge = 0; edge < edges.from.length; edge++) adjacency[edges.from[edge] as number]?.push(edges.to[edge] as number);

  const order = new Int32Array(modelCount).fill(-1);
  const lowLink = new Int32Array(modelCount);
  const onStack = new Uint8Array(modelCount);
  const stack: number[] = [];
  const blocks: number[][] = [];
  let counter = 0;

  // Iterative Tarjan: each frame is (node, index of the next neighbour to visit).
  for (let start = 0; start < modelCount; start++) {
    if (order[start] !== -1) continue;
    const frames: [number, number][] = [[start, 0]];
    order[start] = lowLink[start] = counter++;
    stack.push(start);
    onStack[start] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as [number, number];
      const [node, next] = frame;
      const neighbours = adjacency[node] as number[];
      if (next < neighbours.length) {
        frame[1] = next + 1;
        const neighbour = neighbours[next] as number;
        if (order[neighbour] === -1) {
          order[neighbour] = lowLink[neighbour] = counter++;
          stack.push(neighbour);
          onStack[neighbour] = 1;
          frames.push([neighbour, 0]);
        } else if (onStack[neighbour]) {
          lowLink[node] = Math.min(lowLink[node] as number, order[neighbour] as number);
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) lowLink[parent[0]] = Math.min(lowLink[parent[0]] as number, lowLink[node] as number);
      if (lowLink[node] === order[node]) {
        const block: number[] = [];
        let member: number;
        do {
          member = stack.pop() as number;
          onStack[member] = 0;
          block.push(member);
        } while (member !== node);
        blocks.push(block.sort((x, y) => x - y));
      }
    }
  }
  // Tarjan emits sinks first; reverse for sources (strongest) first.
  return blocks.reverse();
}
