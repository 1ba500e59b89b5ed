/**
 * How each format is recognised from its bytes, without loading its module: the registry sniffs every file
 * with these and imports only the format that claims it. Nothing here may throw or pull in a dependency.
 */
import { decodeUtf8 } from './format';

/** File signatures (HDF5: Keras .h5 / .weights.h5; zip: .keras). */
const HDF5_MAGIC = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);

export function startsWith(bytes: Uint8Array, magic: Uint8Array): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

/** The first non-whitespace byte (skipping a UTF-8 BOM), or -1. Cheap content sniffing for JSON files. */
export function firstSignificantByte(bytes: Uint8Array): number {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  for (; i < bytes.length && i < 4096; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b;
  }
  return -1;
}

/** True when the bytes start with the HDF5 signature (at offset 0; Keras files never use a user block). */
export function isHdf5(bytes: Uint8Array): boolean {
  return startsWith(bytes, HDF5_MAGIC);
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b;
}

const isWeightsH5Name = (fileName: string) => /\.weights\.h5$/i.test(fileName);

export function looksLikeTfjs(bytes: Uint8Array): boolean {
  return firstSignificantByte(bytes) === 0x7b && decodeUtf8(bytes).includes('"modelTopology"');
}

export function looksLikeKerasJson(bytes: Uint8Array): boolean {
  if (firstSignificantByte(bytes) !== 0x7b) return false;
  const head = decodeUtf8(bytes.subarray(0, 65536));
  return head.includes('"class_name"') && head.includes('"config"') && !head.includes('"modelTopology"');
}

export const looksLikeKerasH5 = (bytes: Uint8Array, fileName: string) => isHdf5(bytes) && !isWeightsH5Name(fileName);
export const looksLikeKerasWeightsH5 = (bytes: Uint8Array, fileName: string) => isHdf5(bytes) && isWeightsH5Name(fileName);
export const looksLikeKerasZip = (bytes: Uint8Array, fileName: string) => isZip(bytes) && /\.keras$/i.test(fileName);

/**
 * A cheap check that `bytes` start like a ModelProto as real exporters write it: field 1 (ir_version,
 * varint, tag 0x08) with a small version number. Zero bytes are never protobuf (field number 0 is invalid).
 */
function looksLikeModelProto(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x08 && bytes[1]! >= 1 && bytes[1]! <= 30;
}

/** HDF5 (0x89 'HDF') and zip ('PK') files belong to the Keras formats, whatever their name says. */
const isHdf5OrZip = (b: Uint8Array) => (b[0] === 0x89 && b[1] === 0x48 && b[2] === 0x44 && b[3] === 0x46) || (b[0] === 0x50 && b[1] === 0x4b);

export function looksLikeOnnx(bytes: Uint8Array, fileName: string): boolean {
  if (looksLikeModelProto(bytes)) return true;
  // A file named .onnx that is not HDF5, zip or JSON is claimed, so that reading it says why it is not ONNX.
  if (!fileName.toLowerCase().endsWith('.onnx')) return false;
  return !isHdf5OrZip(bytes) && firstSignificantByte(bytes) !== 0x7b;
}
