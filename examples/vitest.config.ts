import { packageProject } from '@maria-ts/vitest-config';

export default packageProject('examples', { include: ['*.test.ts'] });
