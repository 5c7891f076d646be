/**
 * @maria-ts/benchmarks/testing: fixtures for tests of the benchmarks and of the commands over
 * them (a small random MARIA and a random AR judge saved in a temporary folder). Never imported
 * by production code.
 */
export { type BenchFixtures, createBenchFixtures, type OpenBenchFixtures, openBenchFixtures, saveRandomArJudge } from './bench-fixtures.js';
