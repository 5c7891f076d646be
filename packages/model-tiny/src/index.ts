/**
 * @maria-ts/model-tiny: the embedded default MARIA model. For now its tokenizer; the
 * pretrained backbones and the trained head join it as they are produced.
 */
export { MODEL_TINY_ASSETS, TINY_SPECIAL_TOKENS, TINY_TOKENIZER_FILE, loadTinyTokenizer } from './assets.js';
