// Writes data/fashion-mnist-subset/: the first 5,000 training and first 1,000 test images (and labels) of
// Fashion-MNIST, in the original gzipped IDX format, so tests and the demo run without the full dataset.
// Usage: node scripts/make-fashion-mnist-subset.mjs [source-dir]   (default /usr/share/datasets/fashion-mnist)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = process.argv[2] ?? "/usr/share/datasets/fashion-mnist";
const target = join(root, "data/fashion-mnist-subset");
const parts = [
  ["train-images-idx3-ubyte.gz", 5000],
  ["train-labels-idx1-ubyte.gz", 5000],
  ["t10k-images-idx3-ubyte.gz", 1000],
  ["t10k-labels-idx1-ubyte.gz", 1000],
];

mkdirSync(target, { recursive: true });
for (const [name, count] of parts) {
  const bytes = gunzipSync(readFileSync(join(source, name)));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ndim = bytes[3];
  const header = 4 + 4 * ndim;
  let perItem = 1;
  for (let i = 1; i < ndim; i++) perItem *= view.getUint32(4 + 4 * i, false);
  const out = Buffer.from(bytes.subarray(0, header + count * perItem));
  out.writeUInt32BE(count, 4); // the first dimension is the item count
  writeFileSync(join(target, name), gzipSync(out, { level: 9 }));
  console.log(`wrote ${name}: ${count} items`);
}
