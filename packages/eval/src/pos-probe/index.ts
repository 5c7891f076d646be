export { parseConll, type TaggedSentence } from './conll.js';
export { alignSentence, type AlignedSentence } from './subword-alignment.js';
export { extractProbeFeatures, type ProbeFeatures } from './probe-features.js';
export { disposeLinearProbe, predictLinearProbe, trainLinearProbe, type ColumnRange, type FeatureView, type LinearProbe, type LinearProbeOptions } from './linear-probe.js';
export { POS_PROBE_FEATURES, runPosProbe, type PosProbeFeatureKind, type PosProbeOptions, type PosProbeResult, type PosProbeRow, type ProgressSink } from './pos-probe.js';
