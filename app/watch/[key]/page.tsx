import { LiveViewer } from '../../_components/live-viewer';

/** The shareable viewer page: access is checked when it asks for a token. */
export default async function WatchPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  return (
    <>
      <h1>Live avatar</h1>
      <LiveViewer tokenUrl={`/api/watch/${encodeURIComponent(key)}/token`} />
    </>
  );
}
