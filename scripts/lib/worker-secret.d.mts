export function carriesWorkerSecret(
  authorization: string | null | undefined,
  workerSecret: string,
): boolean;
