#!/usr/bin/env python3
"""Makes the small image and WAV files of tests/js/media.test.mjs, and media.json: for each file,
the samples an independent decoder reads (PIL/libpng/libjpeg for images; the integers written,
for WAV), channel-first. Run from anywhere: python3 tests/data/media/make_media.py"""
import json, os, struct, wave, zlib
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(23)
expected = {}


def path(name):
    return os.path.join(HERE, name)


def chw(a):
    a = np.asarray(a)
    return (a[None] if a.ndim == 2 else np.moveaxis(a, -1, 0)).astype(np.float64)


def record(name, arr, **info):
    arr = chw(arr)
    expected[name] = {'shape': list(arr.shape), 'data': arr.ravel().tolist(), **info}


def png_raw(name, arr, color_type, depth):
    """A PNG written by hand (PIL writes no 16-bit RGB/RGBA): filter 0 rows, big-endian samples."""
    h, w = arr.shape[:2]
    dt = '>u2' if depth == 16 else 'u1'
    rows = b''.join(b'\0' + arr[y].astype(dt).tobytes() for y in range(h))
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    ihdr = struct.pack('>IIBBBBB', w, h, depth, color_type, 0, 0, 0)
    with open(path(name), 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


H, W = 9, 13  # odd sizes on purpose
yy, xx = np.mgrid[0:H, 0:W]
grad = (xx * 19 + yy * 7) % 256

# 8-bit PNGs through PIL, read back by PIL
for name, mode, arr in [
    ('grey8.png', 'L', grad.astype(np.uint8)),
    ('greyalpha8.png', 'LA', np.stack([grad, 255 - grad], -1).astype(np.uint8)),
    ('rgb8.png', 'RGB', rng.integers(0, 256, (H, W, 3), dtype=np.uint8)),
    ('rgba8.png', 'RGBA', rng.integers(0, 256, (H, W, 4), dtype=np.uint8)),
]:
    Image.fromarray(arr, mode).save(path(name))
    record(name, np.asarray(Image.open(path(name))), bitDepth=8)

# 16-bit grey through PIL (I;16), 16-bit RGB/RGBA/grey+alpha by hand
g16 = (xx * 5003 + yy * 911) % 65536
Image.fromarray(g16.astype(np.uint16), 'I;16').save(path('grey16.png'))
record('grey16.png', np.asarray(Image.open(path('grey16.png'))).astype(np.uint16), bitDepth=16)
for name, ct, c in [('rgb16.png', 2, 3), ('rgba16.png', 6, 4), ('greyalpha16.png', 4, 2)]:
    arr = rng.integers(0, 65536, (H, W, c), dtype=np.uint16)
    png_raw(name, arr, ct, 16)
    record(name, arr, bitDepth=16)

# palette (with and without transparency), 1-bit grey
pal = Image.fromarray((grad // 32).astype(np.uint8), 'P')
pal.putpalette([v for i in range(8) for v in (i * 30, 255 - i * 30, (i * 77) % 256)])
pal.save(path('palette.png'))
record('palette.png', np.asarray(Image.open(path('palette.png')).convert('RGB')), bitDepth=8)
pal.save(path('palette-trns.png'), transparency=bytes([255, 128, 0, 255, 255, 255, 255, 40]))
record('palette-trns.png', np.asarray(Image.open(path('palette-trns.png')).convert('RGBA')), bitDepth=8)
bits = ((xx + yy) % 3 == 0).astype(np.uint8) * 255
Image.fromarray(bits, 'L').convert('1').save(path('grey1.png'))
record('grey1.png', np.asarray(Image.open(path('grey1.png'))).astype(np.uint8), bitDepth=1)

# JPEGs: libjpeg's decoding (PIL) is the reference. Full-resolution chroma (4:4:4): within 3 levels
# (IDCT rounding). Subsampled chroma (4:2:0): jpeg-js repeats chroma samples where libjpeg
# interpolates ("fancy upsampling"), so on a smooth image a few levels more
smooth = np.stack([xx * 19 + yy * 2, 200 - xx * 11, 40 + yy * 23], -1).astype(np.uint8)
Image.fromarray(smooth, 'RGB').save(path('rgb.jpg'), quality=92, subsampling=0)
record('rgb.jpg', np.asarray(Image.open(path('rgb.jpg'))), bitDepth=8, tolerance=3)
Image.fromarray(smooth, 'RGB').save(path('progressive.jpg'), quality=85, progressive=True, subsampling=2)
record('progressive.jpg', np.asarray(Image.open(path('progressive.jpg'))), bitDepth=8, tolerance=16)
Image.fromarray(grad.astype(np.uint8), 'L').save(path('grey.jpg'), quality=95)
record('grey.jpg', np.asarray(Image.open(path('grey.jpg'))), bitDepth=8, tolerance=3)

# broken images
raw = open(path('rgb8.png'), 'rb').read()
open(path('truncated.png'), 'wb').write(raw[: len(raw) // 2])
raw = open(path('rgb.jpg'), 'rb').read()
open(path('truncated.jpg'), 'wb').write(raw[: len(raw) // 2])
i = raw.index(b'\xff\xc0')
open(path('arithmetic.jpg'), 'wb').write(raw[:i] + b'\xff\xc9' + raw[i + 2:])
open(path('notes.png'), 'wb').write(b'this is not an image\n')

# WAV files: the integers written and their divisor (expected float = int / scale), channel-first
T = 50
t = np.arange(T)
def wav_record(name, ints, scale, rate, bits, fmt):
    expected[name] = {'shape': [ints.shape[0], ints.shape[1]], 'data': (ints.astype(np.float64).ravel() / scale).tolist() if fmt != 'float' else ints.astype(np.float64).ravel().tolist(),
                      'sampleRate': rate, 'bitDepth': bits, 'sampleFormat': fmt}

def write_riff(name, fmt_chunk, data_bytes, data_size=None):
    size = len(data_bytes) if data_size is None else data_size
    body = b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt_chunk)) + fmt_chunk + b'LIST' + struct.pack('<I', 5) + b'hello\0' \
        + b'data' + struct.pack('<I', size) + data_bytes
    open(path(name), 'wb').write(b'RIFF' + struct.pack('<I', len(body)) + body)

def interleave(ints, dtype):
    return np.ascontiguousarray(ints.T).astype(dtype).tobytes()

s16 = np.stack([(np.sin(t / 3) * 30000).astype(np.int16), (np.cos(t / 5) * -32768).clip(-32768, 32767).astype(np.int16)])
fmt16 = struct.pack('<HHIIHH', 1, 2, 16000, 16000 * 4, 4, 16)
write_riff('pcm16-stereo.wav', fmt16, interleave(s16, '<i2'))
wav_record('pcm16-stereo.wav', s16, 32768, 16000, 16, 'int')

s24 = np.stack([(np.sin(t / 4) * 8388607).astype(np.int64)])
with wave.open(path('pcm24-mono.wav'), 'wb') as w:
    w.setnchannels(1); w.setsampwidth(3); w.setframerate(22050)
    w.writeframes(b''.join(int(v).to_bytes(3, 'little', signed=True) for v in s24[0]))
wav_record('pcm24-mono.wav', s24, 8388608, 22050, 24, 'int')

s32 = np.stack([(np.sin(t / 2) * 2**31 * 0.9).astype(np.int64)])
write_riff('pcm32-mono.wav', struct.pack('<HHIIHH', 1, 1, 8000, 8000 * 4, 4, 32), interleave(s32, '<i4'))
wav_record('pcm32-mono.wav', s32, 2**31, 8000, 32, 'int')

f32 = np.stack([np.sin(t / 3), 0.5 * np.cos(t / 7), rng.standard_normal(T) * 0.1]).astype(np.float32)
import scipy.io.wavfile
scipy.io.wavfile.write(path('float32-3ch.wav'), 44100, np.ascontiguousarray(f32.T))
wav_record('float32-3ch.wav', f32, 1, 44100, 32, 'float')

# WAVE_FORMAT_EXTENSIBLE: 24-bit PCM and float32 sub-formats
GUID_TAIL = bytes.fromhex('000000001000800000aa00389b71')
def ext_fmt(sub, ch, rate, bits):
    return struct.pack('<HHIIHHHHI', 0xfffe, ch, rate, rate * ch * bits // 8, ch * bits // 8, bits, 22, bits, 3 if ch == 2 else 4) + struct.pack('<H', sub) + GUID_TAIL
e24 = np.stack([(np.sin(t / 6) * 4000000).astype(np.int64), (np.cos(t / 6) * -4000000).astype(np.int64)])
write_riff('extensible-pcm24.wav', ext_fmt(1, 2, 48000, 24), b''.join(int(v).to_bytes(3, 'little', signed=True) for v in np.ascontiguousarray(e24.T).ravel()))
wav_record('extensible-pcm24.wav', e24, 8388608, 48000, 24, 'int')
ef = np.stack([np.sin(t / 9)]).astype(np.float32)
write_riff('extensible-float32.wav', ext_fmt(3, 1, 16000, 32), interleave(ef, '<f4'))
wav_record('extensible-float32.wav', ef, 1, 16000, 32, 'float')

# broken WAV files
raw = open(path('pcm16-stereo.wav'), 'rb').read()
open(path('truncated.wav'), 'wb').write(raw[:-37])  # declares more data than it holds
write_riff('partial-frame.wav', fmt16, interleave(s16, '<i2')[:-2])
write_riff('adpcm.wav', struct.pack('<HHIIHH', 2, 1, 8000, 4096, 256, 4), b'\0' * 256)
open(path('rifx.wav'), 'wb').write(b'RIFX' + raw[4:])
open(path('header-only.wav'), 'wb').write(raw[:20])

json.dump(expected, open(path('media.json'), 'w'), indent=0)
print(len(expected), 'files described in media.json')
