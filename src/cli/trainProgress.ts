/**
 * Progress of `dietml train` on stderr: a live cli-progress bar per epoch (loss, accuracy, images/s) on a
 * terminal, one plain line per epoch otherwise (logs, CI, tests), so stdout stays free for --json.
 */
import cliProgress from "cli-progress";
import type { EpochSummary, StepProgress, TrainPlan } from "../train/index.js";
import type { CliIo } from "./io.js";

export interface TrainProgress {
  onStart(plan: TrainPlan): void;
  onStep(progress: StepProgress): void;
  onEpoch(summary: EpochSummary): void;
  stop(): void;
}

export function createTrainProgress(io: CliIo): TrainProgress {
  const live = (io.progressStream as { isTTY?: boolean }).isTTY === true;
  let bar: cliProgress.SingleBar | null = null;

  const stopBar = (): void => {
    bar?.stop();
    bar = null;
  };

  return {
    onStart(plan) {
      io.stderr(
        `training ${plan.model} (${plan.parameters.toLocaleString("en-US")} parameters) on ${plan.data} ` +
          `(${plan.trainExamples} train / ${plan.testExamples} test): ${plan.epochs} epochs, batch ${plan.batchSize}, ` +
          `${plan.optimizer} lr ${plan.lr} (cosine), augment ${plan.augment}, seed ${plan.seed}\n`,
      );
    },
    onStep(p) {
      if (!live) return;
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          {
            stream: io.progressStream,
            format: `epoch ${p.epoch + 1}/${p.epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {ips} img/s | eta {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
            fps: 5,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.stepsPerEpoch, 0, { loss: "-", acc: "-", ips: "-" });
      }
      bar.update(p.step + 1, { loss: p.loss.toFixed(4), acc: percent(p.accuracy), ips: Math.round(p.imagesPerSecond) });
    },
    onEpoch(e) {
      stopBar();
      io.stderr(
        `epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${percent(e.trainAccuracy)} | ` +
          `test loss ${e.testLoss.toFixed(4)} acc ${percent(e.testAccuracy)} | ${Math.round(e.imagesPerSecond)} img/s, ${e.seconds.toFixed(1)} s\n`,
      );
    },
    stop: stopBar,
  };
}

function percent(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
