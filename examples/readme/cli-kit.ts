import { parseNumberList, parseOneNumber } from '@maria-ts/cli-kit';

// Flag parsing with one-line, typed errors (InvalidArgumentError names the flag and the value).
console.log(parseOneNumber('--seed', '7', { integer: true, min: 0 }), parseNumberList('--rates', '0.1,0.5'));
