"""Writes unicode-whitespace-ids.json: what Hugging Face's Rust tokenizers library (through its
Python binding, `pip install tokenizers`) encodes for texts with Unicode whitespace and its
look-alikes. Run from the repository root: python3 tooling/test-data/tokenizers/unicode-whitespace-ids.py"""
import json

import tokenizers
from tokenizers import Tokenizer

TOKENIZERS = {
    'gpt2': 'tooling/test-data/tokenizers/gpt2/tokenizer.json',
    'olmo-1': 'tooling/test-data/tokenizers/olmo/allenai_gpt-neox-olmo-dolma-v1_5.json',
    'olmo-2': 'tooling/test-data/tokenizers/olmo/allenai_dolma2.json',
    'modernbert': 'tooling/test-data/tokenizers/modernbert/tokenizer.json',
    'model-tiny': 'packages/model-tiny/assets/tokenizer.json',
}
# U+FEFF and U+200B are not White_Space; U+0085, U+00A0, U+2028/9, U+3000, U+180E-less spaces are.
TEXTS = [
    'a \ufeffb', 'a\ufeff b', '\ufeff\ufeffhello', 'x \u0085y', 'x\u0085\u0085 y', 'a \u00a0b', 'a\u00a0\u00a0 b',
    'line\u2028next \u2029para', '\u3000全角 スペース\u3000', 'tab\t\tthen  two', 'mixed \t\u0085\ufeff\u00a0\u2028\u3000end',
    '\u200bzero width \u200b', '\u180emongolian \u2007figure\u202fnarrow', 'end with spaces   ', '\u000b\u000c\r\nctrl',
    "ok's they'll \ufeff'd", '123 \u0085456', '!! \u00a0?? \ufeff..',
]
golden = {
    '_comment': f'Token ids from the Rust Hugging Face tokenizers library (Python binding tokenizers {tokenizers.__version__}): '
    'Tokenizer.from_file(file).encode(text, add_special_tokens=False).ids. Written by unicode-whitespace-ids.py beside this file.',
    'files': TOKENIZERS,
    'texts': TEXTS,
    'ids': {name: [Tokenizer.from_file(file).encode(text, add_special_tokens=False).ids for text in TEXTS] for name, file in TOKENIZERS.items()},
}
with open('tooling/test-data/tokenizers/unicode-whitespace-ids.json', 'w', encoding='utf-8') as out:
    json.dump(golden, out, ensure_ascii=True, indent=1)
    out.write('\n')
