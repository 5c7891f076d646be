/**
 * @maria-ts/model-tiny: the embedded default MARIA model: the tiny tokenizer, and (once
 * trained) the tiny AR and MLM backbones with their fusion head as a MARIA directory.
 */
export { MODEL_TINY_ASSETS, TINY_SPECIAL_TOKENS, TINY_TOKENIZER_FILE, loadTinyTokenizer } from './assets.js';
export { TINY_MARIA_DIR, TinyMariaMissingError, hasTinyMaria, loadMariaOrTiny, loadTinyMaria, readMariaOrTiny } from './tiny-maria.js';
