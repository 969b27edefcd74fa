/** Microcontroller profiles: the memory limits a deployment must fit, and the clock the latency model uses. */

export interface DeviceProfile {
  id: string;
  name: string;
  core: "cortex-m4" | "cortex-m7";
  clockHz: number;
  sramBytes: number;
  flashBytes: number;
  /**
   * Nominal run-mode power at full clock, order of magnitude only (NOT measured here): energy figures built on
   * it are rough and say so.
   */
  nominalActivePowerMw: number;
}

const KB = 1024;

export const DEVICES: Readonly<Record<string, DeviceProfile>> = {
  stm32f412: { id: "stm32f412", name: "STM32F412 (Cortex-M4, 100 MHz)", core: "cortex-m4", clockHz: 100e6, sramBytes: 256 * KB, flashBytes: 1024 * KB, nominalActivePowerMw: 40 },
  stm32f746: { id: "stm32f746", name: "STM32F746 (Cortex-M7, 216 MHz)", core: "cortex-m7", clockHz: 216e6, sramBytes: 320 * KB, flashBytes: 1024 * KB, nominalActivePowerMw: 330 },
  stm32h743: { id: "stm32h743", name: "STM32H743 (Cortex-M7, 480 MHz)", core: "cortex-m7", clockHz: 480e6, sramBytes: 512 * KB, flashBytes: 2048 * KB, nominalActivePowerMw: 500 },
};

export function deviceIds(): string[] {
  return Object.keys(DEVICES);
}

export function findDevice(id: string): DeviceProfile | undefined {
  return DEVICES[id.toLowerCase()];
}
