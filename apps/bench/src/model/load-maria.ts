import { loadMariaModel, type MariaModel } from '@maria-ts/fusion-head';
import { loadTinyMaria } from '@maria-ts/model-tiny';

/** The model a benchmark runs: a MARIA directory from `--model`, else the embedded tiny MARIA. */
export async function loadBenchModel(dir: string | undefined): Promise<MariaModel> {
  return dir ? loadMariaModel(dir) : loadTinyMaria();
}
