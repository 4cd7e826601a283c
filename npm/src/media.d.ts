// ---- Image and WAV files (npm/src/images.mjs, wav.mjs; appended to index.d.ts by scripts/build.mjs) ----

/** File bytes as Node (Buffer) and browsers (ArrayBuffer from File.arrayBuffer()) give them. */
export type FileBytes = ArrayBuffer | ArrayBufferView;

/**
 * What readImage, readWav, imagePair and audioPair throw for a file they cannot read or two files
 * that do not go together. The message starts with the file's name; branch on `problem`.
 */
export declare class MediaFormatError extends Error {
  readonly name: 'MediaFormatError';
  /** The file at fault (the `name` given to the reader; the estimate's for a mismatch). */
  readonly file: string;
  /**
   * 'not-recognised': not a PNG/JPEG/WAV file; 'truncated': the file ends early; 'corrupt': its
   * structure is wrong; 'unsupported': a valid file of a kind not read (12-bit JPEG, ADPCM WAV);
   * 'mismatch': an estimate and its reference differ in size, channels, range, rate or length.
   */
  readonly problem: 'not-recognised' | 'truncated' | 'corrupt' | 'unsupported' | 'mismatch';
}

/** What `data` holds: float32 (the default), or with `samples: 'stored'` the file's own integers. */
export type ImageSamples = Float32Array | Uint8Array | Uint16Array;

/**
 * A decoded image, channel-first, as the image metrics take it (add the batch axis: `[1, ...shape]`).
 * `D` is Float32Array unless it was read with `samples: 'stored'`.
 */
export interface DecodedImage<D extends ImageSamples = Float32Array> {
  readonly name: string;
  /** Told from the file's first bytes, not its name. */
  readonly format: 'png' | 'jpeg';
  /**
   * The samples as stored (0..255 for 8-bit, 0..65535 for 16-bit; never rescaled), [C, H, W] row-major:
   * float32, or with `samples: 'stored'` a Uint8Array (bit depth 1-8) or Uint16Array (16).
   */
  readonly data: D;
  /** [C, H, W]. */
  readonly shape: [number, number, number];
  readonly width: number;
  readonly height: number;
  /** The channels in `data`: palette PNGs are expanded to rgb (rgba with a tRNS chunk). */
  readonly colorType: 'grey' | 'grey-alpha' | 'rgb' | 'rgba';
  /** Whether the PNG stored palette indices (expanded to colours in `data`). */
  readonly palette: boolean;
  /** Bits per sample in the file: 1, 2, 4, 8 or 16 (JPEG: 8). */
  readonly bitDepth: 1 | 2 | 4 | 8 | 16;
  /** The options.dataRange given, else 2^bitDepth - 1 (255 for 8-bit, 65535 for 16-bit): pass it as the metrics' dataRange. */
  readonly dataRange: number;
}

export interface ReadImageOptions {
  /** Used in every error message and kept as `name` (e.g. the file name). Default 'image'. */
  name?: string;
  /** The value range of the samples; default 2^bitDepth - 1 (e.g. 1023 for 10-bit data stored in a 16-bit PNG). */
  dataRange?: number;
  /** 'keep' (default) returns the alpha channel of grey+alpha and RGBA images as the last channel; 'drop' leaves it out. */
  alpha?: 'keep' | 'drop';
  /**
   * 'float32' (default): what every image metric takes. 'stored': the file's integers (Uint8Array for
   * 1-8 bits, Uint16Array for 16), a quarter (half) of the bytes: PeakSignalNoiseRatio and
   * TotalVariation take them and give the same values; SSIM and the others need float32, as in TorchMetrics.
   */
  samples?: 'float32' | 'stored';
}

/**
 * Decodes a PNG (1/2/4/8/16-bit; grey, grey+alpha, RGB, RGBA, palette; interlaced too) or a JPEG
 * (8-bit baseline or progressive; grey, YCbCr, CMYK) into float32 samples [C, H, W] and the data
 * range its bit depth implies. Pixels are taken as stored: no gamma, colour profile or EXIF
 * orientation is applied. JPEG decoders may differ by one level at some pixels (IDCT rounding and
 * chroma upsampling): jpeg-js is not libjpeg. Throws a MediaFormatError naming the file for a
 * file that is neither, truncated or corrupt, or a 12-bit, lossless or arithmetic-coded JPEG.
 * @example
 * const ref = readImage(readFileSync('ref.png'), { name: 'ref.png' });
 * const est = readImage(readFileSync('est.png'), { name: 'est.png' });
 * const { preds, target, dataRange } = imagePair(est, ref);
 * const ssim = new StructuralSimilarityIndexMeasure({ dataRange });
 * ssim.update(preds, target);
 */
export declare function readImage(
  bytes: FileBytes,
  options: ReadImageOptions & { samples: 'stored' },
): DecodedImage<Uint8Array | Uint16Array>;
export declare function readImage(bytes: FileBytes, options?: ReadImageOptions & { samples?: 'float32' }): DecodedImage;

/** An image pair as update(preds, target) takes it, [1, C, H, W] each, and the data range they share. */
export interface ImagePair<D extends ImageSamples = Float32Array> {
  preds: { data: D; shape: [1, number, number, number] };
  target: { data: D; shape: [1, number, number, number] };
  dataRange: number;
}

/**
 * Checks that an estimate and its reference image can be compared and shapes them as
 * [1, C, H, W]; throws a MediaFormatError (problem 'mismatch') naming both files when their sizes,
 * channel counts, data ranges or sample types differ.
 */
export declare function imagePair<D extends ImageSamples>(
  estimate: DecodedImage<D>,
  reference: DecodedImage<D>,
): ImagePair<D>;

/** A decoded WAV file: every channel as float32, channel after channel. */
export interface DecodedWav {
  readonly name: string;
  readonly sampleRate: number;
  readonly numChannels: number;
  /** Samples per channel. */
  readonly numFrames: number;
  /** Bits per sample in the file: 8, 16, 24, 32 (PCM) or 32, 64 (float). */
  readonly bitDepth: 8 | 16 | 24 | 32 | 64;
  readonly sampleFormat: 'int' | 'float';
  /** [channels, frames] row-major: integers scaled by 2^(bitDepth-1) into [-1, 1) (8-bit: (x - 128) / 128), floats as stored. */
  readonly data: Float32Array;
  /** [numChannels, numFrames]. */
  readonly shape: [number, number];
  /** One view of `data` per channel (no copy). */
  readonly channelData: Float32Array[];
}

/**
 * Reads a RIFF/WAVE file: PCM 8 (unsigned), 16, 24, 32-bit or IEEE float 32/64-bit, plain or
 * WAVE_FORMAT_EXTENSIBLE, any rate and channel count. A data chunk whose size a streaming writer
 * left unset (0 or 0xFFFFFFFF) runs to the end of the file. Throws a MediaFormatError naming the
 * file for a file that is not a WAV, is truncated (a data chunk longer than the file, a partial
 * frame), or holds compressed (ADPCM, mu-law, MP3...), big-endian (RIFX) or RF64 audio.
 * @example
 * const est = readWav(readFileSync('est.wav'), { name: 'est.wav' });
 * const ref = readWav(readFileSync('ref.wav'), { name: 'ref.wav' });
 * const { preds, target } = audioPair(est, ref);
 * new ScaleInvariantSignalDistortionRatio().forward(preds, target); // mean over the channels
 */
export declare function readWav(bytes: FileBytes, options?: { name?: string }): DecodedWav;

/** A recording pair as update(preds, target) takes it, [channels, frames] each. */
export interface AudioPair {
  preds: { data: Float32Array; shape: [number, number] };
  target: { data: Float32Array; shape: [number, number] };
  sampleRate: number;
}

/**
 * Checks that an estimate and its reference recording can be compared; throws a MediaFormatError
 * (problem 'mismatch') naming both files when their sample rates, channel counts or lengths differ.
 */
export declare function audioPair(estimate: DecodedWav, reference: DecodedWav): AudioPair;
