export interface StepInfo {
  name: string;
  title: string;
  netns?: boolean;
  runner?: 'vitest' | 'playwright' | 'junit' | 'counts';
}
export interface StepResult {
  name: string;
  status: 'pass' | 'FAIL' | 'skipped' | 'not run';
  durationMs: number;
  note?: string;
}
export const testSteps: StepInfo[];
export function selectSteps(filters: { only?: string; skip?: string }): StepInfo[];
export function packagesFor(steps: StepInfo[]): { required: string[]; optional: string[] };
export function summaryTable(results: StepResult[]): string;
