/**
 * A viewer in real Chromium, built on `livekit-client` as a web front end of an agent is: a
 * page joins the agent's room and shows, in a <video>, the video of the participant whose
 * `lk.publish_on_behalf` names the agent (what LiveKit's `useVoiceAssistant` shows as the
 * agent's video). The page and `livekit-client`'s browser build are served from loopback by
 * this process; Playwright and Chromium are the root project's (Debian's /usr/bin/chromium,
 * launched as the e2e suite launches it), found through FACECAST_TEST_BROWSER.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** What scripts/agents-plugin.ts passes in FACECAST_TEST_BROWSER. */
export interface BrowserSettings {
  /** The root's `playwright-core` entry (CommonJS). */
  playwright: string;
  executablePath: string;
  args: string[];
  /** Chromium gathers ICE candidates on every interface only with a media permission. */
  permissions: string[];
  /** `livekit-client`'s UMD build (defines `LivekitClient`). */
  livekitClient: string;
}

/**
 * The few Playwright calls used here. The plugin is its own package without Playwright, so
 * the root's is loaded from a path and typed by this structural subset of its API.
 */
interface Page {
  goto(url: string): Promise<unknown>;
  evaluate(expression: string): Promise<unknown>;
  waitForFunction(
    expression: string,
    arg?: unknown,
    options?: { timeout?: number; polling?: number },
  ): Promise<unknown>;
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
}
interface Browser {
  newContext(options: { permissions: string[] }): Promise<{ newPage(): Promise<Page> }>;
  close(): Promise<void>;
}
interface Playwright {
  chromium: {
    launch(options: {
      executablePath: string;
      args: string[];
      headless: boolean;
    }): Promise<Browser>;
  };
}

/** What the page reports about its <video>. */
export interface VideoState {
  /** The identity whose video the page shows, once it shows one. */
  shownIdentity: string | null;
  videoWidth: number;
  videoHeight: number;
  currentTime: number;
  /** Frames the element has presented (getVideoPlaybackQuality). */
  totalVideoFrames: number;
  /** Standard deviation of the picture's luminance (0 for a uniform, e.g. black, picture). */
  lumaStdDev: number;
}

const PAGE = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>An agent's face</title></head>
  <body>
    <video id="agent" autoplay muted playsinline></video>
    <script src="/livekit-client.js"></script>
    <script>
      window.shownIdentity = null;
      window.join = async (url, token, agentIdentity) => {
        const { Room, RoomEvent, Track } = LivekitClient;
        const room = new Room({ adaptiveStream: false, dynacast: false });
        const video = document.getElementById('agent');
        const show = (participant) => {
          if (participant.attributes['lk.publish_on_behalf'] !== agentIdentity) return;
          for (const publication of participant.trackPublications.values()) {
            if (publication.kind === Track.Kind.Video && publication.track) {
              publication.track.attach(video);
              window.shownIdentity = participant.identity;
            }
          }
        };
        room.on(RoomEvent.TrackSubscribed, (_track, _publication, participant) => show(participant));
        room.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => show(participant));
        await room.connect(url, token);
        for (const participant of room.remoteParticipants.values()) show(participant);
        window.room = room;
      };
      window.videoState = () => {
        const video = document.getElementById('agent');
        let lumaStdDev = 0;
        if (video.videoWidth > 0) {
          const canvas = document.createElement('canvas');
          canvas.width = 64;
          canvas.height = 64;
          const context = canvas.getContext('2d');
          context.drawImage(video, 0, 0, 64, 64);
          const { data } = context.getImageData(0, 0, 64, 64);
          let sum = 0;
          let sumSquares = 0;
          for (let i = 0; i < data.length; i += 4) {
            const luma = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
            sum += luma;
            sumSquares += luma * luma;
          }
          const n = data.length / 4;
          lumaStdDev = Math.sqrt(Math.max(0, sumSquares / n - (sum / n) ** 2));
        }
        return {
          shownIdentity: window.shownIdentity,
          videoWidth: video.videoWidth,
          videoHeight: video.videoHeight,
          currentTime: video.currentTime,
          totalVideoFrames: video.getVideoPlaybackQuality().totalVideoFrames,
          lumaStdDev,
        };
      };
    </script>
  </body>
</html>
`;

export interface BrowserViewer {
  /** Joins the room; the page shows the video published on behalf of `agentIdentity`. */
  join(livekitUrl: string, token: string, agentIdentity: string): Promise<void>;
  /** Resolves once the page shows a video with a picture (videoWidth > 0). */
  waitForVideo(timeoutMs: number): Promise<void>;
  videoState(): Promise<VideoState>;
  /** Page errors and warnings, for a failure's message. */
  readonly consoleLines: string[];
  close(): Promise<void>;
}

/** Serves the page, launches Chromium and opens the page (not yet in the room). */
export async function openBrowserViewer(settings: BrowserSettings): Promise<BrowserViewer> {
  const client = readFileSync(settings.livekitClient);
  const server = http.createServer((req, res) => {
    if (req.url === '/livekit-client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(client);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  // A CommonJS module: its exports are the namespace's default.
  const { default: playwright } = (await import(pathToFileURL(settings.playwright).href)) as {
    default: Playwright;
  };
  const browser = await playwright.chromium.launch({
    executablePath: settings.executablePath,
    args: settings.args,
    headless: true,
  });
  const consoleLines: string[] = [];
  try {
    const context = await browser.newContext({ permissions: settings.permissions });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        consoleLines.push(`${message.type()}: ${message.text()}`);
      }
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    return {
      consoleLines,
      async join(livekitUrl, token, agentIdentity) {
        const args = [livekitUrl, token, agentIdentity].map((a) => JSON.stringify(a)).join(', ');
        await page.evaluate(`window.join(${args})`);
      },
      async waitForVideo(timeoutMs) {
        await page.waitForFunction('document.getElementById("agent").videoWidth > 0', undefined, {
          timeout: timeoutMs,
          polling: 100,
        });
      },
      async videoState() {
        return (await page.evaluate('window.videoState()')) as VideoState;
      },
      async close() {
        await browser.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  } catch (error) {
    await browser.close();
    server.close();
    throw error;
  }
}
