export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}
export function noTests(): TestCounts;
export function addCounts(a: TestCounts, b: TestCounts): TestCounts;
export function countsLine(counts: TestCounts): string;
export function vitestCounts(file: string): TestCounts;
export function playwrightCounts(file: string): TestCounts;
export function junitCounts(xml: string): TestCounts;
export function readCounts(
  kind: 'vitest' | 'playwright' | 'junit' | 'counts',
  file: string,
): TestCounts | null;
export function reportPath(dir: string, stepName: string): string;
