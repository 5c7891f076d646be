import { z } from 'zod';

/** Every knob of a training run, validated; stored in checkpoints so resume can refuse a changed run. */
export const trainerOptionsSchema = z
  .object({
    steps: z.number().int().min(1),
    accumulation: z.number().int().min(1).default(1),
    learningRate: z.number().gt(0),
    warmupSteps: z.number().int().min(0).default(100),
    finalLearningRateRatio: z.number().min(0).max(1).default(0.1),
    weightDecay: z.number().min(0).default(0.1),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.95),
    clipNorm: z.number().gt(0).default(1),
    checkpointEvery: z.number().int().min(1).default(200),
    evalEvery: z.number().int().min(1).default(200),
    evalBatches: z.number().int().min(0).default(8),
    keepCheckpoints: z.number().int().min(1).default(2),
    seed: z.number().int().min(0).default(0),
  })
  .strict()
  .refine((o) => o.steps > o.warmupSteps, { message: 'steps must exceed warmupSteps', path: ['steps'] });

export type TrainerOptions = z.infer<typeof trainerOptionsSchema>;
export type TrainerOptionsInput = z.input<typeof trainerOptionsSchema>;

/** Options that must not change across a resume (the schedule and the data order depend on them). */
export const RESUME_INVARIANT_KEYS = ['steps', 'accumulation', 'learningRate', 'warmupSteps', 'finalLearningRateRatio', 'weightDecay', 'beta1', 'beta2', 'clipNorm', 'seed'] as const;
