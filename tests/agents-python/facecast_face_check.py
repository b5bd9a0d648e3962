"""A Python LiveKit Agent gets a Facecast face: the real sender, `livekit-agents` from PyPI.

Run by `npm test` (step agents-plugin) inside the test network namespace, with the whole
stack up. A test agent joins a fresh room, mints the avatar's token (kind agent,
lk.publish_on_behalf), starts the face with POST /api/v1/agent-sessions, and speaks through
livekit-agents' own DataStreamAudioOutput; a viewer in the room measures what it hears.

Environment: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, FACECAST_URL, FACECAST_API_KEY,
FACECAST_AVATAR_ID, FACECAST_SPEECH_WAV (a mono 16-bit WAV of one sentence),
FACECAST_TEST_REGIONS (the avatar's mouth and a box far from the face, as the Node test has them).
Prints one line per check and, last, `checks: N passed, N failed`; exits 1 on any failure.
With FACECAST_TEST_JUNIT_FILE set, also writes the checks there as a JUnit report.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import sys
import time
import urllib.request
import uuid
import wave
import xml.etree.ElementTree as ET

import numpy as np
from livekit import api, rtc
from livekit.agents.voice.avatar import DataStreamAudioOutput

SPEECH_RMS = 300.0
AGENT_RATE_HZ = 24_000
FRAME_MS = 20
# clear_buffer → silence at this viewer, seconds (the goal is 150 ms: see the clear check).
CLEAR_SILENCE_MAX_S = 0.4

results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    results.append((name, ok, detail))
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)


def read_speech(path: str) -> np.ndarray:
    """The sentence at the agent's rate (linear interpolation is enough for a test signal)."""
    with wave.open(path, "rb") as wav:
        rate = wav.getframerate()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    n = int(len(pcm) * AGENT_RATE_HZ / rate)
    x = np.linspace(0, len(pcm) - 1, n)
    return np.interp(x, np.arange(len(pcm)), pcm.astype(np.float64)).astype(np.int16)


def post_json(url: str, key: str, body: dict) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"authorization": f"Bearer {key}", "content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


class Listener:
    """The avatar's audio at a viewer: (read time, end in the received audio, RMS) per frame.

    The read time is when this script's event loop got to the frame, which on a busy machine is
    later than the frame left the subscriber's receiver, and in bursts: the loop also runs the
    agent. The receiver hands out 10 ms of audio every 10 ms, so a frame left it at
    `anchor + media end`, the anchor being the smallest `read - media end` around the moment
    measured (the frame read with the least delay); `silence_after` measures by that.
    """

    def __init__(self) -> None:
        self.levels: list[tuple[float, float, float]] = []
        self._media_s = 0.0

    async def run(self, track: rtc.RemoteAudioTrack) -> None:
        stream = rtc.AudioStream(track, sample_rate=16_000, num_channels=1)
        try:
            await self._read(stream)
        finally:
            await stream.aclose()

    async def _read(self, stream: rtc.AudioStream) -> None:
        async for event in stream:
            frame = event.frame
            samples = np.frombuffer(frame.data, dtype=np.int16).astype(np.float64)
            rms = math.sqrt(float(np.mean(samples * samples))) if len(samples) else 0.0
            self._media_s += frame.samples_per_channel / frame.sample_rate
            self.levels.append((time.monotonic(), self._media_s, rms))

    def first_loud_after(self, t: float) -> float | None:
        return next((at for at, _, rms in self.levels if at > t and rms > SPEECH_RMS), None)

    def received_after(self, t: float, look_back_s: float = 1.0) -> list[tuple[float, float]]:
        """(time the frame left the receiver, RMS) for the frames received after `t`."""
        window = [(at, media, rms) for at, media, rms in self.levels if at > t - look_back_s]
        if not window:
            return []
        anchor = min(at - media for at, media, _ in window)
        return [(anchor + media, rms) for _, media, rms in window if anchor + media > t]

    @staticmethod
    def _silence(after: list[tuple[float, float]], quiet_s: float) -> float | None:
        last_loud = max((i for i, (_, rms) in enumerate(after) if rms > SPEECH_RMS), default=-1)
        if last_loud + 1 >= len(after):
            return None
        first_quiet = after[last_loud + 1][0]
        return first_quiet if after[-1][0] - first_quiet >= quiet_s else None

    def silence_after(self, t: float, quiet_s: float = 0.3) -> float | None:
        """When the first quiet frame after the last loud one left the receiver."""
        return self._silence(self.received_after(t), quiet_s)

    def silence_read_after(self, t: float, quiet_s: float = 0.3) -> float | None:
        """The same by read time (this script's own delay included), for the log."""
        read = [(at, rms) for at, _, rms in self.levels if at > t]
        return self._silence(read, quiet_s)


class Picture:
    """The face's latest video frame at the viewer, as an RGBA array."""

    def __init__(self) -> None:
        self.latest: np.ndarray | None = None

    async def run(self, track: rtc.RemoteVideoTrack) -> None:
        stream = rtc.VideoStream(track, format=rtc.VideoBufferType.RGBA)
        try:
            async for event in stream:
                frame = event.frame
                pixels = np.frombuffer(frame.data, dtype=np.uint8)
                self.latest = pixels.reshape(frame.height, frame.width, 4).copy()
        finally:
            await stream.aclose()


def region_diff(a: np.ndarray, b: np.ndarray, box: dict, size_px: int) -> float:
    """Mean absolute RGB difference of two frames inside `box` (in avatar pixels)."""
    scale = a.shape[1] / size_px
    y0, y1 = round(box["y0"] * scale), round(box["y1"] * scale)
    x0, x1 = round(box["x0"] * scale), round(box["x1"] * scale)
    diff = a[y0:y1, x0:x1, :3].astype(np.int16) - b[y0:y1, x0:x1, :3].astype(np.int16)
    return float(np.abs(diff).mean()) if diff.size else 0.0


def write_junit() -> None:
    target = os.environ.get("FACECAST_TEST_JUNIT_FILE")
    if not target:
        return
    failed = sum(1 for _, ok, _ in results if not ok)
    suite = ET.Element(
        "testsuite", name="livekit-agents (Python)", tests=str(len(results)), failures=str(failed)
    )
    for name, ok, detail in results:
        case = ET.SubElement(suite, "testcase", name=name)
        if not ok:
            ET.SubElement(case, "failure", message=detail or "failed")
    ET.ElementTree(suite).write(target, encoding="utf-8", xml_declaration=True)


async def wait_for(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise TimeoutError(f"timed out waiting for {what}")


async def main() -> int:
    env = os.environ
    livekit_url, key, secret = env["LIVEKIT_URL"], env["LIVEKIT_API_KEY"], env["LIVEKIT_API_SECRET"]
    room_name = f"py-agent-{uuid.uuid4().hex[:8]}"
    agent_identity, face_identity = "py-agent", "facecast-face"
    sentence = read_speech(env["FACECAST_SPEECH_WAV"])
    sentence_s = len(sentence) / AGENT_RATE_HZ

    def token(identity: str) -> str:
        return (
            api.AccessToken(key, secret)
            .with_identity(identity)
            .with_grants(api.VideoGrants(room_join=True, room=room_name))
            .to_jwt()
        )

    agent = rtc.Room()
    await agent.connect(livekit_url, token(agent_identity))
    viewer = rtc.Room()
    listener = Listener()
    picture = Picture()
    regions = json.loads(env["FACECAST_TEST_REGIONS"])
    tasks: list[asyncio.Task] = []

    def on_track(track: rtc.Track, _pub, participant: rtc.RemoteParticipant) -> None:
        if participant.identity != face_identity:
            return
        if isinstance(track, rtc.RemoteAudioTrack):
            tasks.append(asyncio.ensure_future(listener.run(track)))
        elif isinstance(track, rtc.RemoteVideoTrack):
            tasks.append(asyncio.ensure_future(picture.run(track)))

    viewer.on("track_subscribed", on_track)
    await viewer.connect(livekit_url, token("py-viewer"))

    face_token = (
        api.AccessToken(key, secret)
        .with_kind("agent")
        .with_identity(face_identity)
        .with_attributes({"lk.publish_on_behalf": agent_identity})
        .with_grants(api.VideoGrants(room_join=True, room=room_name, can_publish=True))
        .to_jwt()
    )
    started = post_json(
        f"{env['FACECAST_URL']}/api/v1/agent-sessions",
        env["FACECAST_API_KEY"],
        {"avatarId": env["FACECAST_AVATAR_ID"], "livekitUrl": livekit_url, "livekitToken": face_token},
    )
    check("the face starts (POST /api/v1/agent-sessions)", started.get("identity") == face_identity)

    output = DataStreamAudioOutput(
        agent, destination_identity=face_identity, wait_remote_track=rtc.TrackKind.KIND_VIDEO
    )
    finished: list = []
    output.on("playback_finished", finished.append)
    await wait_for(lambda: listener.levels, 30, "the face's audio at the viewer")
    await wait_for(lambda: picture.latest is not None, 30, "the face's video at the viewer")
    await asyncio.sleep(1.0)

    async def speak(pcm: np.ndarray) -> float:
        chunk = AGENT_RATE_HZ * FRAME_MS // 1000
        first = 0.0
        for at in range(0, len(pcm), chunk):
            piece = pcm[at : at + chunk]
            frame = rtc.AudioFrame(piece.tobytes(), AGENT_RATE_HZ, 1, len(piece))
            if at == 0:
                first = time.monotonic()
            await output.capture_frame(frame)
        output.flush()
        return first

    # A whole sentence: heard, finished with its length, not interrupted; wait_for_playout ends.
    idle = picture.latest
    sent_at = await speak(sentence)
    heard_at = await wait_for(lambda: listener.first_loud_after(sent_at), 10, "speech")
    check("the viewer hears the agent's speech", True, f"{(heard_at - sent_at) * 1000:.0f} ms after the first chunk")
    # The mouth moves while it speaks, and far more than a region away from the face.
    mouth = far = 0.0
    for _ in range(15):
        await asyncio.sleep(0.08)
        frame = picture.latest
        if frame is None or idle is None or frame.shape != idle.shape:
            continue
        diff = region_diff(frame, idle, regions["mouth"], regions["sizePx"])
        if diff > mouth:
            mouth, far = diff, region_diff(frame, idle, regions["far"], regions["sizePx"])
    check(
        "the mouth region moves while the agent speaks",
        mouth > 8 and mouth > far * 4 + 2,
        f"mouth diff {mouth:.1f}, far from the face {far:.1f}",
    )
    event = await asyncio.wait_for(output.wait_for_playout(), 20)
    check(
        "playback_finished reports the sentence's length, not interrupted",
        abs(event.playback_position - sentence_s) < 0.1 and not event.interrupted,
        f"{event.playback_position:.3f} s of {sentence_s:.3f} s, interrupted={event.interrupted}",
    )

    # clear_buffer mid-way: silence at once, reported interrupted.
    long = np.concatenate([sentence] * 3)
    speaking = asyncio.ensure_future(speak(long))
    await speaking
    await wait_for(lambda: listener.first_loud_after(time.monotonic() - 0.5), 10, "speech")
    await asyncio.sleep(1.2)
    cleared_at = time.monotonic()
    cleared_epoch_ms = time.time() * 1000  # to compare with the worker's "agent cleared the buffer"
    output.clear_buffer()
    silent_at = await wait_for(lambda: listener.silence_after(cleared_at), 5, "silence")
    read_at = listener.silence_read_after(cleared_at) or float("nan")
    # The goal is 150 ms (met at the integration test's viewer: 12-115 ms). This viewer is
    # another rtc SDK whose own buffering adds to it: 125-169 ms on an idle machine, 440-782 ms
    # at load 9-15 (docs/livekit-agents.md). As in the Node plugin's test, the bound proves the
    # clear acts (without it, 8 s more would play) without failing on the viewer's buffering.
    check(
        f"clear_buffer silences the face within {CLEAR_SILENCE_MAX_S * 1000:.0f} ms",
        silent_at - cleared_at < CLEAR_SILENCE_MAX_S,
        f"{(silent_at - cleared_at) * 1000:.0f} ms (read by this script after {(read_at - cleared_at) * 1000:.0f} ms; "
        f"clear called at {cleared_epoch_ms:.0f})",
    )
    event = await asyncio.wait_for(output.wait_for_playout(), 5)
    check(
        "the cut segment is reported interrupted",
        event.interrupted and 0 < event.playback_position < len(long) / AGENT_RATE_HZ,
        f"{event.playback_position:.3f} s heard",
    )

    # clear_buffer when idle: answered at once, no hang.
    idle_at = time.monotonic()
    answer = await asyncio.wait_for(
        agent.local_participant.perform_rpc(
            destination_identity=face_identity, method="lk.clear_buffer", payload=""
        ),
        2,
    )
    check("clear_buffer when idle answers ok", answer == "ok", f"{(time.monotonic() - idle_at) * 1000:.0f} ms")

    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await agent.disconnect()
    await viewer.disconnect()
    await asyncio.sleep(0.5)  # let the FFI deliver the disconnect events before the report
    failed = sum(1 for _, ok, _ in results if not ok)
    print(f"checks: {len(results) - failed} passed, {failed} failed", flush=True)
    write_junit()
    return 1 if failed else 0


def leave(code: int) -> None:
    """Exits without interpreter finalization once the report is written.

    livekit-rtc's FFI runtime keeps Rust threads that may call back into Python while the
    interpreter tears down; that aborts the process ("panic in a function that cannot unwind")
    after every check has passed (seen once in CI). The checks are over and flushed here, so
    skipping finalization loses nothing and keeps the exit code honest.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    try:
        leave(asyncio.run(main()))
    except Exception as error:  # a timeout or a refused request is a failed check
        check(f"runs to the end ({type(error).__name__})", False, str(error))
        failed = sum(1 for _, ok, _ in results if not ok)
        print(f"checks: {len(results) - failed} passed, {failed} failed", flush=True)
        write_junit()
        leave(1)
