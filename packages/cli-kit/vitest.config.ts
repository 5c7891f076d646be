import { packageProject } from '@maria-ts/vitest-config';

export default packageProject('cli-kit');
