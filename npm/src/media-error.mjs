// MediaFormatError: what the package's file decoders (PNG, JPEG, WAV: png.mjs, images.mjs,
// wav.mjs) throw for a file they cannot read or a pair of files that do not go together. It names
// the file in its message and carries it, with what is wrong as one word, so callers can branch
// on `problem` rather than on the wording.

export class MediaFormatError extends Error {
  /**
   * @param {string} message the whole message, starting with the file's name
   * @param {{file?: string, problem: 'not-recognised'|'truncated'|'corrupt'|'unsupported'|'mismatch'}} where
   */
  constructor(message, { file, problem }) {
    super(message);
    this.name = 'MediaFormatError';
    this.file = file;
    this.problem = problem;
  }
}

/** A MediaFormatError whose message starts with the file's name. */
export const mediaError = (file, problem, text) => new MediaFormatError(`${file}: ${text}`, { file, problem });

/** The bytes of a file as a Uint8Array view (Node's Buffer, a Uint8Array, an ArrayBuffer, a DataView). */
export function fileBytes(bytes, name, what) {
  if (bytes instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && bytes instanceof SharedArrayBuffer))
    return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError(
    `${name}: expected the ${what} file's bytes (Uint8Array, Buffer or ArrayBuffer), got ${
      bytes === null ? 'null' : typeof bytes === 'object' ? `a ${bytes.constructor?.name ?? 'object'}` : typeof bytes
    }`,
  );
}
