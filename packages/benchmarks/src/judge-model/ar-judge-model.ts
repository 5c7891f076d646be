import { type ARBackbone, CheckpointError, isARBackbone, type Tokenizer } from '@maria-ts/core';
import { loadBackboneWithCheckpoint } from '@maria-ts/backbones';
import { JudgeIsBackboneError } from './judge-errors.js';

/** An AR checkpoint used only to score text: the judge of generative perplexity and of the offline ELO. */
export interface ArJudgeModel {
  readonly backbone: ARBackbone;
  /** The judge's own tokenizer (texts are re-encoded with it, so any tokenizer works). */
  readonly tokenizer: Tokenizer;
  /** Where it was loaded from, for reports. */
  readonly dir: string;
}

/**
 * Loads an AR checkpoint directory as a judge. Its tokenizer comes from the directory, or
 * `fallbackTokenizer` when the directory has none (our pretraining checkpoints share the
 * MARIA tokenizer). A masked-LM directory is refused: a judge must score left to right.
 */
export async function loadArJudgeModel(dir: string, fallbackTokenizer?: Tokenizer): Promise<ArJudgeModel> {
  const { backbone, checkpoint } = await loadBackboneWithCheckpoint(dir, { onWarning: () => undefined });
  if (!isARBackbone(backbone)) {
    backbone.dispose();
    throw new CheckpointError(dir, `the judge must be a causal (AR) checkpoint, got a ${backbone.info.family} masked LM`);
  }
  const tokenizer = checkpoint.tokenizer ?? fallbackTokenizer;
  if (!tokenizer) {
    backbone.dispose();
    throw new CheckpointError(dir, 'the judge checkpoint has no tokenizer.json and no fallback tokenizer was given');
  }
  return { backbone, tokenizer, dir };
}

/**
 * Refuses a judge whose weights are the model's AR backbone (equal content hashes): the benchmarks
 * require a separately trained, larger or longer-trained judge. Backbones without a content
 * hash cannot be compared and pass (every loaded or created backbone has one).
 */
export function assertJudgeIsNotBackbone(judge: ArJudgeModel, backbone: ARBackbone): void {
  const judgeHash = judge.backbone.info.contentHash;
  if (judgeHash !== undefined && judgeHash === backbone.info.contentHash) throw new JudgeIsBackboneError(judge.dir, judgeHash);
}
