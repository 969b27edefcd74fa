/** Importing this module registers every reference kernel. */
import "./conv.js";
import "./fully-connected.js";
import "./pool.js";
import "./binary.js";
import "./activations.js";
import "./shape-ops.js";
import "./quantize.js";
