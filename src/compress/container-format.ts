/**
 * The .dmlz compressed-model container (version 1). All integers little-endian.
 *
 *   header   "DMLZ" magic (4 bytes) | u16 version = 1 | u16 flags = 0 | u32 section count | u32 file length
 *   section  u32 payload length | payload | u32 CRC-32 of the payload        (repeated `section count` times)
 *
 * Section 0 is the metadata: UTF-8 JSON object of strings (model name, settings). Every other section is one
 * tensor:
 *   u16 name length | name (UTF-8) | u8 kind | u8 rank | u32 dims[rank]
 *   kind 0, dense:     f32 values[product of dims]
 *   kind 1, clustered: u8 bits | u8 indexBits | u16 K | u32 entries | f32 centroids[K]
 *                      | u8 cluster-code lengths[K + 1] (symbol K is PAD, see relative-index.ts)
 *                      | u8 gap-code lengths[2^indexBits]
 *                      | u32 cluster-stream bits | cluster stream | u32 gap-stream bits | gap stream
 *   K <= 2^bits is the number of shared values some kept weight uses (unused centroids are not stored, so a
 *   small layer does not pay for 256 centroids). Both streams are canonical Huffman codes (huffman.ts), MSB
 *   first, each padded to a whole byte.
 */
export const MAGIC = Uint8Array.of(0x44, 0x4d, 0x4c, 0x5a); // "DMLZ"
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 16;
export const KIND_DENSE = 0;
export const KIND_CLUSTERED = 1;
