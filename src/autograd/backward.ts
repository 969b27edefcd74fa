/**
 * Reverse-mode sweep: visits the graph behind `root` in reverse topological order, calls each node's
 * backward with the summed gradient of its output, and accumulates into the `grad` of leaves that require
 * one (so repeated calls add up: gradient accumulation). Each node's saved tensors and input links are
 * released as soon as it has run, so memory falls during the sweep and a second backward through the same
 * graph is refused.
 */
import { ArgumentError } from "../errors/index.js";
import { axpy } from "../kernels/index.js";
import { formatShape, Tensor } from "../tensor/index.js";
import type { Variable } from "./variable.js";

/** A pending gradient; `owned` is false while the array may be shared (then it is copied before adding). */
interface Pending {
  g: Float32Array;
  owned: boolean;
}

export function backward(root: Variable, seed?: Float32Array): void {
  if (!root.requiresGrad) {
    throw new ArgumentError(
      `backward() called on ${root.toString()}, which does not depend on anything that requires a gradient`,
      "mark parameters with requiresGrad and do not run the forward pass inside noGrad()",
    );
  }
  if (seed === undefined && root.size !== 1) {
    throw new ArgumentError(
      `backward() without a seed gradient needs a scalar, got shape ${formatShape(root.shape)}`,
      "reduce the output to a scalar loss (e.g. mean) or pass the output gradient",
    );
  }
  if (seed !== undefined && seed.length !== root.size) {
    throw new ArgumentError(`backward(): seed has ${seed.length} elements, output has ${root.size}`, "pass a seed with the output's shape");
  }
  const pending = new Map<Variable, Pending>();
  pending.set(root, { g: seed ?? Float32Array.of(1), owned: false });
  const order = topologicalOrder(root);
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i]!;
    const entry = pending.get(v);
    pending.delete(v);
    if (entry === undefined) continue;
    const node = v.node;
    if (node === null) {
      accumulateLeaf(v, entry);
      continue;
    }
    if (node.saved === null) {
      throw new ArgumentError(
        `backward through op '${node.op}' a second time: its saved tensors were already released`,
        "run the forward pass again before calling backward() again",
      );
    }
    const grads = node.backward(entry.g, node.saved);
    const inputs = node.inputs;
    node.saved = null;
    node.inputs = [];
    for (let j = 0; j < inputs.length; j++) {
      const input = inputs[j]!;
      const g = grads[j];
      if (g === null || g === undefined || !input.requiresGrad) continue;
      // a gradient is shared when it is the incoming dy or handed to two inputs (x + x)
      const shared = g === entry.g || grads.indexOf(g) !== j || grads.lastIndexOf(g) !== j;
      addPending(pending, input, g, !shared);
    }
  }
}

function addPending(pending: Map<Variable, Pending>, v: Variable, g: Float32Array, owned: boolean): void {
  const existing = pending.get(v);
  if (existing === undefined) {
    pending.set(v, { g, owned });
    return;
  }
  if (!existing.owned) {
    existing.g = Float32Array.from(existing.g);
    existing.owned = true;
  }
  axpy(1, g, existing.g);
}

function accumulateLeaf(v: Variable, entry: Pending): void {
  if (v.grad === null) {
    const g = entry.owned ? entry.g : Float32Array.from(entry.g);
    v.grad = new Tensor(v.shape, "f32", g);
  } else {
    axpy(1, entry.g, v.grad.data);
  }
}

/** Variables reachable from root, each after all of its inputs (iterative DFS: deep nets must not overflow the stack). */
export function topologicalOrder(root: Variable): Variable[] {
  const order: Variable[] = [];
  const visited = new Set<Variable>();
  const stack: { v: Variable; next: number }[] = [{ v: root, next: 0 }];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top.v.node?.inputs ?? [];
    if (top.next < inputs.length) {
      const child = inputs[top.next++]!;
      if (!visited.has(child) && child.requiresGrad) {
        visited.add(child);
        stack.push({ v: child, next: 0 });
      }
    } else {
      order.push(top.v);
      stack.pop();
    }
  }
  return order;
}
