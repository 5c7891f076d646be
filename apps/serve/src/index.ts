/**
 * @maria-ts/serve: the `maria-serve` command. The HTTP API itself is the `@maria-ts/server`
 * package; this app parses the flags, loads the model and starts it.
 */
export { serveCommand } from './cli/serve-command.js';
