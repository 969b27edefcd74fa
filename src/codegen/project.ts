/** generateProject: the whole C project for a graph and a memory plan, as file name -> contents. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Graph } from "../graph/index.js";
import type { MemoryPlan } from "../planner/index.js";
import { emitModel } from "./emit-model.js";
import { layersOf } from "./layers.js";
import { RUNTIME_HEADER } from "./runtime-c.js";
import { LINK_LD, MAIN_C, MAKEFILE, STARTUP_C } from "./support-files.js";

export interface CProject {
  files: Record<string, string>;
  constBytes: number;
  inputBytes: number;
  outputBytes: number;
}

export function generateProject(graph: Graph, plan: MemoryPlan, name = "model"): CProject {
  const m = emitModel(graph, plan, layersOf(graph), name);
  return {
    files: {
      "model.c": m.modelC,
      "model.h": m.modelH,
      "dietml_rt.h": RUNTIME_HEADER,
      "main.c": MAIN_C,
      "startup.c": STARTUP_C,
      "link.ld": LINK_LD,
      Makefile: MAKEFILE,
    },
    constBytes: m.constBytes,
    inputBytes: m.inputBytes,
    outputBytes: m.outputBytes,
  };
}

export function writeProject(dir: string, project: CProject): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(project.files)) writeFileSync(join(dir, name), text);
}
