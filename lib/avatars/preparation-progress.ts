/**
 * Progress of one preparation, as the job reports it: a percentage 0..100 and a stage
 * sentence shown to the user. The job prints each report as one JSON line
 * (`{"progress":42,"stage":"Finding the face in each frame"}`) before its result line.
 */
import { z } from 'zod';

export type ReportProgress = (percent: number, stage: string) => void;

export const progressLineSchema = z.object({
  progress: z.number().min(0).max(100),
  stage: z.string().min(1).max(200),
});
export type ProgressLine = z.infer<typeof progressLineSchema>;

export const STAGES = {
  queued: 'Waiting for the preparation queue',
  rebuilding: 'Rebuilding the damaged frame store',
  reading: 'Reading the upload',
  findingFace: 'Finding the face',
  findingFaceInFrames: 'Finding the face in each frame',
  smoothing: 'Smoothing the face track',
  framing: 'Framing head and shoulders',
  cuttingFrames: 'Cutting the frames',
  measuring: 'Measuring lips, eyes and skin',
  writing: 'Writing the frame store',
  done: 'Ready',
} as const;

/** Ignores reports; the default when nobody listens. */
export const ignoreProgress: ReportProgress = () => undefined;

/**
 * Maps a sub-task's 0..1 onto the range from..to of the whole, so stages can report their
 * own fraction without knowing where they sit in the job.
 */
export function progressRange(
  report: ReportProgress,
  from: number,
  to: number,
  stage: string,
): (fraction: number) => void {
  return (fraction) =>
    report(Math.round(from + (to - from) * Math.min(1, Math.max(0, fraction))), stage);
}
