#!/usr/bin/env python3
"""Makes the Image-pair and Audio modes' samples (web/samples/images, web/samples/audio): synthetic
and small, deterministic. python3 web/scripts/make-media-samples.py (numpy, scipy, PIL)."""
import os
import numpy as np
import scipy.io.wavfile
from PIL import Image, ImageFilter, ImageDraw

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'samples')
rng = np.random.default_rng(7)

def img_path(side, name):
    return os.path.join(ROOT, 'images', side, name)

# "harbour": 192x176 RGB scene (large enough for MS-SSIM's five scales), estimate a JPEG at quality 25
h, w = 176, 192
yy, xx = np.mgrid[0:h, 0:w]
sky = np.stack([120 + yy * 0.5, 170 + yy * 0.3, 235 - yy * 0.2], -1)
scene = Image.fromarray(sky.clip(0, 255).astype(np.uint8), 'RGB')
d = ImageDraw.Draw(scene)
d.rectangle([0, 120, w, h], fill=(40, 80, 130))
for i, x in enumerate(range(10, 180, 34)):
    d.rectangle([x, 70 + (i % 3) * 8, x + 24, 122], fill=(200 - i * 20, 90 + i * 15, 60 + i * 25))
    d.polygon([(x - 2, 70 + (i % 3) * 8), (x + 12, 55 + (i % 3) * 8), (x + 26, 70 + (i % 3) * 8)], fill=(150, 40, 40))
d.ellipse([140, 12, 170, 42], fill=(250, 230, 120))
scene.save(img_path('reference', 'harbour.png'))
scene.save(img_path('estimate', 'harbour.jpg'), quality=25)

# "texture": 200x180 grey texture, estimate blurred
ty, tx = np.mgrid[0:180, 0:200]
tex = (128 + 60 * np.sin(tx / 5.0) * np.cos(ty / 7.0)
       + rng.normal(0, 12, (180, 200))).clip(0, 255).astype(np.uint8)
Image.fromarray(tex, 'L').save(img_path('reference', 'texture.png'))
Image.fromarray(tex, 'L').filter(ImageFilter.GaussianBlur(1.2)).save(img_path('estimate', 'texture.png'))

# "icon": 64x48 RGBA (alpha dropped by the mode), too small for MS-SSIM; estimate with noise
icon = np.zeros((48, 64, 4), np.uint8)
iy, ix = np.mgrid[0:48, 0:64]
icon[..., 0] = (ix * 4).clip(0, 255)
icon[..., 1] = 255 - (iy * 5).clip(0, 255)
icon[..., 2] = 128
icon[..., 3] = 255
Image.fromarray(icon, 'RGBA').save(img_path('reference', 'icon.png'))
noisy = icon.astype(np.int16)
noisy[..., :3] += rng.integers(-20, 21, (48, 64, 3))
Image.fromarray(noisy.clip(0, 255).astype(np.uint8), 'RGBA').save(img_path('estimate', 'icon.png'))

# audio: "speech" mono 16-bit PCM at 8 kHz (a voiced-like harmonic chirp), estimate with noise;
# "duet" two sources (float32, one per channel), estimate with the sources swapped and leaking
rate, n = 8000, 4000
t = np.arange(n) / rate
f0 = 140 + 60 * t
voice = sum(np.sin(2 * np.pi * k * np.cumsum(f0) / rate) / k for k in range(1, 6)) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
voice = voice / np.abs(voice).max() * 0.6
def pcm16(x):
    return (x * 32767).round().clip(-32768, 32767).astype(np.int16)
def apath(side, name):
    return os.path.join(ROOT, 'audio', side, name)
scipy.io.wavfile.write(apath('reference', 'speech.wav'), rate, pcm16(voice))
scipy.io.wavfile.write(apath('estimate', 'speech.wav'), rate, pcm16(voice + rng.normal(0, 0.05, n)))
s1 = 0.5 * np.sin(2 * np.pi * 330 * t) * np.exp(-t * 2)
s2 = 0.4 * np.sign(np.sin(2 * np.pi * 3 * t)) * np.sin(2 * np.pi * 523 * t)
ref = np.stack([s1, s2], -1).astype(np.float32)
est = np.stack([s2 + 0.15 * s1 + rng.normal(0, 0.01, n), s1 + 0.1 * s2 + rng.normal(0, 0.02, n)], -1).astype(np.float32)
scipy.io.wavfile.write(apath('reference', 'duet.wav'), rate, ref)
scipy.io.wavfile.write(apath('estimate', 'duet.wav'), rate, est)
print('written under', os.path.normpath(ROOT))
