export { detokenizeWikitext } from './wikitext-detokenize.js';
export { parseWikitext, type WikitextOptions } from './parse-wikitext.js';
export { parseLambada } from './parse-lambada.js';
export { parseAgNews, cleanAgNewsField } from './parse-agnews.js';
export { parseLines } from './parse-lines.js';
export { DATASET_FORMATS, parseDatasetFormat, parseDocuments, readDocuments, type DatasetFormat, type ParseDocumentsOptions } from './read-documents.js';
export { buildEvalSet, rollingWindows, subsample, type EvalSetOptions, type EvalWindow, type RollingWindowOptions } from './eval-windows.js';
