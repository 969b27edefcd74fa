/** Importing this module registers every reference kernel. */
import "./conv.js";
import "./fully-connected.js";
import "./pool.js";
import "./binary.js";
import "./activations.js";
import "./shape-ops.js";
import "./quantize.js";
// Last: replaces some int8 reference kernels registered above with the WASM ones.
import "./int8-wasm.js";
// After the dense FULLY_CONNECTED kernels above: routes pruned layers to the sparse kernels.
import "./sparse-fully-connected.js";
