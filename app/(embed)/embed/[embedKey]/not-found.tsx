/** An unknown or switched-off widget, shown inside the frame on the site. */
export default function EmbedNotFound() {
  return (
    <div className="embed-missing" data-testid="embed-not-found">
      <h1>Not available</h1>
      <p>This avatar widget is not available: its owner may have turned it off.</p>
    </div>
  );
}
