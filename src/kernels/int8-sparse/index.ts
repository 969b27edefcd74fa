/**
 * Sparse int8 kernels for pruned layers: FULLY_CONNECTED on CSR weights, a pure-TS reference (the
 * specification, bit-exact with the dense reference) and its WASM SIMD version on the int8 module's runtime.
 */
export { toCsrInt8, type CsrInt8Matrix } from "./csr-int8.js";
export { checkSparseFullyConnected, evalFullyConnectedInt8Csr } from "./fully-connected-csr.js";
export { prepareFullyConnectedInt8CsrWasm, evalFullyConnectedInt8CsrWasm, type CsrFullyConnectedWasm } from "./wasm.js";
export { packTwoFour, prepareFullyConnectedInt8TwoFourWasm, evalFullyConnectedInt8TwoFourWasm, type TwoFourFullyConnectedWasm } from "./two-four-wasm.js";
