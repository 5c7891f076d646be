import { defineError } from '@maria-ts/core';

const list = (names: readonly string[]) => names.join(', ');

/**
 * The battles split the models into groups that never met, so their ratings relative to
 * each other are not identified by the data at all (any shift of one group fits equally
 * well). We refuse instead of inventing an offset.
 */
export const EloDisconnectedError = defineError('EloDisconnected', (groups: readonly (readonly string[])[]) => ({
  message: `the battles do not connect all models; these groups never met: ${groups.map((group) => `{${list(group)}}`).join(' | ')}`,
  details: { groups: groups.map((group) => [...group]) },
}));

/**
 * Perfect separation: some group of models never lost a battle (nor tied one) against
 * the rest, e.g. a model that won every game. The unpenalised maximum-likelihood rating
 * gap is then infinite. `blocks` lists the strongly connected blocks of the "beat or
 * tied" graph in a strongest-first order: no block ever lost or tied against a later
 * block it met.
 */
export const EloSeparationError = defineError('EloSeparation', (blocks: readonly (readonly string[])[]) => ({
  message:
    `perfect separation, the maximum-likelihood rating gaps are infinite: the models fall into blocks ` +
    `${blocks.map((block) => `{${list(block)}}`).join(' > ')} and no block ever lost or tied against a later one. ` +
    `Collect more battles, or fit with onSeparation: 'pseudo-ties' for finite ratings flagged as separated`,
  details: { blocks: blocks.map((block) => [...block]) },
}));
