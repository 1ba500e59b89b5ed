/**
 * An image folder dataset, the layout of Keras' `image_dataset_from_directory`: one subfolder per class
 * (sorted names are the class indices). Images are decoded per batch, not up front, so big folders stream.
 * PNG is decoded by our own decoder, baseline and progressive JPEG by jpeg-js (pure JavaScript).
 */
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { UserError } from '../../core/types';
import { checkLimit, limit } from '../../formats/limits';
import { decode as decodeJpegBytes } from 'jpeg-js';
import { decodePng, type DecodedImage } from './png';
import { rng, shuffled, type DataSource } from './source';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

export interface ImageFolderOptions {
  /** Target [height, width, channels]; default: the first image's size, channels 1 for gray images else 3. */
  shape?: [number, number, number];
  /**
   * The file list is shuffled with this seed before anything else, as Keras' image_dataset_from_directory
   * does, so a validation split takes images of every class, not the last class's (the list is sorted).
   */
  seed?: number;
}

/** The seed image folders shuffle with when the data spec names none (Keras takes a random one). */
export const IMAGE_FOLDER_SEED = 1337;

export interface ImageFolder {
  source: DataSource;
  classNames: string[];
  files: { path: string; label: number }[];
}

export function listImageFolder(dir: string): { classNames: string[]; files: { path: string; label: number }[] } {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    throw new UserError(`Folder not found: ${dir}`, 'Check the path in the data spec (images:DIR).', 'missing-file');
  }
  const classNames = entries.filter((e) => statSync(join(dir, e)).isDirectory());
  if (classNames.length === 0) {
    throw new UserError(`${dir} has no class subfolders.`, 'Put the images of each class in their own subfolder, e.g. cats/ and dogs/.', 'images-layout');
  }
  const files: { path: string; label: number }[] = [];
  classNames.forEach((c, label) => {
    for (const f of readdirSync(join(dir, c)).sort()) {
      if (!IMAGE_EXT.has(extname(f).toLowerCase())) continue;
      const path = join(dir, c, f);
      checkRegularFile(path);
      files.push({ path, label });
    }
  });
  if (files.length === 0) throw new UserError(`${dir} has no .png or .jpg images in its class subfolders.`, 'put each class\'s images (.png, .jpg) in its own subfolder', 'images-empty');
  return { classNames, files };
}

/**
 * An image must be a regular file (through any symlink): a named pipe called `9.png` would block the read
 * forever and a link to `/dev/zero` would grow without end.
 */
function checkRegularFile(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new UserError(`${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, 'Remove it or fix the link.', 'bad-image');
  }
  if (!st.isFile()) {
    const kind = st.isFIFO() ? 'a named pipe' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
    throw new UserError(`${path} is ${kind}, not an image file.`, 'An image folder holds only image files; remove it.', 'bad-image');
  }
  checkLimit('fileBytes', st.size, (n) => `${path} is ${n} bytes`);
}

export async function decodeImageFile(path: string): Promise<DecodedImage> {
  checkRegularFile(path);
  const bytes = await readFile(path);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return decodeJpeg(bytes, basename(path));
  return decodePng(bytes, basename(path));
}

/** JPEG to RGB pixels; limits keep a hostile file from exhausting memory. */
export function decodeJpeg(bytes: Uint8Array, name = 'image'): DecodedImage {
  try {
    const img = decodeJpegBytes(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: limit('imagePixels') / 1e6, maxMemoryUsageInMB: 512 });
    return { width: img.width, height: img.height, channels: 3, data: img.data };
  } catch (e) {
    throw new UserError(`${name} is not a readable JPEG image: ${(e as Error).message}`, 'Re-save the image as PNG or baseline JPEG, or remove it from the folder.', 'bad-image');
  }
}

/** Convert decoded pixels to `channels` and resize (bilinear) to height×width, scaled to [0, 1]. */
export function toFloatPixels(img: DecodedImage, height: number, width: number, channels: number, out: Float32Array, at: number): void {
  const sample = (x: number, y: number, c: number): number => {
    const p = (y * img.width + x) * img.channels;
    const ch = img.channels;
    const gray = ch <= 2;
    if (channels === 1) {
      return gray ? img.data[p] : 0.299 * img.data[p] + 0.587 * img.data[p + 1] + 0.114 * img.data[p + 2];
    }
    if (c === 3) return ch === 4 ? img.data[p + 3] : ch === 2 ? img.data[p + 1] : 255;
    return gray ? img.data[p] : img.data[p + c];
  };
  const sy = img.height / height;
  const sx = img.width / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const v =
          (1 - wy) * ((1 - wx) * sample(x0, y0, c) + wx * sample(x1, y0, c)) + wy * ((1 - wx) * sample(x0, y1, c) + wx * sample(x1, y1, c));
        out[at + (y * width + x) * channels + c] = v / 255;
      }
    }
  }
}

export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<ImageFolder> {
  const listed = listImageFolder(dir);
  const { classNames } = listed;
  const files = shuffled(listed.files.length, rng(opts.seed ?? IMAGE_FOLDER_SEED)).map((i) => listed.files[i]);
  let shape = opts.shape;
  if (!shape) {
    const first = await decodeImageFile(files[0].path);
    shape = [first.height, first.width, first.channels <= 2 ? 1 : 3];
  }
  const [h, w, c] = shape;
  const source: DataSource = {
    description: `images:${basename(dir)}`,
    xShape: [h, w, c],
    xDType: 'float32',
    labels: { kind: 'class', numClasses: classNames.length, classNames },
    size: files.length,
    async read(indices) {
      const x = new Float32Array(indices.length * h * w * c);
      const y = new Int32Array(indices.length);
      const decoded = await Promise.all(indices.map((i) => decodeImageFile(files[i].path)));
      decoded.forEach((img, k) => {
        toFloatPixels(img, h, w, c, x, k * h * w * c);
        y[k] = files[indices[k]].label;
      });
      return { x, y, size: indices.length };
    },
  };
  return { source, classNames, files };
}
