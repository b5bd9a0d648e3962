export default function NotFound() {
  return (
    <div className="empty">
      <h1>Not found</h1>
      <p>This page does not exist, or it belongs to another account.</p>
      <a href="/">Go to the start page</a>
    </div>
  );
}
