/**
 * The lip-sync model check as a child process of the app, so a hostile or broken ONNX file
 * never loads into the web server (lib/avatars/inspect-lip-sync-model.ts runs it under a
 * memory limit and a timeout):
 *
 *   node --import tsx lib/avatars/inspect-lip-sync-model-job.ts <model.onnx> [settings JSON]
 *
 * Prints exactly one line and exits 0: `{"ok":true,"resolved":{…}}` when the model matches
 * the Wav2Lip interface, `{"ok":false,"message":"…"}` (a reason for the uploader) when it does
 * not. Running out of memory (std::bad_alloc from onnxruntime) or time ends the process
 * without that line.
 */
import { LipSyncError } from '../../protocol/lip-sync/lip-sync-error';
import { resolveInterface } from '../../protocol/lip-sync/model-interface';

const writeLine = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function main(argv: string[]): Promise<number> {
  const [file, settingsJson = '{}'] = argv;
  if (!file) {
    process.stderr.write('usage: inspect-lip-sync-model-job <model.onnx> [settings JSON]\n');
    return 2;
  }
  const settings = JSON.parse(settingsJson) as { melInput?: string; faceInput?: string };
  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(file, {
      graphOptimizationLevel: 'disabled',
      intraOpNumThreads: 1,
    });
  } catch (error) {
    // Out of memory under the parent's limit: no result line, so the parent says so.
    if (/bad_alloc|out of memory/i.test(String(error))) throw error;
    writeLine({
      ok: false,
      message:
        'The file is not an ONNX model onnxruntime can load. Upload a Wav2Lip-compatible .onnx export (mel [B,1,80,16] + face [B,6,S,S] → [B,3,S,S]).',
    });
    return 0;
  }
  try {
    writeLine({
      ok: true,
      resolved: resolveInterface(session.inputMetadata, session.outputMetadata, settings),
    });
  } catch (error) {
    if (!(error instanceof LipSyncError)) throw error;
    writeLine({ ok: false, message: `Not a Wav2Lip-compatible model: ${error.message}.` });
  } finally {
    await session.release();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
