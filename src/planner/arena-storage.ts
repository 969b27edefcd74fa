/**
 * Activations as views into one arena at a plan's offsets, for the engine's TensorStorage seam
 * (src/engine/storage.ts; matched structurally so the planner does not depend on the engine). Running the
 * engine on it checks a plan end to end: if two tensors alive together shared bytes, outputs would change.
 * Only plans without in-place ops qualify: the engine's kernels do not run in place.
 */
import { ArgumentError } from "../errors/index.js";
import { elementCount, type Graph, type GraphTensor } from "../graph/index.js";
import type { MemoryPlan } from "./plan.js";

type View = Float32Array | Int8Array | Int32Array;

export interface ArenaStorage {
  viewOf(tensor: GraphTensor): View;
  readonly bytes: number;
}

export function createArenaStorage(plan: MemoryPlan): (graph: Graph) => ArenaStorage {
  if (plan.inplaceDepthwise.size > 0 || plan.inplacePointwise.size > 0 || plan.patch) {
    throw new ArgumentError("this plan runs ops in place or in patches, which the engine's kernels do not do", "plan with { strategy: \"tflm\" } or { strategy: \"dietml\", inplace: [] } for the engine");
  }
  return () => {
    const arena = new ArrayBuffer(Math.max(8, plan.arenaBytes));
    const views = new Map<number, View>();
    let extra = 0;
    return {
      viewOf(tensor: GraphTensor): View {
        let v = views.get(tensor.index);
        if (v) return v;
        const n = elementCount(tensor.shape);
        const off = plan.tensorOffset.get(tensor.index);
        const make = (buf: ArrayBuffer, at: number): View => {
          if (tensor.dtype === "f32") return new Float32Array(buf, at, n);
          if (tensor.dtype === "i32") return new Int32Array(buf, at, n);
          return new Int8Array(buf, at, n);
        };
        if (off === undefined) {
          // A tensor no op reads or writes (never planned): give it its own bytes.
          const bytes = n * (tensor.dtype === "i8" ? 1 : 4);
          extra += bytes;
          v = make(new ArrayBuffer(bytes), 0);
        } else {
          v = make(arena, off);
        }
        views.set(tensor.index, v);
        return v;
      },
      get bytes() {
        return plan.arenaBytes + extra;
      },
    };
  };
}
