// Image/audio metrics on the SIMD build (see image-audio-runner.mjs).
import { runImageAudio } from './image-audio-runner.mjs';

await runImageAudio({ simd: true });
