// Hugging Face layout JSON files: config.json, tokenizer.json (tokenizers library format, WordPiece),
// tokenizer_config.json. Loaded by transformers.js (AutoConfig / AutoTokenizer / AutoModel).
import { SPECIAL_TOKENS } from './sif.js';

export const MAX_LENGTH = 512;

export interface HfMeta {
  vocabSize: number;
  hiddenSize: number;
  /** Transformer layers (0: the graph is an embedding lookup). */
  layers: number;
  heads: number;
  intermediateSize: number;
  layerNormEps?: number;
  locus: Record<string, unknown>;
}

export function configJson(meta: HfMeta): Record<string, unknown> {
  return {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: meta.hiddenSize,
    vocab_size: meta.vocabSize,
    max_position_embeddings: MAX_LENGTH,
    num_hidden_layers: meta.layers,
    num_attention_heads: meta.heads,
    intermediate_size: meta.intermediateSize,
    hidden_act: 'gelu',
    ...(meta.layerNormEps === undefined ? {} : { layer_norm_eps: meta.layerNormEps }),
    type_vocab_size: 1,
    pad_token_id: 0,
    torch_dtype: 'float32',
    locus: meta.locus,
  };
}

const special = (token: string) => ({ id: token, type_id: 0 });

export function tokenizerJson(tokens: readonly string[]): Record<string, unknown> {
  const id = (t: string) => {
    const i = tokens.indexOf(t);
    if (i < 0) throw new Error(`special token ${t} missing`);
    return i;
  };
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => {
    vocab[t] = i;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((t) => ({
      id: id(t),
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: special('[CLS]') },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: special('[SEP]') },
      ],
      pair: [
        { SpecialToken: special('[CLS]') },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: special('[SEP]') },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

export function tokenizerConfigJson(): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    strip_accents: null,
    tokenize_chinese_chars: true,
    model_max_length: MAX_LENGTH,
    clean_up_tokenization_spaces: true,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  };
}

/** Stable JSON text (insertion order, 2-space indent, trailing newline). */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
