import { Rng } from '@maria-ts/core';
import { betaMaskSampler } from '@maria-ts/masking';

const sampler = betaMaskSampler(); // MARIA's training masks: a rate r ~ Beta(2.5, 2.5) per sequence
const eligible = new Array<boolean>(12).fill(true);
const { mask } = sampler.sample(eligible, new Rng(7));
console.log(Array.from(mask).join(''));
