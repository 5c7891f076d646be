import { packageProject } from '@maria-ts/vitest-config';

export default packageProject('benchmarks');
