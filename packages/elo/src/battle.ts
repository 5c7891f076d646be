import { InvalidArgumentError } from '@maria-ts/core';

/** Who won a battle: side A, side B, or neither. */
export type BattleOutcome = 'a' | 'b' | 'tie';

/**
 * One pairwise comparison between two systems, as Chatbot Arena records it. The sides
 * carry no meaning in the Bradley–Terry model (it has no home advantage), so `{a, b,
 * 'a'}` and `{b, a, 'b'}` are the same evidence.
 */
export interface Battle {
  readonly a: string;
  readonly b: string;
  readonly outcome: BattleOutcome;
}

const OUTCOMES: ReadonlySet<string> = new Set<BattleOutcome>(['a', 'b', 'tie']);

/**
 * Throws `InvalidArgumentError` naming the first malformed battle (empty names, a model
 * against itself, an unknown outcome). Checked up front so a bad record is reported where
 * it is, not as a NaN rating later.
 */
export function validateBattles(battles: readonly Battle[]): void {
  battles.forEach((battle, index) => {
    if (typeof battle.a !== 'string' || battle.a.length === 0 || typeof battle.b !== 'string' || battle.b.length === 0) {
      throw new InvalidArgumentError(`battles[${index}]`, battle, 'two non-empty model names a and b');
    }
    if (battle.a === battle.b) {
      throw new InvalidArgumentError(`battles[${index}]`, battle, 'two different models (a model cannot battle itself)');
    }
    if (!OUTCOMES.has(battle.outcome)) {
      throw new InvalidArgumentError(`battles[${index}].outcome`, battle.outcome, "'a', 'b' or 'tie'");
    }
  });
}

/** The same battle seen from the other side: sides swapped and the outcome mirrored. */
export function swapSides(battle: Battle): Battle {
  const outcome: BattleOutcome = battle.outcome === 'a' ? 'b' : battle.outcome === 'b' ? 'a' : 'tie';
  return { a: battle.b, b: battle.a, outcome };
}
