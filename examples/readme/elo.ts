import { fitBradleyTerry } from '@maria-ts/elo';

const battles = [
  { a: 'maria', b: 'ar', outcome: 'a' },
  { a: 'maria', b: 'ar', outcome: 'a' },
  { a: 'maria', b: 'ar', outcome: 'b' },
  { a: 'ar', b: 'diffusion', outcome: 'tie' },
] as const;
console.log(Object.fromEntries(fitBradleyTerry(battles).ratings));
