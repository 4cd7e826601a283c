// ---- transcription alignment (npm/src/alignment.mjs; appended to index.d.ts by scripts/build.mjs) ----

/** A run of one edit operation: reference tokens [targetStart, targetEnd), predicted [predStart, predEnd). */
export interface AlignmentOp {
  /** equal (hits), substitute, insert (predicted tokens without a reference token), delete (reference tokens missed). */
  type: 'equal' | 'substitute' | 'insert' | 'delete';
  targetStart: number;
  targetEnd: number;
  predStart: number;
  predEnd: number;
}

/** A token and where it is in the string given (UTF-16 indices: `string.slice(start, end) === text`). */
export interface AlignmentToken {
  text: string;
  start: number;
  end: number;
}

/**
 * One pair's alignment: a minimum-edit one (errors = the edit distance WordErrorRate /
 * CharErrorRate count) with the most hits among those.
 */
export interface TranscriptAlignment {
  hits: number;
  substitutions: number;
  insertions: number;
  deletions: number;
  /** substitutions + insertions + deletions */
  errors: number;
  /** errors / reference tokens: the pair's own WER (CER with unit 'char'); Infinity for an empty reference. */
  errorRate: number;
  ops: AlignmentOp[];
  targetTokens: AlignmentToken[];
  predsTokens: AlignmentToken[];
}

/**
 * Aligns transcriptions with their references, word by word (`unit: 'word'`, default: words as
 * Python's str.split() finds them) or character by character (`unit: 'char'`, code points).
 * Two strings give one alignment; two arrays of one length give one per pair. Needs init() first.
 */
export declare function alignTranscripts(
  preds: string,
  target: string,
  options?: { unit?: 'word' | 'char' },
): TranscriptAlignment;
export declare function alignTranscripts(
  preds: readonly string[],
  target: readonly string[],
  options?: { unit?: 'word' | 'char' },
): TranscriptAlignment[];
