"""The agent benchmark's Python sender: `livekit-agents`' own DataStreamAudioOutput (PyPI, in
`.venv-agents`), driven by bench/agent.ts over stdin, so clear_buffer → silence is measured
with the real Python sender as well as with rtc-node.

Environment: LIVEKIT_URL, FACECAST_BENCH_TOKEN (the agent's token), FACECAST_BENCH_FACE (the
face's identity), FACECAST_BENCH_PCM (24 kHz mono int16 little-endian, raw). Commands, one per
line on stdin: `speak` sends the whole PCM at once, as a TTS that is faster than real time does
(capture_frame in 20 ms frames, then flush); `clear` calls clear_buffer(). Answers are JSON
lines on stdout: {"event": "ready"}, {"event": "sent"}, {"event": "clear", "at_ms": epoch ms
just before clear_buffer()}, {"event": "finished", ...} per playback_finished.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

import numpy as np
from livekit import rtc
from livekit.agents.voice.avatar import DataStreamAudioOutput

RATE_HZ = 24_000
FRAME_MS = 20


def say(event: dict) -> None:
    print(json.dumps(event), flush=True)


async def main() -> None:
    env = os.environ
    pcm = np.fromfile(env["FACECAST_BENCH_PCM"], dtype="<i2")
    room = rtc.Room()
    await room.connect(env["LIVEKIT_URL"], env["FACECAST_BENCH_TOKEN"])
    output = DataStreamAudioOutput(
        room,
        destination_identity=env["FACECAST_BENCH_FACE"],
        wait_remote_track=rtc.TrackKind.KIND_AUDIO,
    )
    output.on(
        "playback_finished",
        lambda ev: say(
            {
                "event": "finished",
                "playback_position": ev.playback_position,
                "interrupted": ev.interrupted,
            }
        ),
    )

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    say({"event": "ready"})

    async def speak() -> None:
        chunk = RATE_HZ * FRAME_MS // 1000
        for at in range(0, len(pcm), chunk):
            piece = pcm[at : at + chunk]
            await output.capture_frame(rtc.AudioFrame(piece.tobytes(), RATE_HZ, 1, len(piece)))
        output.flush()
        say({"event": "sent"})

    speaking: asyncio.Task | None = None
    while line := (await reader.readline()).decode().strip():
        if line == "speak":
            speaking = asyncio.ensure_future(speak())
        elif line == "clear":
            say({"event": "clear", "at_ms": time.time() * 1000})
            output.clear_buffer()
    if speaking:
        await asyncio.gather(speaking, return_exceptions=True)
    await room.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # livekit-rtc's FFI threads may call into Python during finalization (see the check).
    os._exit(0)
