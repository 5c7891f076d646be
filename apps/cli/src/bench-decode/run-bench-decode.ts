import { initEngine, InvalidArgumentError, isARBackbone, Rng, type EngineInfo } from '@maria-ts/core';
import { createBackbone, measureDecodeThroughput, type DecodeThroughput } from '@maria-ts/backbones';

export interface BenchDecodeRequest {
  /** A causal family: `llama`, `olmo` or `gpt2`. */
  readonly family: string;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly keyValueHeads: number;
  readonly intermediate: number;
  readonly vocab: number;
  /** Prompt lengths to prefill before timing; one row each. */
  readonly promptLengths: readonly number[];
  readonly steps: number;
  readonly repeats: number;
  readonly withLogits: boolean;
  readonly mergeRatio?: number;
  readonly smallChunk?: number;
  readonly seed: number;
  readonly engine?: string;
  readonly threads?: string;
}

export interface BenchDecodeRow extends DecodeThroughput {
  /** Median over the repeats of decodeTokensPerSecond. */
  readonly decodeTokensPerSecondMedian: number;
  readonly decodeTokensPerSecondAll: number[];
}

export interface BenchDecodeReport {
  readonly model: Record<string, unknown>;
  readonly engine: EngineInfo;
  readonly rows: BenchDecodeRow[];
}

/** config.json for a from-scratch decoder of the requested size. */
function decoderConfig(request: BenchDecodeRequest): Record<string, unknown> {
  const maxPositions = Math.max(...request.promptLengths) + request.steps + 16;
  if (request.family === 'gpt2') {
    if (request.keyValueHeads !== request.heads) throw new InvalidArgumentError('--kv-heads', request.keyValueHeads, `${request.heads} for gpt2 (no grouped-query attention)`);
    return { n_embd: request.hidden, n_layer: request.layers, n_head: request.heads, n_inner: request.intermediate, vocab_size: request.vocab, n_positions: maxPositions };
  }
  return {
    hidden_size: request.hidden,
    num_hidden_layers: request.layers,
    num_attention_heads: request.heads,
    num_key_value_heads: request.keyValueHeads,
    intermediate_size: request.intermediate,
    vocab_size: request.vocab,
    max_position_embeddings: maxPositions,
    ...(request.family === 'olmo' ? { clip_qkv: 8 } : {}),
  };
}

/**
 * Decode throughput of a freshly initialised decoder (the weights' values do not change
 * the cost): for each prompt length, prefill then time single-token KV-cached steps, and
 * report the median of `repeats` runs.
 */
export async function runBenchDecode(request: BenchDecodeRequest): Promise<BenchDecodeReport> {
  const engine = await initEngine({ ...(request.engine ? { engine: request.engine } : {}), ...(request.threads ? { threads: request.threads } : {}) });
  const model = decoderConfig(request);
  const backbone = createBackbone(request.family, model, { seed: request.seed });
  try {
    if (!isARBackbone(backbone)) throw new InvalidArgumentError('--family', request.family, 'a causal family (llama, olmo, gpt2)');
    const rng = new Rng(request.seed);
    const rows = request.promptLengths.map((promptLength) => {
      const runs = Array.from({ length: request.repeats }, () =>
        measureDecodeThroughput(backbone, {
          promptLength,
          steps: request.steps,
          withLogits: request.withLogits,
          rng,
          ...(request.mergeRatio !== undefined ? { mergeRatio: request.mergeRatio } : {}),
          ...(request.smallChunk !== undefined ? { smallChunk: request.smallChunk } : {}),
        }),
      );
      const rates = runs.map((run) => run.decodeTokensPerSecond).sort((a, b) => a - b);
      const median = rates[Math.floor(rates.length / 2)] as number;
      const representative = runs.find((run) => run.decodeTokensPerSecond === median) ?? (runs[0] as DecodeThroughput);
      return { ...representative, decodeTokensPerSecondMedian: median, decodeTokensPerSecondAll: rates };
    });
    return { model: { model_type: request.family, ...model }, engine, rows };
  } finally {
    backbone.dispose();
  }
}
