export { default } from '@maria-ts/eslint-config';
