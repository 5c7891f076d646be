/**
 * The Elo scale Chatbot Arena reports: base 10, scale 400, centred on 1000. A rating gap
 * of 400 points means odds of 10:1.
 */
export const RATING_BASE = 10;
export const RATING_SCALE = 400;
export const INITIAL_RATING = 1000;

/** Bradley–Terry coefficient (log10-odds units, as the logistic regression fits it) to rating. */
export function coefficientToRating(coefficient: number): number {
  return RATING_SCALE * coefficient + INITIAL_RATING;
}

/**
 * P(A beats B) = 1 / (1 + 10^((R_B − R_A) / 400)). Ties are not modelled separately: under
 * the 0.5 convention a tie counts as half a win, so this is also A's expected score.
 */
export function winProbability(ratingA: number, ratingB: number): number {
  return 1 / (1 + Math.pow(RATING_BASE, (ratingB - ratingA) / RATING_SCALE));
}
