import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionRequest } from '../../protocol/session-request';
import { assertPathsInDataDir } from './dispatch-paths';

let root: string;
let dataDir: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'facecast-paths-'));
  dataDir = path.join(root, 'data');
  fs.mkdirSync(path.join(dataDir, 'avatars', 'a1'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'avatars', 'a1', 'frame.png'), '');
  fs.writeFileSync(path.join(root, 'outside.png'), '');
  fs.symlinkSync(path.join(root, 'outside.png'), path.join(dataDir, 'avatars', 'a1', 'link.png'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const request = (paths: {
  framePath: string;
  storeDir?: string;
  modelPath?: string;
}): SessionRequest =>
  ({
    sessionId: 's1',
    roomName: 'fc-room',
    avatar: {
      id: 'a1',
      name: 'Ada',
      framePath: paths.framePath,
      widthPx: 512,
      heightPx: 512,
      face: { box: { x: 0, y: 0, width: 1, height: 1 }, landmarks: [] },
      ...(paths.storeDir ? { store: { dir: paths.storeDir, name: 'store' } } : {}),
    },
    ...(paths.modelPath ? { lipSync: { modelPath: paths.modelPath } } : {}),
  }) as SessionRequest;

describe('assertPathsInDataDir', () => {
  it("accepts the avatar's files inside the data directory", () => {
    const inside = path.join(dataDir, 'avatars', 'a1');
    expect(() =>
      assertPathsInDataDir(
        request({
          framePath: path.join(inside, 'frame.png'),
          storeDir: inside,
          modelPath: path.join(inside, 'model.onnx'),
        }),
        dataDir,
      ),
    ).not.toThrow();
  });

  it('refuses paths outside it: absolute elsewhere, climbing out, relative, or a link out', () => {
    const cases: Array<[Parameters<typeof request>[0], RegExp]> = [
      [{ framePath: '/etc/passwd' }, /avatar\.framePath/],
      [{ framePath: path.join(dataDir, '..', 'outside.png') }, /avatar\.framePath/],
      [{ framePath: 'avatars/a1/frame.png' }, /avatar\.framePath/],
      [{ framePath: path.join(dataDir, 'avatars', 'a1', 'link.png') }, /avatar\.framePath/],
      [{ framePath: dataDir }, /avatar\.framePath/],
      [
        { framePath: path.join(dataDir, 'avatars', 'a1', 'frame.png'), storeDir: '/var/lib' },
        /avatar\.store\.dir/,
      ],
      [
        {
          framePath: path.join(dataDir, 'avatars', 'a1', 'frame.png'),
          modelPath: `${dataDir}-other/model.onnx`,
        },
        /lipSync\.modelPath/,
      ],
    ];
    for (const [paths, field] of cases) {
      expect(() => assertPathsInDataDir(request(paths), dataDir), JSON.stringify(paths)).toThrow(
        field,
      );
    }
  });
});
