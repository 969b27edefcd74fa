/**
 * Sparse int8 kernels for pruned layers, all bit-exact with the dense reference FULLY_CONNECTED:
 *   csr-int8.ts, fully-connected-csr.ts   CSR weights and the pure-TS reference kernel (the specification)
 *   csr-wasm.ts                           the CSR kernel in WASM SIMD (lane gathers + dot products)
 *   two-four-wasm.ts                      2:4 weights in WASM SIMD (swizzle gathers), for batch 1
 * Both WASM kernels run on the int8 module's runtime (src/kernels/int8-wasm); assembly/int8-sparse.ts holds them.
 */
export { toCsrInt8, type CsrInt8Matrix } from "./csr-int8.js";
export { checkSparseFullyConnected, evalFullyConnectedInt8Csr } from "./fully-connected-csr.js";
export { prepareFullyConnectedInt8CsrWasm, evalFullyConnectedInt8CsrWasm, type CsrFullyConnectedWasm } from "./csr-wasm.js";
export { packTwoFour, prepareFullyConnectedInt8TwoFourWasm, evalFullyConnectedInt8TwoFourWasm, type TwoFourFullyConnectedWasm } from "./two-four-wasm.js";
