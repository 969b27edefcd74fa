/** dietml optim: SGD and Adam updating named parameters in place, and learning-rate schedules. */
export { Optimizer, type NamedParameters } from "./optimizer.js";
export { SGD, type SgdOptions } from "./sgd.js";
export { Adam, type AdamOptions } from "./adam.js";
export { constantSchedule, stepSchedule, cosineSchedule, type LrSchedule } from "./schedule.js";
