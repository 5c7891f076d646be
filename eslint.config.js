// One lint run over the whole workspace (`pnpm lint`); every package's own config is this preset.
export { default } from '@maria-ts/eslint-config';
