import { describe, expect, it } from "vitest";
import { DEFAULT_CALIBRATION, DEVICES, estimateCost, findDevice } from "../../src/hardware/index.js";

describe("hardware profiles and cost model", () => {
  it("has the three STM32 targets with their SRAM and flash", () => {
    expect(findDevice("STM32F746")!.sramBytes).toBe(320 * 1024);
    expect(DEVICES.stm32f412!.sramBytes).toBe(256 * 1024);
    expect(DEVICES.stm32h743!.flashBytes).toBe(2 * 1024 * 1024);
    expect(findDevice("esp32")).toBeUndefined();
  });

  it("latency scales with MACs and inversely with the clock; energy is power x time", () => {
    const cal = { ...DEFAULT_CALIBRATION, instructionsPerMac: 5, cyclesPerInstruction: 1 };
    const f7 = estimateCost(1e6, DEVICES.stm32f746!, cal);
    expect(f7.cycles).toBe(5e6);
    expect(f7.latencyMs).toBeCloseTo((5e6 / 216e6) * 1e3, 9);
    expect(estimateCost(2e6, DEVICES.stm32f746!, cal).latencyMs).toBeCloseTo(2 * f7.latencyMs, 9);
    expect(estimateCost(1e6, DEVICES.stm32h743!, cal).latencyMs).toBeLessThan(f7.latencyMs);
    expect(f7.energyMj).toBeCloseTo((DEVICES.stm32f746!.nominalActivePowerMw * f7.latencyMs) / 1e3, 9);
  });
});
