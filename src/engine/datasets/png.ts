/**
 * A small PNG decoder (no image package ships with the product): 8-bit (and 16-bit, reduced to 8) grayscale,
 * gray+alpha, RGB, RGBA and palette images, non-interlaced, with the five scanline filters of the PNG spec
 * (https://www.w3.org/TR/png/#9Filters). Output: 8-bit pixels, `channels` per pixel as stored.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { checkLimit } from '../../formats/limits';
import { crc32 } from '../../formats/crc32';
import { UserError } from '../../core/types';

/** The hint of every damaged-image error. */
const PNG_DAMAGED = 'the image is damaged or not a real PNG; save it again from an image editor, or remove it';

export interface DecodedImage {
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** The chunks a decoder needs: the header's fields, the palette, transparency and the image data. */
interface PngChunks {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  palette?: Uint8Array;
  transparency?: Uint8Array;
  idat: Uint8Array[];
}

function readChunks(bytes: Uint8Array, where: string): PngChunks {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c: PngChunks = { width: 0, height: 0, bitDepth: 0, colorType: -1, interlace: 0, idat: [] };
  let pos = 8;
  while (pos + 8 <= bytes.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const body = bytes.subarray(pos + 8, pos + 8 + len);
    if (body.length < len) throw new UserError(`${where}: PNG chunk ${JSON.stringify(type).replace(/[^\x20-\x7e]/g, '?')} is truncated.`, PNG_DAMAGED, 'png-truncated');
    if (type === 'IHDR') {
      c.width = view.getUint32(pos + 8);
      c.height = view.getUint32(pos + 12);
      c.bitDepth = body[8];
      c.colorType = body[9];
      c.interlace = body[12];
    } else if (type === 'PLTE') c.palette = body;
    else if (type === 'tRNS') c.transparency = body;
    else if (type === 'IDAT') c.idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  return c;
}

/** Samples stored per pixel, after checking that this decoder reads the image's format. */
function storedChannels(c: PngChunks, where: string): number {
  const { width, height, bitDepth, colorType } = c;
  if (colorType < 0 || width === 0 || height === 0) throw new UserError(`${where}: PNG without an image header.`, PNG_DAMAGED, 'png-header');
  if (c.interlace !== 0) {
    throw new UserError(`${where}: interlaced PNGs are not supported.`, 'Save the image without interlacing (Adam7 off).', 'png-interlaced');
  }
  const stored = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType as 0 | 2 | 3 | 4 | 6];
  // The PNG specification's table of allowed depths: 1, 2, 4 only for gray and palette, 16 not for palette.
  const low = bitDepth === 1 || bitDepth === 2 || bitDepth === 4;
  if (!stored || !((bitDepth === 8 || (bitDepth === 16 && colorType !== 3)) || (low && (colorType === 3 || colorType === 0)))) {
    throw new UserError(`${where}: PNG color type ${colorType} with bit depth ${bitDepth} is not supported.`, 'Save it as 8-bit grayscale, RGB or RGBA.', 'png-format');
  }
  checkLimit('imagePixels', width * height, (n) => `${where} has ${n} pixels (${width} x ${height})`);
  return stored;
}

function inflateIdat(idat: Uint8Array[], where: string): Uint8Array {
  const total = idat.reduce((a, c) => a + c.length, 0);
  const compressed = new Uint8Array(total);
  let off = 0;
  for (const c of idat) {
    compressed.set(c, off);
    off += c.length;
  }
  try {
    return inflateSync(compressed);
  } catch {
    throw new UserError(`${where}: the PNG image data is corrupt.`, PNG_DAMAGED, 'png-corrupt');
  }
}

/** Undo the scanline filters: `height` lines of `stride` bytes; `bpp` bytes per complete pixel. */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number, where: string): Uint8Array {
  const lines = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = lines.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? lines.subarray((y - 1) * stride, y * stride) : undefined;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0;
      const b = prev ? prev[i] : 0;
      const c = prev && i >= bpp ? prev[i - bpp] : 0;
      let v = src[i];
      switch (filter) {
        case 0:
          break;
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new UserError(`${where}: unknown PNG filter ${filter}.`, PNG_DAMAGED, 'png-corrupt');
      }
      cur[i] = v & 0xff;
    }
  }
  return lines;
}

/** Unpack to 8-bit samples (16-bit keeps its high byte; low-bit gray is scaled to 0..255). */
function unpack(lines: Uint8Array, c: PngChunks, stored: number, stride: number): Uint8Array {
  const { width, height, bitDepth, colorType } = c;
  const samples = new Uint8Array(width * height * stored);
  for (let y = 0; y < height; y++) {
    const line = lines.subarray(y * stride, (y + 1) * stride);
    for (let i = 0; i < width * stored; i++) {
      let v: number;
      if (bitDepth === 16) v = line[i * 2];
      else if (bitDepth === 8) v = line[i];
      else {
        const perByte = 8 / bitDepth;
        const shift = 8 - bitDepth * ((i % perByte) + 1);
        v = (line[Math.floor(i / perByte)] >> shift) & ((1 << bitDepth) - 1);
        if (colorType === 0) v = Math.round((v * 255) / ((1 << bitDepth) - 1));
      }
      samples[y * width * stored + i] = v;
    }
  }
  return samples;
}

/** Palette indices to RGB, or RGBA when the image has transparency. */
function applyPalette(samples: Uint8Array, c: PngChunks, where: string): DecodedImage {
  const { width, height, palette, transparency } = c;
  if (!palette) throw new UserError(`${where}: palette PNG without a palette.`, PNG_DAMAGED, 'png-corrupt');
  const alpha = transparency !== undefined;
  const channels = alpha ? 4 : 3;
  const data = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const k = samples[p];
    data[p * channels] = palette[k * 3];
    data[p * channels + 1] = palette[k * 3 + 1];
    data[p * channels + 2] = palette[k * 3 + 2];
    if (alpha) data[p * channels + 3] = k < (transparency as Uint8Array).length ? (transparency as Uint8Array)[k] : 255;
  }
  return { width, height, channels, data };
}

export function decodePng(bytes: Uint8Array, where = 'image'): DecodedImage {
  if (!isPng(bytes)) throw new UserError(`${where} is not a PNG file.`, PNG_DAMAGED, 'png-signature');
  const chunks = readChunks(bytes, where);
  const stored = storedChannels(chunks, where);
  const { width, height, bitDepth, colorType } = chunks;
  const raw = inflateIdat(chunks.idat, where);
  const bitsPerPixel = stored * bitDepth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3); // bytes per complete pixel, for the filters
  if (raw.length < height * (stride + 1)) throw new UserError(`${where}: the PNG image data is truncated.`, PNG_DAMAGED, 'png-truncated');
  const samples = unpack(unfilter(raw, height, stride, bpp, where), chunks, stored, stride);
  if (colorType !== 3) return { width, height, channels: stored, data: samples };
  return applyPalette(samples, chunks, where);
}

/** Encode 8-bit pixels as a PNG (used by tests and by previews; filter 0, zlib-deflated). */
export function encodePng(img: DecodedImage): Uint8Array {
  const colorType = { 1: 0, 2: 4, 3: 2, 4: 6 }[img.channels as 1 | 2 | 3 | 4];
  const stride = img.width * img.channels;
  const raw = new Uint8Array(img.height * (stride + 1));
  for (let y = 0; y < img.height; y++) raw.set(img.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const chunk = (type: string, body: Uint8Array) => {
    const out = new Uint8Array(12 + body.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, body.length);
    out.set(Buffer.from(type, 'latin1'), 4);
    out.set(body, 8);
    v.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, img.width);
  hv.setUint32(4, img.height);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]);
}

