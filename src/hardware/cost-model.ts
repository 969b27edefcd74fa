/**
 * A simple latency/energy model: cycles = MACs x instructions-per-MAC x cycles-per-instruction.
 * Instructions per MAC is CALIBRATED from our own runs (qemu + our instruction-count plugin on the generated
 * C, see bench/memory.ts); cycles per instruction is an ASSUMPTION (qemu counts instructions, not cycles), and
 * power is the device's nominal figure. Treat the result as an estimate, not a measurement.
 */
import type { DeviceProfile } from "./devices.js";

export interface CostCalibration {
  /** Measured under qemu for the generated C (plain C kernels, -O2). */
  instructionsPerMac: number;
  /** Assumed: a Cortex-M4/M7 retires roughly one instruction per cycle on this kind of loop. */
  cyclesPerInstruction: number;
  source: string;
}

/**
 * Default from our qemu runs (bench/memory.ts; generated C at -O3 -funroll-loops, SMLAD dot products in 1x1
 * convs): vww_96_int8 4.77 and kws_ref_model 4.91 instructions per MAC; bench/memory.ts prints current figures.
 */
export const DEFAULT_CALIBRATION: CostCalibration = {
  instructionsPerMac: 4.8,
  cyclesPerInstruction: 1,
  source: "instructions/MAC measured with qemu-system-arm + dietml's insn plugin on the generated C; CPI assumed 1",
};

export interface CostEstimate {
  cycles: number;
  latencyMs: number;
  energyMj: number;
}

export function estimateCost(macs: number, device: DeviceProfile, cal: CostCalibration = DEFAULT_CALIBRATION): CostEstimate {
  const cycles = macs * cal.instructionsPerMac * cal.cyclesPerInstruction;
  const latencyMs = (cycles / device.clockHz) * 1e3;
  return { cycles, latencyMs, energyMj: (device.nominalActivePowerMw * latencyMs) / 1e3 };
}
